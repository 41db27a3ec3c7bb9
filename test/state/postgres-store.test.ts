// The PostgreSQL state store against a real server the test starts: tables made on first use and
// versioned, every write a compare-and-swap on the serial, account locks exclusive between
// database sessions and gone with the session, a lost connection failing loudly.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RefusedError, StateBackendError } from '../../src/errors.js';
import type { PostgresStore } from '../../src/state/postgres.js';
import type { AccountState } from '../../src/state/state-file.js';
import { openStateStore, type Snapshot } from '../../src/state/store.js';
import { pgAvailable, pgSkipReason, startPostgres, type PgServer } from './pg-server.js';

if (!pgAvailable) console.warn(pgSkipReason);

const CI = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/infra', GITHUB_RUN_ID: '42' };
const ESTATE = {
  vendor: 'propertydeck',
  origin: 'https://crm.example.com',
  items: { 'contact:Hot Lead': { id: 'u1', fields: { type: 'contact', label: 'Hot Lead' }, active: true } },
};

describe.skipIf(!pgAvailable)('the PostgreSQL state store', () => {
  let server: PgServer;
  const opened: PostgresStore[] = [];
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
    await server?.stop();
  });
  const storeIn = (schema: string, env: NodeJS.ProcessEnv = {}) => {
    const s = openStateStore({ layout: 'postgres', path: '', postgres: { url: server.url(), schema } }, env) as PostgresStore;
    opened.push(s);
    return s;
  };
  const withEstate = (snapshot: Snapshot, items: AccountState['items'] = ESTATE.items): Snapshot => {
    snapshot.accounts['estate'] = { ...ESTATE, items };
    return snapshot;
  };

  it('reads an empty state without making anything; the first lock makes the tables, at version 1', async () => {
    const store = storeIn('fresh');
    expect(await store.read(['estate'])).toEqual({ accounts: {}, versions: { estate: { lineage: '', serial: 0 } } });
    expect(await store.recorded()).toEqual([]);
    expect(await server.query("SELECT to_regnamespace('fresh') AS n")).toEqual([{ n: null }]);
    const release = await store.lock(['estate'], 'statusform apply', 0);
    await release();
    expect(await server.query('SELECT version FROM fresh.statusform_version')).toEqual([{ version: 1 }]);
  });

  it('makes the tables once when several runs start together on an empty database', async () => {
    const stores = Array.from({ length: 4 }, () => storeIn('together'));
    const releases = await Promise.all(stores.map((s, i) => s.lock([`account${i}`], 'statusform apply', 0)));
    for (const r of releases) await r();
    expect(await server.query('SELECT version FROM together.statusform_version')).toEqual([{ version: 1 }]);
  });

  it('refuses tables newer than it knows, saying to upgrade', async () => {
    const store = storeIn('newer');
    await (await store.lock(['estate'], 'statusform apply', 0))();
    await server.query('UPDATE newer.statusform_version SET version = 99');
    const later = storeIn('newer');
    await expect(later.read(['estate'])).rejects.toThrow(/version 99, newer than this statusform knows \(1\).*upgrade statusform/);
  });

  it('writes one serial further; a write that lost the race is an error and overwrites nothing', async () => {
    const a = storeIn('race');
    const b = storeIn('race');
    const readA = withEstate(await a.read(['estate']));
    const readB = withEstate(await b.read(['estate']), {});
    await a.write(readA, new Set(['estate']));
    expect(readA.versions['estate']).toMatchObject({ serial: 1, lineage: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    // b read before a's first write: its own first write finds the row there.
    const lost = b.write(readB, new Set(['estate']));
    await expect(lost).rejects.toThrow(StateBackendError);
    await expect(lost).rejects.toMatchObject({ code: 'E_STATE_CONFLICT' });
    await expect(lost).rejects.toThrow(/it read no state yet; it is now serial 1\).*nothing was overwritten/);

    const again = await b.read(['estate']);
    again.accounts['estate']!.items = {};
    await b.write(again, new Set(['estate']));
    expect(again.versions['estate']!.serial).toBe(2);
    // a still holds serial 1: its write is refused, and b's write stands.
    await expect(a.write(readA, new Set(['estate']))).rejects.toThrow(/it read serial 1; it is now serial 2/);
    const rows = await server.query("SELECT serial::int AS serial, items::text AS items FROM race.accounts WHERE account = 'estate'");
    expect(rows).toEqual([{ serial: 2, items: '{}' }]);
  });

  it('keeps the binding and the items as written, key order included, and lists what it records', async () => {
    const store = storeIn('keep');
    const items = { b: { id: 7, fields: { label: 'B', type: 'contact' }, active: false, dependsOn: ['a'] } };
    const snapshot = withEstate(await store.read(['estate']), items);
    snapshot.accounts['estate']!.tenant = 'business_id 43111';
    await store.write(snapshot, new Set(['estate']));
    const back = await storeIn('keep').read(['estate', 'other']);
    expect(back.accounts).toEqual({ estate: { ...ESTATE, tenant: 'business_id 43111', items } });
    expect(Object.keys(back.accounts['estate']!.items['b']!.fields)).toEqual(['label', 'type']);
    expect(back.versions['other']).toEqual({ lineage: '', serial: 0 });
    expect(await store.recorded()).toEqual(['estate']);
  });

  it('locks an account against other sessions, naming the holder and its CI run, and waits for it up to the timeout', async () => {
    const holder = storeIn('locks', CI);
    const other = storeIn('locks');
    const release = await holder.lock(['estate'], 'statusform apply', 0);
    const refused = other.lock(['estate', 'salon'], 'statusform state rm', 0);
    await expect(refused).rejects.toThrow(RefusedError);
    await expect(refused).rejects.toThrow(
      /^the state of account estate \(PostgreSQL 127\.0\.0\.1:\d+\/postgres \(schema locks\)\) is locked by pid \d+ on .+ \(statusform apply, run https:\/\/github\.com\/acme\/infra\/actions\/runs\/42, since \d{4}-/,
    );
    // Refused, it holds none of them: another account stays free.
    await (await holder.lock(['salon'], 'statusform apply', 0))();
    // Released while it waits, the lock is its.
    setTimeout(() => void release(), 300);
    const started = Date.now();
    const waited = await other.lock(['estate'], 'statusform state rm', 5_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(await server.query('SELECT account, command FROM locks.locks')).toEqual([{ account: 'estate', command: 'statusform state rm' }]);
    await waited();
    expect(await server.query('SELECT account FROM locks.locks')).toEqual([]);
  });

  it('a session that ends releases its locks: nobody has to unlock', async () => {
    const gone = storeIn('ends');
    await gone.lock(['estate'], 'statusform apply', 0);
    await gone.close();
    const next = storeIn('ends');
    await (await next.lock(['estate'], 'statusform apply', 0))();
  });

  it('a lost connection fails every later call with a clear error, and writes nothing', async () => {
    const store = storeIn('lost');
    await store.lock(['estate'], 'statusform apply', 0);
    const snapshot = withEstate(await store.read(['estate']));
    await server.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'statusform'");
    const failed = store.write(snapshot, new Set(['estate']));
    await expect(failed).rejects.toThrow(StateBackendError);
    await expect(failed).rejects.toThrow(/^PostgreSQL 127\.0\.0\.1:\d+\/postgres \(schema lost\): .*terminat/i);
    await expect(store.read(['estate'])).rejects.toThrow(/PostgreSQL/);
    expect(await server.query('SELECT count(*)::int AS n FROM lost.accounts')).toEqual([{ n: 0 }]);
  });

  it('seeds accounts at their own lineage and serial, and refuses, writing none, an account it has', async () => {
    const store = storeIn('seed');
    const snapshot: Snapshot = {
      accounts: { estate: ESTATE },
      versions: { estate: { lineage: 'l-estate', serial: 7 }, empty: { lineage: 'l-empty', serial: 2 } },
    };
    await store.seed(snapshot, ['estate', 'empty']);
    const back = await store.read(['estate', 'empty']);
    expect(back).toEqual({ accounts: { estate: ESTATE }, versions: snapshot.versions });
    const again = store.seed({ accounts: {}, versions: { fresh: { lineage: 'x', serial: 1 }, estate: { lineage: 'y', serial: 1 } } }, [
      'fresh',
      'estate',
    ]);
    await expect(again).rejects.toThrow(/has a state of estate already; nothing was written/);
    expect(await store.recorded()).toEqual(['empty', 'estate']);
  });

  it('refuses a row edited by hand into a shape it does not write', async () => {
    const store = storeIn('damaged');
    await store.write(withEstate(await store.read(['estate'])), new Set(['estate']));
    await server.query(`UPDATE damaged.accounts SET items = '{"x": {"fields": 3, "id": null, "active": true}}'`);
    await expect(storeIn('damaged').read(['estate'])).rejects.toThrow(
      /the row of account estate in .* is damaged: accounts\.estate\.items\["x"\]\.fields is the number 3/,
    );
  });
});
