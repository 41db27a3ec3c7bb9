// The state in PostgreSQL, end to end through the CLI against the simulators and a server the test
// starts: apply converges with nothing written beside the configuration; state list, show, rm and mv
// work on it; `state migrate` moves a state directory into the database and back, lineage, serial
// and text kept; `unlock` names who holds a lock and ends a hung holder's session; and the URL —
// a secret — is printed nowhere, not even by a mistyped `state:` mapping's error.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresStore } from '../../src/state/postgres.js';
import { openStateStore } from '../../src/state/store.js';
import { pgAvailable, pgSkipReason, startPostgres, type PgServer } from '../state/pg-server.js';
import { PD_ACCOUNT, world, type World } from './fixtures.js';

if (!pgAvailable) console.warn(pgSkipReason);

const PASSWORD = 'e2e-Pg-Secret-4471';
const SIM = { rateLimits: { propertydeck: false } } as const;
const FAST = '    rate_limit: { requests: 1000, seconds: 1 }\n';
const pd = (label: string, type = 'contact') => `      - { label: "${label}", type: ${type}, maps_to: open }\n`;
const CONFIG = PD_ACCOUNT(pd('Hot Lead') + pd('Cold Lead') + pd('Sold', 'property'), FAST);
const HOT = 'estate.statuses["contact:Hot Lead"]';
const COLD = 'estate.statuses["contact:Cold Lead"]';
const SOLD = 'estate.statuses["property:Sold"]';
const inPostgres = (schema: string, config = CONFIG) =>
  config.replace('version: 1\n', `version: 1\nstate:\n  backend: postgres\n  url: \${STATUSFORM_PG_URL}\n  schema: ${schema}\n`);

