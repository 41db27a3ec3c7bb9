// `statusform state migrate`: the state between backends — a single state file split into a state
// directory, or every account moved between a state directory (or file) and the configured state —
// each account with its lineage and serial, under the locks of both sides.

import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { realPath } from '../../../config/documents.js';
import { locateState } from '../../../state/location.js';
import { RefusedError, UsageError } from '../../../errors.js';
import { acquireLock, stateFileLock } from '../../../state/lock.js';
import { STATE_FORMAT_VERSION, readState, writeState } from '../../../state/state-file.js';
import { accountFileName, openStateStore, type Release, type StateStore } from '../../../state/store.js';
import { stateLocationOf } from '../../context.js';
import { write, type Io } from '../../io.js';
import type { Outcome } from '../../outcome.js';
import { configPathOf, type StateCommandOptions } from './entries.js';

const ACCOUNT_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Where the directory of a state file goes: its name without `.json` (`statusform.state.json` → `statusform.state/`). */
function directoryFor(file: string): string {
  return file.endsWith('.json') ? file.slice(0, -'.json'.length) : `${file}.d`;
}

export async function migrate(io: Io, opts: StateCommandOptions, args: readonly string[]): Promise<Outcome> {
  if (args.length > 0) throw new UsageError(`state migrate takes no argument "${args[0]}"`);
  if (opts.from !== undefined && opts.to !== undefined)
    throw new UsageError('state migrate takes --from or --to, not both: one side is always the configured state');
  if (opts.from !== undefined || opts.to !== undefined) return move(io, opts);
  return split(io, opts);
}

/**
 * Splits the state file into a state directory: every account its own file, keeping the file's
 * lineage and serial (so a saved plan's versions still mean the same history) and its binding
 * (vendor, origin, tenant). Holds the file's lock throughout; builds the directory aside and
 * renames it into place, so it appears whole or not at all; then renames the file to
 * `<file>.migrated`, so no run reads it again by mistake.
 */
async function split(io: Io, opts: StateCommandOptions): Promise<Outcome> {
  const located = stateLocationOf(io, opts.config);
  const show = (p: string) => relative(io.cwd, p) || p;
  const file = splittableFile(located, show);
  const dir = directoryFor(file);
  if (existsSync(dir))
    throw new RefusedError(
      `${show(dir)} exists already; nothing was changed. Move it away (or remove it, ` +
        'if it is not a state you need), then run statusform state migrate again',
    );
  const release = acquireLock(file, 'statusform state migrate', stateFileLock(opts.config));
  try {
    writeAccountFiles(file, dir, show);
    renameSync(file, `${file}.migrated`);
    syncDirectory(dirname(dir));
  } finally {
    release();
  }
  const accounts = `${Object.keys(readState(`${file}.migrated`).accounts).length}`;
  write(
    io.stdout,
    `Split ${show(file)} into ${show(dir)}/: ${accounts} account file${accounts === '1' ? '' : 's'}, ` +
      `each with the old lineage and serial. The old file is now ${show(file)}.migrated: delete it once the directory is committed.`,
  );
  if (located.setting !== undefined)
    write(io.stdout, `"state" in the configuration names the old file: set it to "${directoryFor(located.setting)}/".`);
  return 'done';
}

/** The single state file to split, or a UsageError saying why there is none. */
function splittableFile(located: ReturnType<typeof stateLocationOf>, show: (p: string) => string): string {
  if (located.layout === 'postgres')
    throw new UsageError(
      `the state is in ${located.path}: move a state directory into it with statusform state migrate --from DIR, ` +
        'or it into a new state directory with --to DIR',
    );
  if (located.layout === 'directory') {
    throw new UsageError(
      `the state is a directory already (${show(located.path)}): there is no single state file to migrate ` +
        '(to move it into PostgreSQL, set "state" to the database and run statusform state migrate --from it)',
    );
  }
  const file = located.path;
  if (existsSync(file)) return file;
  if (existsSync(`${file}.migrated`))
    throw new UsageError(
      `${show(file)} was migrated already (the old file is ${basename(file)}.migrated): ` +
        'set "state" in the configuration to the state directory',
    );
  throw new UsageError(
    `there is no state file ${show(file)} to migrate; without "state" set, a configuration with no state starts with a state directory`,
  );
}

/**
 * Writes the state directory: each account file a state of one account, in the same format, with
 * the file's lineage and serial; built aside and renamed into place, so it appears whole or not at all.
 */
