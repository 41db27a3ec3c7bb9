// The PostgreSQL state: one row per account (lineage, serial, binding, items), every write a
// compare-and-swap on the serial, and each account's lock a session advisory lock — held by the
// database while this process's connection lives, so a runner that dies, however it dies,
// releases it — beside a row saying who holds it, for refusals and `statusform unlock`.

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { postgresLabel, type PostgresState } from '../config/state-setting.js';
import type { StateLayout } from './backend.js';
import { RefusedError, StateBackendError } from '../errors.js';
import { ciRunUrl, holderWords, unlockCommand, type LockInfo } from './lock.js';
import { ensureSchema, lockKey, schemaVersion, sqlName } from './postgres-schema.js';
import { Session } from './postgres-session.js';
import { shapeProblem, type AccountState } from './state-file.js';
import type { Release, Snapshot, StateStore, StateVersion } from './backend.js';

const LOCK_POLL_MS = 200;

interface AccountRow {
  account: string;
  lineage: string;
  serial: string;
  vendor: string | null;
  origin: string | null;
  tenant: string | null;
  items: unknown;
}

/** An account's lock as the database holds it now, and who its record says holds it (absent while being written). */
export interface HeldLock {
  account: string;
  /** The database session holding it. */
  backendPid: number;
  holder?: Pick<LockInfo, 'pid' | 'host' | 'command' | 'run' | 'since'>;
}

export class PostgresStore implements StateStore {
  readonly layout: StateLayout = 'postgres';
  readonly path: string;
  private session: Promise<Session> | undefined;
  private ready: Promise<void> | undefined;
  private readonly s: string;

  constructor(
    private readonly pg: PostgresState,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly configPath?: string,
  ) {
    this.path = postgresLabel(pg);
    this.s = sqlName(pg.schema);
  }

  fileOf(account: string): string {
    return `the row of account ${account} in ${this.path}`;
  }

  async recorded(): Promise<string[]> {
    const session = await this.connect();
    return session.exclusive(async () => {
      if ((await schemaVersion(session, this.pg.schema)) === 0) return [];
      const { rows } = await session.query<{ account: string }>(`SELECT account FROM ${this.s}.accounts ORDER BY account COLLATE "C"`);
      return rows.map((r) => r.account);
    });
  }

  async read(accounts: readonly string[]): Promise<Snapshot> {
    const snapshot: Snapshot = { accounts: {}, versions: {} };
    for (const name of accounts) snapshot.versions[name] = { lineage: '', serial: 0 };
    if (accounts.length === 0) return snapshot;
    const session = await this.connect();
    const rows = await session.exclusive(async () => {
      if ((await schemaVersion(session, this.pg.schema)) === 0) return [];
      const selected = `SELECT account, lineage, serial::text AS serial, vendor, origin, tenant, items FROM ${this.s}.accounts`;
      return (await session.query<AccountRow>(`${selected} WHERE account = ANY($1::text[])`, [[...accounts]])).rows;
    });
    for (const row of rows) {
      snapshot.versions[row.account] = { lineage: row.lineage, serial: Number(row.serial) };
      const account = this.accountOf(row);
      if (account) snapshot.accounts[row.account] = account;
    }
    return snapshot;
  }

  /** A row as the account's state, checked as a state file is: a row edited by hand into another shape is refused. */
  private accountOf(row: AccountRow): AccountState | undefined {
    if (row.vendor === null) return undefined;
    const account = {
      vendor: row.vendor,
      ...(row.origin !== null ? { origin: row.origin } : {}),
      ...(row.tenant !== null ? { tenant: row.tenant } : {}),
      items: row.items,
    } as AccountState;
    const problem = shapeProblem({ accounts: { [row.account]: account } });
    if (problem)
      throw new StateBackendError(`${this.fileOf(row.account)} is damaged: ${problem}; fix the row, or restore it from a backup`);
    return account;
  }

  async lock(accounts: readonly string[], command: string, timeoutMs: number): Promise<Release> {
    const session = await this.ensureReady();
    const deadline = Date.now() + timeoutMs;
    const held: { name: string; token: string }[] = [];
    const release = this.releaser(session, held);
    try {
      for (const name of [...new Set(accounts)].sort()) held.push({ name, token: await this.lockOne(session, name, command, deadline) });
    } catch (err) {
      await release();
      throw err;
    }
    return release;
  }

  /** Takes one account's lock, waiting until the deadline; then refuses naming who holds it. Returns the token of its record. */
  private async lockOne(session: Session, name: string, command: string, deadline: number): Promise<string> {
    const key = lockKey(this.pg.schema, name).toString();
    for (;;) {
      const token = await session.exclusive(async () => {
        const { rows } = await session.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS got', [key]);
        return rows[0]?.got ? this.recordHolder(session, name, command) : undefined;
      });
      if (token !== undefined) return token;
      if (Date.now() >= deadline) throw new RefusedError(await this.lockedWords(name));
      await new Promise((r) => setTimeout(r, Math.min(LOCK_POLL_MS, Math.max(0, deadline - Date.now()))));
    }
  }