describe.skipIf(!pgAvailable)('the state in PostgreSQL, through the CLI', () => {
  let server: PgServer;
  let w: World | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => server?.stop());
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  /** A world whose state is in `schema`; every run's output is checked for the URL's password. */
  async function pgWorld(schema: string, config = inPostgres(schema)): Promise<World> {
    const x = await world(config, SIM);
    x.env['STATUSFORM_PG_URL'] = server.url(PASSWORD);
    const run = x.run;
    x.run = async (...args) => {
      const r = await run(...args);
      expect(r.stdout + r.stderr, `statusform ${args.join(' ')}`).not.toContain(PASSWORD);
      return r;
    };
    return x;
  }
  const row = async (schema: string, account = 'estate') =>
    (
      await server.query<{ lineage: string; serial: number; items: Record<string, { id: unknown }> }>(
        `SELECT lineage, serial::int AS serial, items FROM ${schema}.accounts WHERE account = $1`,
        [account],
      )
    )[0];

  it('apply converges with the state in the database and nothing written beside the configuration', async () => {
    w = await pgWorld('converge');
    const apply = await w.run('apply', '--auto-approve');
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('Apply complete');
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
    expect(readdirSync(w.dir)).toEqual(['statusform.yaml']);
    const r = await row('converge');
    expect(r!.serial).toBeGreaterThan(0);
    expect(Object.keys(r!.items).sort()).toEqual(['contact:Cold Lead', 'contact:Hot Lead', 'property:Sold']);
    expect(await server.query('SELECT count(*)::int AS n FROM converge.locks')).toEqual([{ n: 0 }]);
  });

  it('state list, show, mv and rm work on it; rm and mv write one serial further', async () => {
    w = await pgWorld('commands');
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    w.sandbox.simulators.propertydeck.resetRequests();
    const before = (await row('commands'))!;
    expect((await w.run('state', 'list')).stdout).toBe(`${COLD}\n${HOT}\n${SOLD}\n`);
    const show = await w.run('state', 'show', HOT, '--format', 'json');
    expect(JSON.parse(show.stdout)).toMatchObject({
      address: HOT,
      vendor: 'propertydeck',
      vendor_id: before.items['contact:Hot Lead']!.id,
    });

    const mv = await w.run('state', 'mv', HOT, 'estate.statuses["contact:Warm Lead"]');
    expect(mv.code, mv.stderr).toBe(0);
    const rm = await w.run('state', 'rm', SOLD);
    expect(rm.code, rm.stderr).toBe(0);
    const after = (await row('commands'))!;
    expect(after.serial).toBe(before.serial + 2);
    expect(after.lineage).toBe(before.lineage);
    expect(Object.keys(after.items).sort()).toEqual(['contact:Cold Lead', 'contact:Warm Lead']);
    expect(after.items['contact:Warm Lead']!.id).toBe(before.items['contact:Hot Lead']!.id);
    expect(w.sandbox.simulators.propertydeck.requests).toEqual([]);
  });

  it('state migrate moves a state directory into the database and back, lineage, serial and text kept', async () => {
    w = await pgWorld('moved', CONFIG);
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const file = join(w.dir, 'statusform.state', 'estate.json');
    const text = readFileSync(file, 'utf8');
    const { lineage, serial } = JSON.parse(text) as { lineage: string; serial: number };

    writeFileSync(join(w.dir, 'statusform.yaml'), inPostgres('moved'));
    const into = await w.run('state', 'migrate', '--from', 'statusform.state/');
    expect(into.code, into.stderr).toBe(0);
    expect(into.stdout).toContain(`Moved the state of 1 account from statusform.state to PostgreSQL 127.0.0.1:${server.port}/postgres`);
    expect(await row('moved')).toMatchObject({ lineage, serial });
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
    // Moved once, never twice: the database has the account now.
    const twice = await w.run('state', 'migrate', '--from', 'statusform.state/');
    expect(twice.code).toBe(3);
    expect(twice.stderr).toContain('has a state of estate already; nothing was written');

    const back = await w.run('state', 'migrate', '--to', 'back.state/');
    expect(back.code, back.stderr).toBe(0);
    expect(readFileSync(join(w.dir, 'back.state', 'estate.json'), 'utf8')).toBe(text);
    writeFileSync(join(w.dir, 'statusform.yaml'), CONFIG.replace('version: 1\n', 'version: 1\nstate: back.state/\n'));
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
    expect((await w.run('state', 'list')).stdout).toBe(`${COLD}\n${HOT}\n${SOLD}\n`);
  });

  it('unlock names who holds a lock, and --force ends the session of a holder that hangs', async () => {
    w = await pgWorld('held');
    expect((await w.run('unlock')).stdout).toBe("No account's state was locked.\n");
    const hung = openStateStore(
      { layout: 'postgres', path: '', postgres: { url: server.url(), schema: 'held' } },
      { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/infra', GITHUB_RUN_ID: '9' },
    ) as PostgresStore;
    await hung.lock(['estate'], 'statusform apply', 0);
    try {
      const apply = await w.run('apply', '--auto-approve');
      expect(apply.code).toBe(3);
      expect(apply.stderr).toMatch(
        /Refused: estate: the state of account estate .* \(statusform apply, run https:\/\/github.com\/acme\/infra\/actions\/runs\/9, since/,
      );
      const all = await w.run('unlock');
      expect(all.code).toBe(3);
      expect(all.stderr).toMatch(
        /estate: locked by pid \d+ on .* \(statusform apply, run https:\/\/github.com\/acme\/infra\/actions\/runs\/9/,
      );
      const one = await w.run('unlock', '--account', 'estate');
      expect(one.code).toBe(3);
      expect(one.stderr).toContain('whose database session is still open');
      const forced = await w.run('unlock', '--account', 'estate', '--force');
      expect(forced.code, forced.stderr).toBe(0);
      expect(forced.stdout).toMatch(/^Ended the database session of pid \d+ .*: the lock of account estate is free\.\n$/);
      expect((await w.run('apply', '--auto-approve')).code).toBe(0);
      // What the ended session left, the next unlock clears, saying so.
      await server.query("INSERT INTO held.locks VALUES ('gone', 'ci-7', 4242, 'statusform apply', NULL, now(), 't', 999999)");
      expect((await w.run('unlock')).stdout).toMatch(/^gone: the run that held its lock \(pid 4242 on ci-7 .*\) is gone/);
      expect(await server.query('SELECT account FROM held.locks')).toEqual([]);
    } finally {
      await hung.close();
    }
  });

  it('never prints the URL: not for a mistyped mapping, a URL given as the path, nor a database that does not answer', async () => {
    const url = `postgres://statusform:${PASSWORD}@127.0.0.1:1/states`;
    const mistyped = `version: 1\nstate:\n  backend: postgres\n  uri: ${url}\naccounts: {}\n`;
    w = await pgWorld('none', mistyped);
    for (const args of [['state', 'list'], ['state', 'show', HOT], ['validate'], ['plan'], ['unlock']]) {
      const r = await w.run(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(/state: unknown field "uri"/);
    }
    writeFileSync(join(w.dir, 'statusform.yaml'), `version: 1\nstate: ${url}\naccounts: {}\n`);
    for (const args of [['state', 'list'], ['plan']]) {
      const r = await w.run(...args);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('state is a URL: a PostgreSQL backend is a mapping');
    }
    writeFileSync(join(w.dir, 'statusform.yaml'), `version: 1\nstate:\n  backend: ${url}\n  url: ${url}\naccounts: {}\n`);
    expect((await w.run('state', 'list')).stderr).toContain('state.backend must be "postgres"');
    expect((await w.run('validate')).code).toBe(1);

    writeFileSync(join(w.dir, 'statusform.yaml'), inPostgres('none'));
    w.env['STATUSFORM_PG_URL'] = url;
    const down = await w.run('plan');
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(
      'Error: cannot connect to PostgreSQL 127.0.0.1:1/states (schema none): nothing accepts connections there (is the database running?)',
    );
    delete w.env['STATUSFORM_PG_URL'];
    const unset = await w.run('state', 'list');
    expect(unset.stderr).toContain('state.url needs the environment variable STATUSFORM_PG_URL set');
    expect(existsSync(join(w.dir, 'statusform.state'))).toBe(false);
  });

  it('shards --changed-since needs no database URL: the state in PostgreSQL is not in the repository', async () => {
    w = await pgWorld('shards');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: w!.dir });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'config');
    delete w.env['STATUSFORM_PG_URL'];
    writeFileSync(join(w.dir, 'statusform.yaml'), inPostgres('shards', CONFIG.replace('Sold', 'Sold STC')));
    const r = await w.run('shards', '--count', '2', '--changed-since', 'HEAD', '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).shards.flatMap((s: { changed: string[] }) => s.changed)).toEqual(['estate']);
  });
});
