// What every state backend is to the commands and the engine: a store they read, lock and write
// through (files in store.ts, PostgreSQL in postgres.ts), and the Snapshot a run reads.

import type { PostgresState } from '../config/state-setting.js';
import type { AccountState } from './state-file.js';

/** `directory`: one state file per account; `file`: the single state file of earlier versions; `postgres`: one row per account. */
export type StateLayout = 'file' | 'directory' | 'postgres';

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

/** Releases every lock one `lock` call took; a second call does nothing. Never rejects. */
export type Release = () => Promise<void>;

export interface StateStore {
  readonly layout: StateLayout;
  /** The state file, the state directory, or how messages name the database. */
  readonly path: string;
  /** Where an account's state is written, in words for messages: its file (the one state file in the file layout), or its row. */
  fileOf(account: string): string;
  /** The accounts the state has a record of (for the state commands). */
  recorded(): Promise<string[]>;
  /** Reads the state of these accounts (in the file layout, the whole file is read, and kept). */
  read(accounts: readonly string[]): Promise<Snapshot>;
  /**
   * Locks what writing these accounts needs: the one file lock, or each account's lock in sorted
   * order (so two runs never wait on each other in a cycle). Waits up to `timeoutMs`, then refuses
   * (RefusedError) naming the holder (and the account), holding none of them.
   */
  lock(accounts: readonly string[], command: string, timeoutMs: number): Promise<Release>;
  /**
   * Writes these accounts' state one serial further, atomically and durably; the first write of a
   * history gives it a lineage. A write that finds the account moved on since it was read (another
   * run wrote it) fails and writes nothing, where the backend can tell (PostgreSQL).
   */
  write(snapshot: Snapshot, accounts: ReadonlySet<string>): Promise<void>;
  /**
   * Writes these accounts as the snapshot holds them, at the snapshot's versions (lineage and serial
   * kept), where the store has no record of them yet: moving a state from one backend to another.
   * Refuses (RefusedError), writing none, when it has a record of any of them.
   */
  seed(snapshot: Snapshot, accounts: readonly string[]): Promise<void>;
  /** Lets go of what the store holds open (a database session, and with it any lock left). */
  close(): Promise<void>;
}

/** Where a state is: a path in a file layout, or a PostgreSQL database (`path` then names it for messages). */
export interface StateLocation {
  layout: StateLayout;
  path: string;
  postgres?: PostgresState;
  /** The configuration as the user named it (`-c PATH`), for the unlock command a held lock's message gives; absent: the default. */
  configPath?: string;
}
