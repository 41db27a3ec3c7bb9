// `statusform shards --count N`: the CI job matrix for `plan/apply --shard K/N`, optionally only
// the shards whose accounts changed since a git ref. Reads the config's files (no credentials
// needed: a matrix job need not hold secrets) and, for --changed-since, asks `git`.

import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { UsageError } from '../../errors.js';
import { accountNamesIn, changedAccountsInConfig, changedAccountsInState } from '../../config/account-blocks.js';
import { configFiles } from '../../config/documents.js';
import { statePathOf } from '../../config/load.js';
import { GITHUB_MATRIX_LIMIT, shardTable, shardText } from '../../engine/shard.js';
import { DEFAULT_CONFIG } from '../context.js';
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
  const path = resolve(io.cwd, opts.config ?? DEFAULT_CONFIG);
  const files = configFiles(path);
  const names: string[] = [];
  for (const f of files) for (const n of accountNamesIn(readFileSync(f, 'utf8'))) if (!names.includes(n)) names.push(n);

  const changed = opts.changedSince === undefined ? undefined : changedSince(opts.changedSince, files, statePath(path, io), names);
  const rows: Row[] = shardTable(names, opts.count)
    .map((t) => ({
      shard: shardText(t.shard),
      accounts: t.accounts,
      ...(changed ? { changed: t.accounts.filter((a) => changed.has(a)) } : {}),
    }))
    .filter((r) => r.accounts.length > 0 && (r.changed === undefined || r.changed.length > 0));
  if (rows.length > GITHUB_MATRIX_LIMIT) {
    throw new UsageError(
      `the matrix would have ${rows.length} jobs, and GitHub Actions runs at most ${GITHUB_MATRIX_LIMIT} from one matrix: ` +
        `use --count ${GITHUB_MATRIX_LIMIT} or less (${names.length} accounts: ` +
        `about ${Math.ceil(names.length / GITHUB_MATRIX_LIMIT)} per shard at --count ${GITHUB_MATRIX_LIMIT})`,
    );
  }
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

function statePath(configPath: string, io: Io): string | undefined {
  return statePathOf(configPath, { cwd: io.cwd, env: io.env }).statePath;
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

/**
 * The accounts whose config block, file or state changed between `ref` and the working tree: a
 * changed config file → its accounts whose block differs (all of them when a shared setting
 * changed); a changed state file → the accounts whose entry differs; a changed file in a state
 * directory → the account it is named after.
 */
function changedSince(ref: string, files: readonly string[], state: string | undefined, names: readonly string[]): Set<string> {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  let top: string;
  let paths: string[];
  const dir = real(resolve(files[0]!, '..'));
  try {
    top = real(git(dir, ['rev-parse', '--show-toplevel']).trim());
    git(top, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    const diff = git(top, ['diff', '--name-only', '-z', ref, '--']);
    const untracked = git(top, ['ls-files', '--others', '--exclude-standard', '-z']);
    paths = [...diff.split('\0'), ...untracked.split('\0')].filter((p) => p !== '').map((p) => resolve(top, p));
  } catch (err) {
    const why = ((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split('\n')[0];
    throw new UsageError(
      `--changed-since ${ref}: git cannot tell what changed (${why || 'is this a git repository, and is the ref fetched?'}); ` +
        'in CI, fetch enough history (actions/checkout with fetch-depth: 0)',
    );
  }
  const changed = new Set<string>();
  const configByPath = new Map(files.map((f) => [real(f), f]));
  const stateReal = state === undefined ? undefined : real(state);
  for (const p of new Set(paths)) {
    const rel = relative(top, p);
    if (configByPath.has(p)) {
      const c = changedAccountsInConfig(atRef(top, ref, rel), readOrUndefined(p));
      for (const n of c.everyAccount ? names : c.accounts) changed.add(n);
    } else if (stateReal !== undefined && p === stateReal) {
      for (const n of changedAccountsInState(atRef(top, ref, rel), readOrUndefined(p)) ?? names) changed.add(n);
    } else if (stateReal !== undefined && p.startsWith(`${stateReal}${sep}`) && !p.endsWith('.lock')) {
      const account = relative(stateReal, p).split(sep)[0]!.split('.')[0]!;
      if (names.includes(account)) changed.add(account);
    }
  }
  return changed;
}
