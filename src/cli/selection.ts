// Which accounts a plan or apply loads: the engine's selection, told to the config loader before
// it builds any account. Apart from context.ts so that commands which select nothing (validate,
// mappings) do not load the engine at start-up.

import type { LoadOptions } from '../config/load.js';
import { selectNames } from '../engine/manager.js';
import { inShard, shardOf, shardText, type Shard } from '../engine/shard.js';
import { UsageError } from '../errors.js';

/**
 * For loadOrThrow: when a run covers only some accounts (`--account`, `--shard`, `--target`),
 * only those are validated and built, so each shard of a matrix does its share of the work.
 */
export function selection(accounts: readonly string[], shard: Shard | undefined, targets: readonly string[]): Pick<LoadOptions, 'select'> {
  if (accounts.length === 0 && !shard && targets.length === 0) return {};
  return {
    select: (names) => {
      if (shard) refuseOtherShard(names, accounts, shard);
      return selectNames(names, accounts, shard, targets);
    },
  };
}

/**
 * The named accounts a run covers under `--shard`: the shard's share of them. The loader was told
 * every name (so it can say where each is when none is here) but built only these.
 */
export function namedInShard(accounts: readonly string[], shard: Shard | undefined): string[] {
  return shard ? inShard(accounts, shard) : [...accounts];
}

/**
 * `--account` with `--shard` runs the named accounts of that shard: when every account named is
 * in another shard, there is nothing to run, and the message says which shard each is in.
 */
function refuseOtherShard(all: readonly string[], accounts: readonly string[], shard: Shard): void {
  const named = accounts.filter((a) => all.includes(a));
  if (named.length === 0 || named.length < accounts.length) return; // an unknown name is selectNames' message
  const elsewhere = named.filter((a) => shardOf(a, shard.count) !== shard.index);
  if (elsewhere.length < named.length) return;
  const where = elsewhere.map((a) => `${a} is in shard ${shardOf(a, shard.count)}/${shard.count}`).join(', ');
  throw new UsageError(
    `no account named is in shard ${shardText(shard)}: ${where} (statusform shards --count ${shard.count} lists each shard's accounts); ` +
      'give that shard, or leave out --shard',
  );
}