  /** Who holds the lock now: the record of the previous holder, whose session is gone, is replaced. */
  private async recordHolder(session: Session, name: string, command: string): Promise<string> {
    const token = randomUUID();
    await session.query(
      `INSERT INTO ${this.s}.locks (account, host, pid, command, run_url, since, token, backend_pid)
       VALUES ($1, $2, $3, $4, $5, now(), $6, pg_backend_pid())
       ON CONFLICT (account) DO UPDATE SET host = excluded.host, pid = excluded.pid, command = excluded.command,
         run_url = excluded.run_url, since = excluded.since, token = excluded.token, backend_pid = excluded.backend_pid`,
      [name, hostname(), process.pid, command, ciRunUrl(this.env) ?? null, token],
    );
    return token;
  }

  private async lockedWords(name: string): Promise<string> {
    const lock = await this.heldLock(name);
    const who = lock?.holder ? holderWords(lock.holder) : `another run (database session ${lock?.backendPid ?? 'unknown'})`;
    return (
      `the state of account ${name} (${this.path}) is locked by ${who}. The database releases it when that run ends, ` +
      `however it ends; if it hangs, end its session with: ${unlockCommand(this.configPath, name, true)}`
    );
  }

  /** Releases the locks taken (its record first: the next holder's is never removed), once; never rejects. */
  private releaser(session: Session, held: { name: string; token: string }[]): Release {
    return () =>
      session
        .exclusive(async () => {
          for (const { name, token } of held.splice(0).reverse()) {
            await session.query(`DELETE FROM ${this.s}.locks WHERE account = $1 AND token = $2`, [name, token]);
            await session.query('SELECT pg_advisory_unlock($1::bigint)', [lockKey(this.pg.schema, name).toString()]);
          }
        })
        .catch(() => undefined); // a lost session has released them already
  }

  async write(snapshot: Snapshot, accounts: ReadonlySet<string>): Promise<void> {
    const session = await this.ensureReady();
    const names = [...accounts].sort();
    const next = new Map<string, StateVersion>();
    await session.exclusive(() =>
      session.transaction(async () => {
        for (const name of names) {
          const read = (snapshot.versions[name] ??= { lineage: '', serial: 0 });
          const version = { lineage: read.lineage === '' ? randomUUID() : read.lineage, serial: read.serial + 1 };
          const swapped = await this.swap(session, name, read, version, snapshot.accounts[name]);
          if (!swapped) throw await this.conflict(session, name, read);
          next.set(name, version);
        }
      }),
    );
    for (const [name, version] of next) Object.assign(snapshot.versions[name]!, version);
  }

  /** Writes an account at `version` if its row is still at `read` (or, never written, still absent). Returns whether it was. */
  private async swap(session: Session, name: string, read: StateVersion, version: StateVersion, account: AccountState | undefined) {
    const values = [name, version.lineage, version.serial, ...this.columnsOf(account)];
    if (read.lineage === '') return this.insert(session, values);
    const { rowCount } = await session.query(
      `UPDATE ${this.s}.accounts SET serial = $3, vendor = $4, origin = $5, tenant = $6, items = $7::json, written_at = now()
       WHERE account = $1 AND lineage = $2 AND serial = $8`,
      [...values, read.serial],
    );
    return rowCount === 1;
  }

  /** A first row for an account; false when it has one already. */
  private async insert(session: Session, values: unknown[]): Promise<boolean> {
    const { rowCount } = await session.query(
      `INSERT INTO ${this.s}.accounts (account, lineage, serial, vendor, origin, tenant, items)
       VALUES ($1, $2, $3, $4, $5, $6, $7::json) ON CONFLICT (account) DO NOTHING`,
      values,
    );
    return rowCount === 1;
  }

  private columnsOf(account: AccountState | undefined): unknown[] {
    if (!account) return [null, null, null, null];
    return [account.vendor, account.origin ?? null, account.tenant ?? null, JSON.stringify(account.items)];
  }

  /** The lost race, in words: what this run read, and what the row holds now. */
  private async conflict(session: Session, name: string, read: StateVersion): Promise<StateBackendError> {
    const { rows } = await session.query<{ lineage: string; serial: string }>(
      `SELECT lineage, serial::text AS serial FROM ${this.s}.accounts WHERE account = $1`,
      [name],
    );
    const now = rows[0];
    const was = read.lineage === '' ? 'no state yet' : `serial ${read.serial}`;
    const another = now && read.lineage !== '' && now.lineage !== read.lineage;
    const is = now ? `serial ${now.serial}${another ? ` of another lineage (${now.lineage})` : ''}` : 'no row';
    const words = (where: string) =>
      `the state of account ${name} changed${where} since this run read it (it read ${was}; it is now ${is}): ` +
      'another run wrote it, so this write was not made and nothing was overwritten; run statusform plan again';
    return new StateBackendError(words(` in ${this.path}`), 'E_STATE_CONFLICT', words(''));
  }