function writeAccountFiles(file: string, dir: string, show: (p: string) => string): void {
  const state = readState(file);
  const names = Object.keys(state.accounts).sort();
  const bad = names.filter((n) => !ACCOUNT_NAME.test(n));
  if (bad.length > 0)
    throw new UsageError(
      `the state file ${show(file)} holds accounts whose names cannot be account names ` +
        `(${bad.map((n) => JSON.stringify(n)).join(', ')}); rename or remove them in the file, then migrate`,
    );
  const aside = join(dirname(dir), `.${basename(dir)}.migrating-${process.pid}`);
  rmSync(aside, { recursive: true, force: true });
  mkdirSync(aside);
  if (state.lineage === '') state.lineage = randomUUID(); // one history for all, as in the file
  try {
    for (const name of names)
      writeState(join(aside, accountFileName(name)), {
        version: STATE_FORMAT_VERSION,
        lineage: state.lineage,
        serial: state.serial,
        accounts: { [name]: state.accounts[name]! },
      });
    syncDirectory(aside);
    renameSync(aside, dir);
  } catch (err) {
    rmSync(aside, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Moves every account of one state into another where it has none yet, each with its lineage and
 * serial (a saved plan's versions still hold, and the history goes on): `--from` a state directory
 * (or single state file) into the configured state, `--to` a new state directory from it. Holds
 * both sides' locks throughout, and writes all or nothing where the target can (PostgreSQL: one
 * transaction). The source is left as it was, for the user to remove once they have checked.
 */
async function move(io: Io, opts: StateCommandOptions): Promise<Outcome> {
  const show = (p: string) => relative(io.cwd, p) || p;
  const configured = openStateStore({ ...stateLocationOf(io, opts.config), ...configPathOf(opts) }, io.env);
  const other = openStateStore(otherState(io, opts), io.env);
  const [source, target] = opts.from !== undefined ? [other, configured] : [configured, other];
  const where = (store: StateStore) => (store.layout === 'postgres' ? store.path : show(store.path));
  if (source.layout !== 'postgres' && target.layout !== 'postgres' && realPath(source.path) === realPath(target.path))
    throw new UsageError(`${where(source)} is the configured state itself: nothing to move`);
  const timeoutMs = (opts.lockTimeoutSeconds ?? 0) * 1000;
  const releases: Release[] = [];
  let names: string[];
  try {
    names = await source.recorded();
    if (names.length === 0) throw new UsageError(`${where(source)} holds no account's state: nothing to move`);
    checkAccountNames(names, where(source));
    releases.push(await source.lock(names, 'statusform state migrate', timeoutMs));
    releases.push(await target.lock(names, 'statusform state migrate', timeoutMs));
    const snapshot = await source.read(names);
    // A history that was never written has no lineage yet: it gets one here, as its first write would give it.
    for (const v of Object.values(snapshot.versions)) if (v.lineage === '') v.lineage = randomUUID();
    await target.seed(snapshot, names);
  } finally {
    for (const r of releases.reverse()) await r();
    await Promise.all([source.close(), target.close()]);
  }
  const n = `${names.length} account${names.length === 1 ? '' : 's'}`;
  write(io.stdout, `Moved the state of ${n} from ${where(source)} to ${where(target)}, each with its lineage and serial.`);
  write(
    io.stdout,
    opts.from !== undefined
      ? `${where(source)} is left as it was: remove it once statusform state list shows what you expect.`
      : `${where(source)} is left as it was. Set "state" in the configuration to "${show(target.path)}/" to use the new one; ` +
          'then remove the old state (its rows, or its schema).',
  );
  return 'done';
}

/** The other side of a move: `--from` an existing state directory or single state file, `--to` a state directory. */
function otherState(io: Io, opts: StateCommandOptions): { layout: 'file' | 'directory'; path: string } {
  const given = (opts.from ?? opts.to)!;
  const located = locateState(io.cwd, given);
  if ('problem' in located) throw new UsageError(located.problem);
  if (opts.from !== undefined && !existsSync(located.path)) throw new UsageError(`--from ${given}: there is no state there`);
  if (opts.to !== undefined && located.layout !== 'directory')
    throw new UsageError(`--to takes a state directory (a path ending in /), not a single state file: ${given}`);
  return located;
}

/** Every name must be one an account can have: each becomes a file name or a row of its own. */
function checkAccountNames(names: readonly string[], where: string): void {
  const bad = names.filter((n) => !ACCOUNT_NAME.test(n));
  if (bad.length > 0)
    throw new UsageError(
      `${where} holds accounts whose names cannot be account names (${bad.map((n) => JSON.stringify(n)).join(', ')}); ` +
        'rename or remove them there, then migrate',
    );
}

/** Makes the directory's entries (new files, renames) durable. */
function syncDirectory(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
