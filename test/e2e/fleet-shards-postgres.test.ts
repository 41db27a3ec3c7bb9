// The fleet of fleet-shards.test.ts (200 accounts, six vendors) with its state in PostgreSQL, applied
// as 8 shards in 8 processes at once, each with a database session of its own: an account whose
// lock another session holds refuses only that account (its shard exits 3, the others 0); nothing
// is written beside the configuration; once the lock is free the blocked shard writes that account's
// row and no other; the fleet converges. The shards' plans are fleet-shards.test.ts's to check.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardOf } from '../../src/engine/shard.js';
import type { PostgresStore } from '../../src/state/postgres.js';
import { openStateStore } from '../../src/state/store.js';
import { pgAvailable, pgSkipReason, startPostgres, type PgServer } from '../state/pg-server.js';
import { SHARDS, expectConverged, name, names, shards, startFleet, type Fleet } from './fleet.js';

if (!pgAvailable) console.warn(pgSkipReason);

const PASSWORD = 'fleet-Pg-Secret-71';
const STATE = 'state:\n  backend: postgres\n  url: ${STATUSFORM_PG_URL}\n';

describe.skipIf(!pgAvailable)('200 accounts as 8 parallel shards, the state in PostgreSQL', () => {
  let server: PgServer;
  let fleet: Fleet;
  beforeAll(async () => {
    server = await startPostgres();
    fleet = await startFleet(STATE, { STATUSFORM_PG_URL: server.url(PASSWORD) });
  }, 60_000);
  afterAll(async () => {
    await fleet?.close();
    await server?.stop();
  });
  const rows = async () =>
    new Map(
      (
        await server.query<{ account: string; serial: number; at: string }>(
          'SELECT account, serial::int AS serial, written_at::text AS at FROM statusform.accounts',
        )
      ).map((r) => [r.account, r]),
    );

  it('a held lock stops only its account; each shard writes only its accounts; the fleet converges', async () => {
    const held = name(1); // a Property Deck account
    const blocked = shardOf(held, SHARDS);
    const other = openStateStore(
      { layout: 'postgres', path: '', postgres: { url: server.url(), schema: 'statusform' } },
      {},
    ) as PostgresStore;
    const release = await other.lock([held], 'statusform apply (another run)', 0);
    let first;
    try {
      first = await Promise.all(shards.map((k) => fleet.run('apply', '--shard', `${k}/${SHARDS}`, '--auto-approve')));
    } finally {
      await release();
      await other.close();
    }
    for (const [i, r] of first.entries()) {
      expect(`${r.stdout}${r.stderr}`).not.toContain(PASSWORD);
      if (i + 1 === blocked) {
        expect(r.code, r.stderr).toBe(3);
        expect(r.stderr).toContain(`Refused: ${held}: the state of account ${held} (PostgreSQL 127.0.0.1:${server.port}/postgres`);
        expect(r.stderr).toMatch(/is locked by pid \d+ on .+ \(statusform apply \(another run\), since /);
      } else expect(r.code, `shard ${i + 1}: ${r.stderr}`).toBe(0);
    }
    expect(existsSync(join(fleet.dir, 'statusform.state'))).toBe(false);
    const before = await rows();
    expect([...before.keys()].sort()).toEqual(names.filter((n) => n !== held));

    // The blocked shard, once the lock is free, writes the held account's row and leaves every other as it was.
    const again = await fleet.run('apply', '--shard', `${blocked}/${SHARDS}`, '--auto-approve');
    expect(again.code, again.stderr).toBe(0);
    const after = await rows();
    expect([...after.keys()].sort()).toEqual([...names].sort());
    for (const [n, r] of before) expect(after.get(n), n).toEqual(r);
    expect(await server.query('SELECT count(*)::int AS n FROM statusform.locks')).toEqual([{ n: 0 }]);
    await expectConverged(fleet);
  }, 120_000);
});
