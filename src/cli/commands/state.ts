// `statusform state <subcommand>`: work on the state itself, without credentials or requests.
// `migrate` splits a single state file into a state directory (one file per account). Each
// subcommand is one entry of SUBCOMMANDS.

import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { statePathOf } from '../../config/load.js';
import { ConfigError, RefusedError, UsageError } from '../../errors.js';
import { acquireLock } from '../../state/lock.js';
import { STATE_FORMAT_VERSION, readState, writeState } from '../../state/state-file.js';
import { accountFileName } from '../../state/store.js';
import { DEFAULT_CONFIG } from '../context.js';
import { write, type Io } from '../io.js';
import type { Outcome } from '../outcome.js';

export interface StateCommandOptions {
  config?: string;
}

type Subcommand = (io: Io, opts: StateCommandOptions, args: readonly string[]) => Promise<Outcome>;

const SUBCOMMANDS: Record<string, { run: Subcommand; usage: string }> = {
  migrate: { run: migrate, usage: 'migrate [-c PATH]   split the single state file into a state directory, one file per account' },
};

export const STATE_USAGE = `statusform state <subcommand>:\n${Object.values(SUBCOMMANDS)
  .map((s) => `  ${s.usage}`)
  .join('\n')}`;

export async function stateCommand(io: Io, opts: StateCommandOptions, args: readonly string[]): Promise<Outcome> {
  const [name, ...rest] = args;
  if (name === undefined) throw new UsageError(`state needs a subcommand\n\n${STATE_USAGE}`);
  const sub = SUBCOMMANDS[name];
  if (!sub) throw new UsageError(`unknown subcommand "state ${name}"\n\n${STATE_USAGE}`);
  return sub.run(io, opts, rest);
}

const ACCOUNT_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Where the directory of a state file goes: its name without `.json` (`statusform.state.json` → `statusform.state/`). */
function directoryFor(file: string): string {
  return file.endsWith('.json') ? file.slice(0, -'.json'.length) : `${file}.d`;
}

/**
 * Splits the state file into a state directory: every account its own file, keeping the file's
 * lineage and serial (so a saved plan's versions still mean the same history) and its binding
 * (vendor, origin, tenant). Holds the file's lock throughout; builds the directory aside and
 * renames it into place, so it appears whole or not at all; then renames the file to
 * `<file>.migrated`, so no run reads it again by mistake.
 */
async function migrate(io: Io, opts: StateCommandOptions, args: readonly string[]): Promise<Outcome> {
  if (args.length > 0) throw new UsageError(`state migrate takes no argument "${args[0]}"`);
  const located = statePathOf(opts.config ?? DEFAULT_CONFIG, { cwd: io.cwd, env: io.env });
  if (!located.statePath) throw new ConfigError(located.problems);
  const show = (p: string) => relative(io.cwd, p) || p;
  if (located.stateLayout === 'directory') {
    throw new UsageError(`the state is a directory already (${show(located.statePath)}): there is no single state file to migrate`);
  }
  const file = located.statePath;
  if (!existsSync(file)) {
    if (existsSync(`${file}.migrated`)) throw new UsageError(`${show(file)} was migrated already (the old file is ${basename(file)}.migrated): set "state" in the configuration to the state directory`);
    throw new UsageError(`there is no state file ${show(file)} to migrate; without "state" set, a configuration with no state starts with a state directory`);
  }
  const dir = directoryFor(file);
  if (existsSync(dir)) throw new RefusedError(`${show(dir)} exists already; nothing was changed. Move it away (or remove it, if it is not a state you need), then run statusform state migrate again`);

  const release = acquireLock(file, 'statusform state migrate');
  try {
    const state = readState(file);
    const names = Object.keys(state.accounts).sort();
    const bad = names.filter((n) => !ACCOUNT_NAME.test(n));
    if (bad.length > 0) throw new UsageError(`the state file ${show(file)} holds accounts whose names cannot be account names (${bad.map((n) => JSON.stringify(n)).join(', ')}); rename or remove them in the file, then migrate`);
    const aside = join(dirname(dir), `.${basename(dir)}.migrating-${process.pid}`);
    rmSync(aside, { recursive: true, force: true });
    mkdirSync(aside);
    if (state.lineage === '') state.lineage = randomUUID(); // one history for all, as in the file
    try {
      // Each account file is a state of one account, in the same format, with the file's lineage and serial.
      for (const name of names) writeState(join(aside, accountFileName(name)), { version: STATE_FORMAT_VERSION, lineage: state.lineage, serial: state.serial, accounts: { [name]: state.accounts[name]! } });
      syncDirectory(aside);
      renameSync(aside, dir);
    } catch (err) {
      rmSync(aside, { recursive: true, force: true });
      throw err;
    }
    renameSync(file, `${file}.migrated`);
    syncDirectory(dirname(dir));
  } finally {
    release();
  }
  const accounts = `${Object.keys(readState(`${file}.migrated`).accounts).length}`;
  write(io.stdout, `Split ${show(file)} into ${show(dir)}/: ${accounts} account file${accounts === '1' ? '' : 's'}, each with the old lineage and serial. The old file is now ${show(file)}.migrated: delete it once the directory is committed.`);
  if (located.stateSetting !== undefined) write(io.stdout, `"state" in the configuration names the old file: set it to "${directoryFor(located.stateSetting)}/".`);
  return 'done';
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
