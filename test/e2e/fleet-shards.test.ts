// A fleet of 200 accounts over all six vendors, planned and applied as 8 CI shards running at the
// same time, each its own `statusform` process: the shards' plans merged by `show` are the
// unsharded plan action for action; the sharded apply converges; a shard writes the state files of
// its own accounts only; and one account's held lock stops only the shard that needs it.

import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inShard, shardOf } from '../../src/engine/shard.js';
import { acquireLock } from '../../src/state/lock.js';
import { expectWirePlan, type CliRun } from '../helpers.js';
import { ACCOUNTS, SHARDS, VENDORS, expectConverged, name, names, shards, startFleet, vendorOf, type Fleet } from './fleet.js';

let fleet: Fleet;
let dir: string;
const run = (...args: string[]) => fleet.run(...args);
const stateDir = () => join(dir, 'statusform.state');
const stateFiles = () => readdirSync(stateDir()).sort();

beforeAll(async () => {
  fleet = await startFleet();
  dir = fleet.dir;
}, 30_000);

afterAll(async () => {
  await fleet?.close();
});

describe('200 accounts over six vendors as 8 shards in 8 parallel processes', () => {
  it('every shard has accounts, and every vendor is in the fleet', () => {
    const sizes = shards.map((k) => inShard(names, { index: k, count: SHARDS }).length);
    expect(sizes.every((n) => n > 0)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(ACCOUNTS);
    expect(new Set(names.map((_, i) => vendorOf(i)))).toEqual(new Set(VENDORS));
  });

  it('the 8 shard plans, merged by show, are the unsharded plan action for action', async () => {
    const all = await run('plan', '--out', 'all.json');
    expect(all.code, all.stderr).toBe(0);
    const whole = expectWirePlan(readFileSync(join(dir, 'all.json'), 'utf8'), 'all.json') as {
      actions: { account: string; address: string }[];
      summary: unknown;
    };
    // Two creates per account of a status vendor; one transition per ticket account (its other ticket's category is already met).
    const tickets = names.filter((_, i) => ['serieshr', 'spacebring'].includes(vendorOf(i))).length;
    expect(whole.summary).toMatchObject({ create: 2 * (ACCOUNTS - tickets), transition: tickets, update: 0, delete: 0 });
    expect(new Set(whole.actions.map((a) => a.account))).toEqual(new Set(names));

    const parts = await Promise.all(shards.map((k) => run('plan', '--shard', `${k}/${SHARDS}`, '--out', `plan-${k}.json`)));
    for (const [k, p] of parts.entries()) expect(p.code, `shard ${k + 1}: ${p.stderr}`).toBe(0);
    for (const k of shards) {
      const plan = expectWirePlan(readFileSync(join(dir, `plan-${k}.json`), 'utf8'), `plan-${k}.json`) as {
        accounts: { name: string }[];
        actions: { account: string }[];
      };
      const mine = inShard(names, { index: k, count: SHARDS });
      expect(plan.accounts.map((a) => a.name).sort()).toEqual(mine);
      expect(plan.actions.every((a) => shardOf(a.account, SHARDS) === k)).toBe(true);
    }

    const shown = await run('show', ...shards.map((k) => `plan-${k}.json`), '--format', 'json');
    expect(shown.code, shown.stderr).toBe(0);
    const merged = expectWirePlan(shown.stdout, 'show --format json') as typeof whole;
    expect(merged.actions.map((a) => a.address)).toEqual(whole.actions.map((a) => a.address));
    for (const [i, action] of whole.actions.entries()) expect(merged.actions[i], action.address).toEqual(action);
    expect(merged.summary).toEqual(whole.summary);
  });

  it("the sharded apply converges; each shard writes only its accounts' state files; a held lock stops only the shard that needs it", async () => {
    const held = name(1); // a Property Deck account
    const blocked = shardOf(held, SHARDS);
    const mineOf = (k: number) => inShard(names, { index: k, count: SHARDS });
    mkdirSync(stateDir(), { recursive: true });
    const release = acquireLock(join(stateDir(), `${held}.json`), 'statusform apply (another run)');
    let first: CliRun[];
    try {
      first = await Promise.all(shards.map((k) => run('apply', '--shard', `${k}/${SHARDS}`, '--auto-approve')));
      expect(stateFiles()).toContain(`${held}.json.lock`); // still ours: nobody took it over
    } finally {
      release();
    }
    for (const [i, r] of first.entries()) {
      if (i + 1 === blocked) {
        expect(r.code, r.stderr).toBe(3);
        expect(r.stderr).toContain(`Refused: ${held}: the state of account ${held}`);
      } else expect(r.code, `shard ${i + 1}: ${r.stderr}`).toBe(0);
    }
    // Every account but the locked one has a state file, each holding only its own account.
    const others = names.filter((n) => n !== held);
    expect(stateFiles()).toEqual(others.map((n) => `${n}.json`).sort());
    const snapshot = new Map(
      others.map((n) => [
        n,
        { text: readFileSync(join(stateDir(), `${n}.json`), 'utf8'), mtime: statSync(join(stateDir(), `${n}.json`)).mtimeMs },
      ]),
    );
    for (const [n, s] of snapshot) expect(Object.keys(JSON.parse(s.text).accounts)).toEqual([n]);

    // The blocked shard, once the lock is gone, writes the locked account's file and no other.
    const again = await run('apply', '--shard', `${blocked}/${SHARDS}`, '--auto-approve');
    expect(again.code, again.stderr).toBe(0);
    expect(stateFiles()).toEqual([...names].map((n) => `${n}.json`).sort());
    for (const [n, s] of snapshot) {
      expect(readFileSync(join(stateDir(), `${n}.json`), 'utf8'), n).toBe(s.text);
      expect(statSync(join(stateDir(), `${n}.json`)).mtimeMs, n).toBe(s.mtime);
    }
    for (const n of mineOf(blocked))
      expect(Object.keys(JSON.parse(readFileSync(join(stateDir(), `${n}.json`), 'utf8')).accounts)).toEqual([n]);

    await expectConverged(fleet);
  }, 120_000);
});