  async seed(snapshot: Snapshot, accounts: readonly string[]): Promise<void> {
    const session = await this.ensureReady();
    await session.exclusive(() =>
      session.transaction(async () => {
        const taken: string[] = [];
        for (const name of accounts) {
          const version = snapshot.versions[name] ?? { lineage: '', serial: 0 };
          const written = await this.insert(session, [name, version.lineage, version.serial, ...this.columnsOf(snapshot.accounts[name])]);
          if (!written) taken.push(name);
        }
        if (taken.length > 0)
          throw new RefusedError(
            `${this.path} has a state of ${taken.join(', ')} already; nothing was written. ` +
              'Remove those rows first if they are not a state you need',
          );
      }),
    );
  }

  /** Every account whose lock a database session holds now, and who holds it; records of locks no longer held are removed. */
  async locks(): Promise<{ held: HeldLock[]; leftOver: { account: string; holder: HeldLock['holder'] }[] }> {
    const session = await this.connect();
    return session.exclusive(async () => {
      if ((await schemaVersion(session, this.pg.schema)) === 0) return { held: [], leftOver: [] };
      const records = await this.lockRecords(session);
      const holders = await this.advisoryHolders(session);
      const held: HeldLock[] = [];
      const leftOver: { account: string; holder: HeldLock['holder'] }[] = [];
      for (const r of records) {
        const backendPid = holders.get(lockKey(this.pg.schema, r.account).toString());
        if (backendPid !== undefined)
          held.push({ account: r.account, backendPid, ...(r.backendPid === backendPid ? { holder: r.holder } : {}) });
        else {
          await session.query(`DELETE FROM ${this.s}.locks WHERE account = $1 AND token = $2`, [r.account, r.token]);
          leftOver.push({ account: r.account, holder: r.holder });
        }
      }
      return { held, leftOver };
    });
  }

  /** The lock of one account as the database holds it now, or undefined when it is free. */
  async heldLock(account: string): Promise<HeldLock | undefined> {
    const session = await this.connect();
    return session.exclusive(async () => {
      const backendPid = (await this.advisoryHolders(session)).get(lockKey(this.pg.schema, account).toString());
      if (backendPid === undefined) return undefined;
      const record = (await this.lockRecords(session, account))[0];
      return { account, backendPid, ...(record?.backendPid === backendPid ? { holder: record.holder } : {}) };
    });
  }

  /**
   * Ends the database session that holds an account's lock, which releases it (and every other lock
   * of that session): the run it belongs to can write nothing more. Returns what was held, or
   * undefined when nothing was. Needs the same database role as the holder, or pg_signal_backend.
   */
  async endHolder(account: string): Promise<HeldLock | undefined> {
    const lock = await this.heldLock(account);
    if (!lock) return undefined;
    const session = await this.connect();
    const { rows } = await session.exclusive(() =>
      session.query<{ ended: boolean }>('SELECT pg_terminate_backend($1, 5000) AS ended', [lock.backendPid]),
    );
    if (!rows[0]?.ended) throw new StateBackendError(`${this.path}: the database session ${lock.backendPid} did not end within 5 s`);
    return lock;
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    this.ready = undefined;
    if (session) await (await session.catch(() => undefined))?.end();
  }

  /** Session advisory locks with a 64-bit key in this database, by key: the database session holding each. */
  private async advisoryHolders(session: Session): Promise<Map<string, number>> {
    const { rows } = await session.query<{ high: string; low: string; pid: number }>(
      `SELECT classid::text AS high, objid::text AS low, pid FROM pg_locks
       WHERE locktype = 'advisory' AND granted AND objsubid = 1
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    // pg_locks shows a 64-bit key as its two halves, unsigned: joined into one signed number again, as lockKey makes it.
    return new Map(rows.map((r) => [BigInt.asIntN(64, (BigInt(r.high) << 32n) | BigInt(r.low)).toString(), r.pid]));
  }

  private async lockRecords(session: Session, account?: string) {
    const { rows } = await session.query<{
      account: string;
      host: string;
      pid: number;
      command: string;
      run_url: string | null;
      since: Date;
      token: string;
      backend_pid: number;
    }>(
      `SELECT * FROM ${this.s}.locks ${account === undefined ? '' : 'WHERE account = $1'} ORDER BY account COLLATE "C"`,
      account === undefined ? [] : [account],
    );
    return rows.map((r) => ({
      account: r.account,
      token: r.token,
      backendPid: r.backend_pid,
      holder: { pid: r.pid, host: r.host, command: r.command, since: r.since.toISOString(), ...(r.run_url ? { run: r.run_url } : {}) },
    }));
  }

  private connect(): Promise<Session> {
    this.session ??= Session.open(this.pg.url, this.path);
    return this.session;
  }

  /** The session, with the tables created or stepped up: what locking and writing need. */
  private async ensureReady(): Promise<Session> {
    const session = await this.connect();
    this.ready ??= session.exclusive(() => ensureSchema(session, this.pg.schema));
    await this.ready;
    return session;
  }
}
