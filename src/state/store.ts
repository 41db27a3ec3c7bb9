// Where the state lives, and its layouts. `directory`: one file per account
// (`<dir>/<account>.json`, each a state of one account with its own lineage, serial and
// `.lock`), so runs on different accounts never contend and each rewrite is one account's.
// `file`: one state file (a `statusform.state.json` beside the config), one lineage, serial and lock for all.
// `postgres` (postgres.ts): one row per account, locks held by the database.
// Commands open a store and read, lock and write through it; the engine sees a Snapshot.

import { randomUUID } from 'node:crypto';
import { mkdirSync, existsSync, readdirSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RefusedError, UsageError, fileProblem } from '../errors.js';
import type { Release, Snapshot, StateLayout, StateLocation, StateStore, StateVersion } from './backend.js';
import { acquireLockWaiting, lockPath, stateFileLock, unlockCommand, type LockAbout } from './lock.js';
import { PostgresStore } from './postgres.js';
import { STATE_FORMAT_VERSION, readState, type AccountState, type State } from './state-file.js';

export type { Release, Snapshot, StateLayout, StateLocation, StateStore, StateVersion };

/**
 * The file name of an account's state. Account names are letters, digits, `_` and `-`; an
 * upper-case letter is written `+` and its lower case, so that names differing only in case
 * (`Estate`, `estate`) are two files on a file system that ignores case (macOS, Windows).
 */
export function accountFileName(account: string): string {
  return `${account.replace(/[A-Z]/g, (c) => `+${c.toLowerCase()}`)}.json`;
}

