// Which accounts a plan or apply loads: the engine's selection, told to the config loader before
// it builds any account. Apart from context.ts so that commands which select nothing (validate,
// mappings) do not load the engine at start-up.

import type { LoadOptions } from '../config/load.js';
import { selectNames } from '../engine/manager.js';
import type { Shard } from '../engine/shard.js';

/**
 * For loadOrThrow: when a run covers only some accounts (`--account`, `--shard`, `--target`),
 * only those are validated and built, so each shard of a matrix does its share of the work.
 */
export function selection(accounts: readonly string[], shard: Shard | undefined, targets: readonly string[]): Pick<LoadOptions, 'select'> {
  if (accounts.length === 0 && !shard && targets.length === 0) return {};
  return { select: (names) => selectNames(names, accounts, shard, targets) };
}
