// `--shard K/N`: every account in exactly one shard, the same shard whatever the file order, and
// adding an account never moves another between shards.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inShard, parseShard, shardOf, shardTable } from '../../src/engine/shard.js';

const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,20}$/);
const names = fc.uniqueArray(name, { maxLength: 60 });
const count = fc.integer({ min: 1, max: 40 });

describe('shards', () => {
  it('put every account in exactly one shard', () => {
    fc.assert(
      fc.property(names, count, (ns, n) => {
        const seen = Array.from({ length: n }, (_, i) => inShard(ns, { index: i + 1, count: n })).flat();
        expect(seen.sort()).toEqual([...ns].sort());
      }),
    );
  });

  it('do not depend on the order the accounts are listed in', () => {
    fc.assert(
      fc.property(names, count, fc.integer(), (ns, n, seed) => {
        const shuffled = [...ns].sort((a, b) => ((a.length * 31 + seed) % 7) - ((b.length * 31 + seed) % 7) || (a < b ? 1 : -1));
        for (let k = 1; k <= n; k++)
          expect(new Set(inShard(shuffled, { index: k, count: n }))).toEqual(new Set(inShard(ns, { index: k, count: n })));
      }),
    );
  });

  it('move no account when another is added or removed', () => {
    fc.assert(
      fc.property(names, name, count, (ns, added, n) => {
        const before = new Map(ns.map((x) => [x, shardOf(x, n)]));
        const table = shardTable([...ns.filter((x) => x !== added), added], n);
        for (const row of table) for (const x of row.accounts) if (x !== added) expect(row.shard.index).toBe(before.get(x));
      }),
    );
  });

  it('going from N to N+1 shards moves only accounts into the new shard', () => {
    fc.assert(
      fc.property(names, count, (ns, n) => {
        for (const x of ns) {
          const now = shardOf(x, n + 1);
          if (now !== shardOf(x, n)) expect(now).toBe(n + 1);
        }
      }),
    );
  });

  it('spread many accounts about evenly', () => {
    const accounts = Array.from({ length: 2000 }, (_, i) => `account-${i}`);
    const sizes = shardTable(accounts, 8).map((r) => r.accounts.length);
    for (const s of sizes) expect(s).toBeGreaterThan((2000 / 8) * 0.8);
    for (const s of sizes) expect(s).toBeLessThan((2000 / 8) * 1.2);
  });

  it('read K/N as vitest and Playwright do, and refuse anything else', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5 });
    for (const bad of ['0/3', '4/3', '1/0', '1', '1/2/3', 'x/2', ''])
      expect(() => parseShard(bad)).toThrow(/--shard must be K\/N with 1 ≤ K ≤ N/);
  });

  it('take at most 1,000 shards, so that picking one never hashes without end', () => {
    expect(parseShard('1000/1000')).toEqual({ index: 1000, count: 1000 });
    for (const big of ['1/1001', '1/999999999999', `1/${'9'.repeat(400)}`])
      expect(() => parseShard(big)).toThrow(`--shard K/N takes N up to 1000 (got "${big}")`);
  });
});
