// `statusform shards --count N`: the CI job matrix for `plan/apply --shard K/N`, optionally only
// the shards whose accounts changed since a git ref. The gate of every workflow: the config is
// validated as `validate` does (a config plan would refuse is an error here, never an empty
// matrix), but with no credentials needed (a matrix job holds no secrets). For --changed-since it asks `git`.

import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import { UsageError } from '../../errors.js';
import { changedAccountsInConfig, changedAccountsInState } from '../../config/account-blocks.js';
import type { StateLayout } from '../../state/store.js';
import { ACCOUNTS_DIR, accountOfFile, isLayout } from '../../config/files.js';
import { GITHUB_MATRIX_LIMIT, shardTable, shardText } from '../../engine/shard.js';
import { accountOfFileName } from '../../state/store.js';
import { loadOrThrow, stateLocationOf } from '../context.js';
import { write, type Io } from '../io.js';
import type { Outcome } from '../outcome.js';

export interface ShardsCommandOptions {
  config?: string;
  count: number;
  changedSince?: string;
  format?: string;
}

interface Row {
  shard: string;
  accounts: string[];
  changed?: string[];
}

export async function shardsCommand(io: Io, opts: ShardsCommandOptions): Promise<Outcome> {
  const format = opts.format ?? 'github-matrix';
  if (format !== 'github-matrix' && format !== 'json') throw new UsageError(`--format must be github-matrix or json (got "${format}")`);
  // Before anything is read: the table hashes every account once per shard.
  if (opts.count > GITHUB_MATRIX_LIMIT) {
    throw new UsageError(
      `--count must be at most ${GITHUB_MATRIX_LIMIT}: ` +
        `GitHub Actions runs at most ${GITHUB_MATRIX_LIMIT} jobs from one matrix (got ${opts.count})`,
    );
  }
  const { names, files } = validated(io, opts.config);
  const changed = opts.changedSince === undefined ? undefined : changedSince(opts.changedSince, files, statePath(io, opts.config), names);
  const rows: Row[] = shardTable(names, opts.count)
    .map((t) => ({
      shard: shardText(t.shard),
      accounts: t.accounts,
      ...(changed ? { changed: t.accounts.filter((a) => changed.has(a)) } : {}),
    }))
    .filter((r) => r.accounts.length > 0 && (r.changed === undefined || r.changed.length > 0));
  if (format === 'github-matrix') write(io.stdout, JSON.stringify({ include: rows }));
  else
    write(
      io.stdout,
      JSON.stringify(
        { count: opts.count, ...(opts.changedSince !== undefined ? { changed_since: opts.changedSince } : {}), shards: rows },
        null,
        2,
      ),
    );
  return 'done';
}

/**
 * The accounts' names and the files of a configuration that validates, or the ConfigError that
 * `validate` would print. Unset variables are no problem: they hold credentials and hosts, which
 * a matrix job does not have. Only names are kept: the loaded model is let go before git is asked.
 */
function validated(io: Io, config: string | undefined): { names: string[]; files: string[] } {
  const loaded = loadOrThrow(io, config, { unsetEnvAllowed: true });
  return { names: loaded.accounts.map((a) => a.name), files: loaded.files };
}

/**
 * Where the state is. Read apart from the loaded config, which takes an unset variable as no
 * problem: in `state` it would hide every state change from --changed-since.
 */
function statePath(io: Io, config: string | undefined): { path: string; layout: StateLayout } {
  // A database's URL is never needed here: the state in PostgreSQL is not in the repository.
  return stateLocationOf(io, config, { unsetEnvAllowed: true });
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
}

/** A file's text at `ref` (path relative to the repository's top), or undefined when it did not exist there. */
function atRef(top: string, ref: string, rel: string): string | undefined {
  try {
    return git(top, ['show', `${ref}:${rel.split(sep).join('/')}`]);
  } catch {
    return undefined;
  }
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The real path (links resolved), or the path as given when it does not exist. */
function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

/** The repository's top, and every path (absolute) that differs from `ref` in the working tree or is untracked. */
function changedPaths(ref: string, dir: string): { top: string; paths: Set<string> } {
  try {
    const top = real(git(dir, ['rev-parse', '--show-toplevel']).trim());
    git(top, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    const diff = git(top, ['diff', '--name-only', '-z', ref, '--']);
    const untracked = git(top, ['ls-files', '--others', '--exclude-standard', '-z']);
    const paths = [...diff.split('\0'), ...untracked.split('\0')].filter((p) => p !== '').map((p) => resolve(top, p));
    return { top, paths: new Set(paths) };
  } catch (err) {
    const why = ((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split('\n')[0];
    throw new UsageError(
      `--changed-since ${ref}: git cannot tell what changed (${why || 'is this a git repository, and is the ref fetched?'}); ` +
        'in CI, fetch enough history (actions/checkout with fetch-depth: 0)',
    );
  }
}

/**
 * The accounts whose config, file or state changed between `ref` and the working tree, found by
 * file name: a changed account file (accounts/<name>.yaml) → its account; another changed config
 * file → its accounts whose settings differ (all of them when a shared setting changed); a
 * changed state file → the accounts whose entry differs; a changed file in a state directory →
 * the account it is named after (`+beta.json` → Beta, as the state store names it).
 */
function changedSince(
  ref: string,
  files: readonly string[],
  state: { path: string; layout: StateLayout },
  names: readonly string[],
): Set<string> {
  const { top, paths } = changedPaths(ref, real(dirname(files[0]!)));
  const changed = new Set<string>();
  const configs = new Set(files.map(real));
  const accountFiles = new Map(
    files.filter((f) => basename(dirname(f)) === ACCOUNTS_DIR && isLayout(dirname(dirname(f)))).map((f) => [real(f), accountOfFile(f)]),
  );
  const stateReal = real(state.path);
  for (const p of paths) {
    const before = () => atRef(top, ref, relative(top, p));
    const account = accountFiles.get(p);
    if (account !== undefined) {
      // An account file is its account's alone: it is not even read.
      if (names.includes(account)) changed.add(account);
    } else if (configs.has(p)) {
      const c = changedAccountsInConfig(before(), readOrUndefined(p));
      for (const n of c.everyAccount ? names : c.accounts) changed.add(n);
    } else if (state.layout === 'file' && p === stateReal) {
      for (const n of changedAccountsInState(before(), readOrUndefined(p)) ?? names) changed.add(n);
    } else if (state.layout === 'directory' && dirname(p) === stateReal) {
      const account = accountOfFileName(basename(p)); // undefined for a lock or a temporary file
      if (account !== undefined && names.includes(account)) changed.add(account);
    }
  }
  return changed;
}
