// One connection to the state's database: the session that holds this run's advisory locks.
// It never reconnects — a new session would not hold them — so once the connection is lost or a
// query goes unanswered, every later call fails, and nothing is written without the locks.

import type pg from 'pg';
import { StateBackendError } from '../errors.js';

const CONNECT_TIMEOUT_MS = 10_000;
/** A query unanswered this long is taken as a lost database: the session is given up. */
const QUERY_TIMEOUT_MS = 30_000;

/** Node's words for why a connection failed, where its own message is empty or cryptic. */
const CONNECT_WORDS: Record<string, string> = {
  ECONNREFUSED: 'nothing accepts connections there (is the database running?)',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved just now',
  ETIMEDOUT: 'the connection timed out',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host cannot be reached',
};

/** An error from the driver or the server, in words: its message and its SQLSTATE or system code. Never holds the URL. */
function describeDbError(err: unknown): string {
  const e = err as { message?: string; code?: string } | undefined;
  const code = e?.code ?? '';
  if (CONNECT_WORDS[code]) return `${CONNECT_WORDS[code]} (${code})`;
  const message = e?.message || String(err);
  return /^[0-9A-Z]{5}$/.test(code) ? `${message} (SQLSTATE ${code})` : message;
}

export class Session {
  /** Why the session cannot be used any more, once it cannot. */
  private lost: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly client: pg.Client,
    /** How messages name the database. */
    readonly label: string,
  ) {
    // Without a listener, a connection lost while idle would end the process.
    client.on('error', (err) => {
      this.lost ??= describeDbError(err);
    });
    client.on('end', () => {
      this.lost ??= 'the connection was closed';
    });
  }

  /** Connects, or throws a StateBackendError saying why not. The driver is loaded here: runs on files never load it. */
  static async open(url: string, label: string): Promise<Session> {
    const { default: driver } = await import('pg');
    const client = new driver.Client({
      connectionString: url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
      application_name: 'statusform',
    });
    const session = new Session(client, label);
    try {
      await client.connect();
    } catch (err) {
      throw new StateBackendError(`cannot connect to ${label}: ${describeDbError(err)}`);
    }
    return session;
  }

  /** One statement. A failure is a StateBackendError; an answer that does not come in time gives the session up. */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    if (this.lost) throw this.failure(this.lost);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.lost = `the database did not answer within ${QUERY_TIMEOUT_MS / 1000} s`;
        void this.client.end().catch(() => undefined);
        reject(this.failure(this.lost));
      }, QUERY_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.client.query<R>(text, values), late]);
    } catch (err) {
      if (err instanceof StateBackendError) throw err;
      throw this.failure(this.lost ?? describeDbError(err));
    } finally {
      clearTimeout(timer);
    }
  }

  private failure(why: string): StateBackendError {
    return new StateBackendError(`${this.label}: ${why}`, 'E_STATE_DB', why);
  }

  /** Runs `work` with the session to itself: the statements of one caller never interleave with another's. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Runs `work` in one transaction: committed whole, or rolled back. Call it within `exclusive`. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.query('BEGIN');
    try {
      const result = await work();
      await this.query('COMMIT');
      return result;
    } catch (err) {
      await this.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /** Ends the session: the database releases every lock it held. */
  async end(): Promise<void> {
    if (this.lost) return;
    this.lost = 'the session was ended';
    await this.client.end().catch(() => undefined);
  }
}
