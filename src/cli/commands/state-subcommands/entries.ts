// What every `state` subcommand shares: its options, the state's items as addresses (entries),
// resolving an address or pattern to them, and reading or changing accounts under their locks.

import { address, matchesAccount, matchesAddress } from '../../../address.js';
import { UsageError } from '../../../errors.js';
import type { StateItem } from '../../../model.js';
import { openStateStore, type Snapshot, type StateStore } from '../../../state/store.js';
import { nearestFew } from '../../../suggest.js';
import { adapterFor } from '../../../vendors/registry.js';
import { stateLocationOf } from '../../context.js';
import type { Io } from '../../io.js';
import type { Outcome } from '../../outcome.js';

export interface StateCommandOptions {
  config?: string;
  /** `state show --format text|json`. */
  format?: string;
  /** `rm`, `mv` and `migrate`: wait this long for another run's lock before refusing. */
  lockTimeoutSeconds?: number;
  /** `migrate --from`: a state directory (or single state file) to move into the configured state. */
  from?: string;
  /** `migrate --to`: a new state directory to move the configured state into. */
  to?: string;
}

export type Subcommand = (io: Io, opts: StateCommandOptions, args: readonly string[]) => Promise<Outcome>;

/** The configuration as the user named it, for the unlock command of a lock message. */
export function configPathOf(opts: StateCommandOptions): { configPath?: string } {
  return opts.config === undefined ? {} : { configPath: opts.config };
}

/** Runs `work` with the configuration's state store (located without credentials), closed after. */
export async function withStore<T>(io: Io, opts: StateCommandOptions, work: (store: StateStore) => Promise<T>): Promise<T> {
  const store = openStateStore({ ...stateLocationOf(io, opts.config), ...configPathOf(opts) }, io.env);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** One recorded item, by address. */
export interface Entry {
  address: string;
  account: string;
  collection: string;
  key: string;
  vendor: string;
  item: StateItem;
}

/** Every item the snapshot records, accounts and keys in sorted order. The collection comes from the account's vendor. */
export function entries(snapshot: Snapshot): Entry[] {
  return Object.keys(snapshot.accounts)
    .sort()
    .flatMap((account) => {
      const a = snapshot.accounts[account]!;
      const collection = adapterFor(a.vendor)?.collection ?? 'items';
      return Object.keys(a.items)
        .sort()
        .map((key) => ({ address: address(account, collection, key), account, collection, key, vendor: a.vendor, item: a.items[key]! }));
    });
}

/** The entries a pattern (or an exact address) names; none is a UsageError naming the nearest addresses. */
export function resolveEntries(pattern: string, all: readonly Entry[], what = 'address'): Entry[] {
  const hits = all.filter((e) => matchesAddress(pattern, e.address));
  if (hits.length > 0) return hits;
  const near = nearestFew(
    pattern,
    all.map((e) => e.address),
  );
  throw new UsageError(
    `${pattern} matches no ${what} in the state${near.length > 0 ? `; the nearest: ${near.join(', ')}` : ' (the state records no item)'}`,
  );
}

/** Reads every account the state records whose name a pattern's account part names. */
export async function readFor(store: StateStore, patterns: readonly string[]): Promise<{ names: string[]; snapshot: Snapshot }> {
  const names = (await store.recorded()).filter((n) => patterns.some((p) => matchesAccount(p, n)));
  return { names, snapshot: await store.read(names) };
}

/** Holds the locks of the accounts the patterns name, reads them, runs `change`, and writes the accounts it changed one serial further. */
export async function changeUnderLock(
  store: StateStore,
  opts: StateCommandOptions,
  command: string,
  patterns: readonly string[],
  change: (all: Entry[], snapshot: Snapshot) => Set<string>,
): Promise<void> {
  const names = (await store.recorded()).filter((n) => patterns.some((p) => matchesAccount(p, n)));
  const release = await store.lock(names, command, (opts.lockTimeoutSeconds ?? 0) * 1000);
  try {
    const snapshot = await store.read(names);
    const changed = change(entries(snapshot), snapshot);
    await store.write(snapshot, changed);
  } finally {
    await release();
  }
}

export function vendorId(item: StateItem): string {
  return item.id === null ? 'no vendor id' : `vendor id ${String(item.id)}`;
}
