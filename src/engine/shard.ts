// Shards: a stable split of the accounts for CI job matrices (`--shard K/N`, K from 1 to N).
// Rendezvous (highest-random-weight) hashing: each account goes to the shard whose
// SHA-256(name, shard) is highest. It depends on the name alone — never on file order, on the
// other accounts or on their sizes — so adding or removing an account moves no other account,
// and going from N to N+1 shards moves only the accounts the new shard wins (about 1/(N+1)).
// Not balanced by item count: that would make one account's place depend on the others.

import { createHash } from 'node:crypto';
import { UsageError } from '../errors.js';

export interface Shard {
  /** 1-based, as vitest and Playwright number shards. */
  index: number;
  count: number;
}

/** GitHub Actions runs at most 256 jobs from one matrix: the most `statusform shards --count` makes. */
export const GITHUB_MATRIX_LIMIT = 256;

/**
 * The most shards `--shard K/N` splits the accounts into. Picking a shard hashes every account
 * once per shard (rendezvous), so N bounds the work before any account is read; 1,000 keeps it
 * small, and is well beyond GitHub's matrix (256) and any fan-out a fleet uses.
 */
const MAX_SHARDS = 1000;

/** `"K/N"` → the shard, or a UsageError saying what is expected; checked before anything is read. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count)
    throw new UsageError(`--shard must be K/N with 1 ≤ K ≤ N, e.g. --shard 1/4 (got "${text}")`);
  if (count > MAX_SHARDS) throw new UsageError(`--shard K/N takes N up to ${MAX_SHARDS} (got "${text}")`);
  return { index, count };
}

export function shardText(s: Shard): string {
  return `${s.index}/${s.count}`;
}

function weight(name: string, index: number): bigint {
  return createHash('sha256').update(`${name}\u0000${index}`).digest().readBigUInt64BE(0);
}

/** The shard (1-based) an account belongs to among `count`. */
export function shardOf(name: string, count: number): number {
  let best = 1;
  let bestWeight = -1n;
  for (let i = 1; i <= count; i++) {
    const w = weight(name, i);
    if (w > bestWeight) {
      best = i;
      bestWeight = w;
    }
  }
  return best;
}

/** The names (in their given order) that belong to `shard`. */
export function inShard<T extends string>(names: readonly T[], shard: Shard): T[] {
  return names.filter((n) => shardOf(n, shard.count) === shard.index);
}

/** Every shard 1..count with its names, in the given order. */
export function shardTable(names: readonly string[], count: number): { shard: Shard; accounts: string[] }[] {
  const table = Array.from({ length: count }, (_, i) => ({ shard: { index: i + 1, count }, accounts: [] as string[] }));
  for (const n of names) table[shardOf(n, count) - 1]!.accounts.push(n);
  return table;
}
