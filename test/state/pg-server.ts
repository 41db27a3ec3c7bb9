// A PostgreSQL server of the tests' own: Debian's server binaries (the folder `pg_config --bindir`
// names), a cluster made in a temporary folder, listening on 127.0.0.1 on a free port with trust
// authentication, stopped (and its folder removed) by `stop`. The binaries refuse to run as root,
// so as root they run as the `postgres` user. Where there is no server binary, `available` is
// false and the tests that need one are skipped, saying so.

import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PgServer {
  port: number;
  /** A connection URL to the `postgres` database; the password is ignored by trust authentication, and tests look for it in output. */
  url(password?: string): string;
  /** One statement on a connection of its own (for a test to look at, or break, what statusform left). */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  /** Stops the server at once (every session cut, as when a database host goes away), then starts it again on the same port. */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/** The folder of initdb and pg_ctl, if this machine has them. */
function binaries(): string | undefined {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    /* no pg_config: look where Debian puts the server */
  }
  if (existsSync('/usr/lib/postgresql'))
    for (const v of readdirSync('/usr/lib/postgresql').sort().reverse()) candidates.push(`/usr/lib/postgresql/${v}/bin`);
  return candidates.find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')));
}

/** As root: the `postgres` user's ids, to run the server as; undefined when not root. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

const BIN = binaries();
const ROOT_WITHOUT_USER = process.getuid?.() === 0 && runAs() === undefined;

export const pgAvailable = BIN !== undefined && !ROOT_WITHOUT_USER;
export const pgSkipReason = !BIN
  ? 'no PostgreSQL server binary (initdb, pg_ctl) in `pg_config --bindir` or /usr/lib/postgresql/*/bin: the PostgreSQL state tests are skipped'
  : 'running as root without a postgres user to run the server as: the PostgreSQL state tests are skipped';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** Runs a server binary, as the postgres user when root; throws with its output when it fails. */
function run(tool: string, args: string[]): void {
  const user = runAs();
  const [cmd, argv] = user ? ['runuser', ['-u', 'postgres', '--', join(BIN!, tool), ...args]] : [join(BIN!, tool), args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${tool} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
}

/** Makes a cluster and starts it; the folder, port and all go with `stop`. About 2 s. */
export async function startPostgres(): Promise<PgServer> {
  if (!pgAvailable) throw new Error(pgSkipReason);
  const dir = mkdtempSync(join(tmpdir(), 'statusform-pg-'));
  const user = runAs();
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
  let port = 0;
  // Durability is not what these tests are about: no fsync, so the server keeps up on a loaded machine.
  const start = () =>
    run('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'log'),
      '-w',
      '-t',
      '30',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
      'start',
    ]);
  // A port found free may be taken before the server binds it: try another.
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      start();
      break;
    } catch (err) {
      if (attempt >= 2) throw new Error(`${(err as Error).message}\n${readLog(dir)}`);
    }
  }
  const url = (password = 'not-checked') => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  return {
    port,
    url,
    async query(text, values) {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        return (await client.query(text, values)).rows;
      } finally {
        await client.end();
      }
    },
    async restart(whileDown) {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      await whileDown?.();
      start();
    },
    async stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'log'), 'utf8');
  } catch {
    return '';
  }
}
