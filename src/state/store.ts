// Where the state lives, and its two layouts. `directory`: one file per account
// (`<dir>/<account>.json`, each a state of one account with its own lineage, serial and
// `.lock`), so runs on different accounts never contend and each rewrite is one account's.
// `file`: the single state file of earlier versions, one lineage, serial and lock for all.
// Commands open a store and read, lock and write through it; the engine sees a Snapshot.

import { randomUUID } from 'node:crypto';
import { mkdirSync, existsSync, readdirSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError, fileProblem } from '../errors.js';
import type { StateLayout } from '../config/load.js';
import { acquireLockWaiting, lockPath, type LockAbout } from './lock.js';
import { STATE_FORMAT_VERSION, readState, type AccountState, type State } from './state-file.js';

export type { StateLayout };

/** Which history an account's recorded items belong to (lineage) and how far along it is (serial). */
export interface StateVersion {
  lineage: string;
  serial: number;
}

/** What a run read of the state: each account's recorded items and the version they were read at. */
export interface Snapshot {
  /** Mutated by the recorder; written back through the store. */
  accounts: Record<string, AccountState>;
  /** Per account read (those without state: lineage '' and serial 0 — or the file's, in the file layout). */
  versions: Record<string, StateVersion>;
}

export interface StateStore {
  readonly layout: StateLayout;
  /** The state file, or the state directory. */
  readonly path: string;
  /** The file an account's state is written to (the one state file in the file layout). */
  fileOf(account: string): string;
  /** The accounts the state has a record of (for the state commands). */
  recorded(): string[];
  /** Reads the state of these accounts (in the file layout, the whole file is read, and kept). */
  read(accounts: readonly string[]): Snapshot;
  /**
   * Locks what writing these accounts needs: the one file lock, or each account's lock in sorted
   * order (so two runs never wait on each other in a cycle). Waits up to `timeoutMs`, then refuses
   * naming the holder (and the account). The release function releases every lock taken.
   */
  lock(accounts: readonly string[], command: string, timeoutMs: number): Promise<() => void>;
  /** Writes these accounts' state one serial further, atomically and durably; the first write of a history gives it a lineage. */
  write(snapshot: Snapshot, accounts: ReadonlySet<string>): Promise<void>;
}

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

export function openStateStore(state: { layout: StateLayout; path: string }): StateStore {
  return state.layout === 'directory' ? new DirectoryStore(state.path) : new FileStore(state.path);
}

/** The single state file of earlier versions: one lineage, serial and lock for every account. */
class FileStore implements StateStore {
  readonly layout = 'file';
  private state: State | undefined;
  constructor(readonly path: string) {}

  fileOf(): string {
    return this.path;
  }

  recorded(): string[] {
    return Object.keys(readState(this.path).accounts).sort();
  }

  read(accounts: readonly string[]): Snapshot {
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

  lock(_accounts: readonly string[], command: string, timeoutMs: number): Promise<() => void> {
    return acquireLockWaiting(this.path, command, timeoutMs);
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
}

/** One file per account, each with its own lineage, serial and lock. */
class DirectoryStore implements StateStore {
  readonly layout = 'directory';
  constructor(readonly path: string) {}

  fileOf(account: string): string {
    return join(this.path, accountFileName(account));
  }

  recorded(): string[] {
    if (!existsSync(this.path)) return [];
    return readdirSync(this.path)
      .map(accountOfFileName)
      .filter((n): n is string => n !== undefined)
      .sort();
  }

  read(accounts: readonly string[]): Snapshot {
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

  async lock(accounts: readonly string[], command: string, timeoutMs: number): Promise<() => void> {
    this.ensureDirectory();
    const deadline = Date.now() + timeoutMs;
    const releases: (() => void)[] = [];
    const releaseAll = () => {
      for (const r of releases.splice(0).reverse()) r();
    };
    try {
      for (const name of [...new Set(accounts)].sort()) {
        const about: LockAbout = {
          what: `the state of account ${name} (${this.fileOf(name)})`,
          unlock: `statusform unlock -c <config> --account ${name}`,
        };
        releases.push(await acquireLockWaiting(this.fileOf(name), command, Math.max(0, deadline - Date.now()), 200, about));
      }
    } catch (err) {
      releaseAll();
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
        const account = snapshot.accounts[name];
        const state: State = { version: STATE_FORMAT_VERSION, ...next, accounts: account ? { [name]: account } : {} };
        await writeOrSay(this.fileOf(name), `${JSON.stringify(state, null, 2)}\n`);
        Object.assign(version, next);
      }),
    );
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
export async function atomicWrite(path: string, text: string): Promise<void> {
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