/** The account whose state a file name holds, or undefined for any other file (a lock, a temporary file). */
export function accountOfFileName(file: string): string | undefined {
  const m = /^([a-z+][a-z0-9_+-]*)\.json$/.exec(file);
  if (!m || /\+(?![a-z])/.test(m[1]!)) return undefined;
  return m[1]!.replace(/\+([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Opens the state where it is. Nothing is read or connected to before the first call that needs it. */
export function openStateStore(state: StateLocation, env: NodeJS.ProcessEnv = process.env): StateStore {
  if (state.layout === 'postgres') {
    if (!state.postgres) throw new Error('a PostgreSQL state needs its connection');
    return new PostgresStore(state.postgres, env, state.configPath);
  }
  return state.layout === 'directory' ? new DirectoryStore(state.path, state.configPath) : new FileStore(state.path, state.configPath);
}

/** Wraps synchronous lock releases as a Release: run at once (a forced exit gets them done), then only once. */
function releaseOnce(releases: (() => void)[]): Release {
  return () => {
    for (const r of releases.splice(0).reverse()) r();
    return Promise.resolve();
  };
}

/** The single state file: one lineage, serial and lock for every account. */
class FileStore implements StateStore {
  readonly layout = 'file';
  private state: State | undefined;
  constructor(
    readonly path: string,
    private readonly configPath?: string,
  ) {}

  fileOf(): string {
    return this.path;
  }

  async recorded(): Promise<string[]> {
    return Object.keys(readState(this.path).accounts).sort();
  }

  async read(accounts: readonly string[]): Promise<Snapshot> {
    if (!existsSync(this.path) && existsSync(`${this.path}.migrated`)) {
      throw new UsageError(
        `the state file ${this.path} was split into a state directory by statusform state migrate (the ` +
          `old file is ${basename(this.path)}.migrated): set "state" in the configuration to that directory`,
      );
    }
    this.state = readState(this.path);
    const version = { lineage: this.state.lineage, serial: this.state.serial };
    return { accounts: this.state.accounts, versions: Object.fromEntries(accounts.map((a) => [a, { ...version }])) };
  }

  async lock(_accounts: readonly string[], command: string, timeoutMs: number): Promise<Release> {
    return releaseOnce([await acquireLockWaiting(this.path, command, timeoutMs, 200, stateFileLock(this.configPath))]);
  }

  async write(snapshot: Snapshot): Promise<void> {
    const state = this.state ?? readState(this.path);
    state.accounts = snapshot.accounts;
    if (state.lineage === '') state.lineage = randomUUID();
    state.serial++;
    this.state = state;
    await writeOrSay(this.path, `${JSON.stringify(state, null, 2)}\n`);
    for (const v of Object.values(snapshot.versions)) Object.assign(v, { lineage: state.lineage, serial: state.serial });
  }

  async seed(): Promise<void> {
    throw new UsageError(
      `the single state file ${this.path} has one lineage and serial for every account, so it cannot take accounts ` +
        'with their own: move the state into a state directory instead (set "state" to a directory, e.g. statusform.state/)',
    );
  }

  async close(): Promise<void> {}
}

/** One file per account, each with its own lineage, serial and lock. */
class DirectoryStore implements StateStore {
  readonly layout = 'directory';
  constructor(
    readonly path: string,
    private readonly configPath?: string,
  ) {}

  fileOf(account: string): string {
    return join(this.path, accountFileName(account));
  }

  async recorded(): Promise<string[]> {
    if (!existsSync(this.path)) return [];
    return readdirSync(this.path)
      .map(accountOfFileName)
      .filter((n): n is string => n !== undefined)
      .sort();
  }

  async read(accounts: readonly string[]): Promise<Snapshot> {
    const snapshot: Snapshot = { accounts: {}, versions: {} };
    for (const name of accounts) {
      const file = this.fileOf(name);
      const state = readState(file);
      const others = Object.keys(state.accounts).filter((a) => a !== name);
      if (others.length > 0)
        throw new UsageError(
          `the state file ${file} is damaged: it holds ${others.map((a) => `"${a}"`).join(', ')}, ` +
            `and a file of the state directory holds its own account ("${name}") only; restore it from version control`,
        );
      if (state.accounts[name]) snapshot.accounts[name] = state.accounts[name];
      snapshot.versions[name] = { lineage: state.lineage, serial: state.serial };
    }
    return snapshot;
  }

  async lock(accounts: readonly string[], command: string, timeoutMs: number): Promise<Release> {
    this.ensureDirectory();
    const deadline = Date.now() + timeoutMs;
    const releases: (() => void)[] = [];
    const releaseAll = releaseOnce(releases);
    try {
      for (const name of [...new Set(accounts)].sort()) {
        const about: LockAbout = {
          what: `the state of account ${name} (${this.fileOf(name)})`,
          unlock: unlockCommand(this.configPath, name),
        };
        releases.push(await acquireLockWaiting(this.fileOf(name), command, Math.max(0, deadline - Date.now()), 200, about));
      }
    } catch (err) {
      await releaseAll();
      throw err;
    }
    return releaseAll;
  }

  async write(snapshot: Snapshot, accounts: ReadonlySet<string>): Promise<void> {
    try {
      this.ensureDirectory();
    } catch (err) {
      throw new StateFileFailure(this.path, err);
    }
    // One file each: a failure of one is the write's failure (the recorder then starts nothing more).
    await Promise.all(
      [...accounts].map(async (name) => {
        const version = (snapshot.versions[name] ??= { lineage: '', serial: 0 });
        const next = { lineage: version.lineage === '' ? randomUUID() : version.lineage, serial: version.serial + 1 };
        await this.writeAccount(name, next, snapshot.accounts[name]);
        Object.assign(version, next);
      }),
    );
  }

  async seed(snapshot: Snapshot, accounts: readonly string[]): Promise<void> {
    const there = accounts.filter((name) => existsSync(this.fileOf(name)));
    if (there.length > 0)
      throw new RefusedError(
        `the state directory ${this.path} has a state of ${there.join(', ')} already; nothing was written. ` +
          'Move those files away (or remove them, if they are not a state you need), then run this again',
      );
    this.ensureDirectory();
    for (const name of accounts) {
      try {
        await this.writeAccount(name, snapshot.versions[name] ?? { lineage: '', serial: 0 }, snapshot.accounts[name]);
      } catch (err) {
        throw new UsageError(`cannot write ${this.fileOf(name)}: ${fileProblem(err instanceof StateFileFailure ? err.cause : err)}`);
      }
    }
  }

  async close(): Promise<void> {}

  /** One account's file: a state of that account alone, at this version. */
  private async writeAccount(name: string, version: StateVersion, account: AccountState | undefined): Promise<void> {
    const state: State = { version: STATE_FORMAT_VERSION, ...version, accounts: account ? { [name]: account } : {} };
    await writeOrSay(this.fileOf(name), `${JSON.stringify(state, null, 2)}\n`);
  }

  private made = false;

  /** The state directory, made by the first run that locks or writes it (its parent must exist). */
  private ensureDirectory(): void {
    if (this.made) return;
    try {
      mkdirSync(this.path);
      this.made = true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        this.made = true;
        return;
      }
      const why =
        code === 'ENOENT'
          ? `the directory ${dirname(this.path)} does not exist (create it, or change "state" in the configuration)`
          : fileProblem(err);
      throw new UsageError(`cannot make the state directory ${this.path}: ${why}`);
    }
  }
}

/** A state file that could not be written: which one, and what the file system said. */
export class StateFileFailure extends Error {
  constructor(
    readonly file: string,
    override readonly cause: unknown,
  ) {
    super(`${file}: ${fileProblem(cause)}`);
    this.name = 'StateFileFailure';
  }
}

async function writeOrSay(path: string, text: string): Promise<void> {
  try {
    await atomicWrite(path, text);
  } catch (err) {
    throw new StateFileFailure(path, err);
  }
}

/**
 * Writes a file atomically and durably: a temporary file beside it, flushed to disk, renamed
 * over the old one. A crash leaves either the old or the new file, never half of one.
 */
async function atomicWrite(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`);
  const handle = await open(tmp, 'w', 0o644);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

export { lockPath };
