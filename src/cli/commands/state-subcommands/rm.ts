// `statusform state rm`: stop managing items — removed from the state under their accounts' locks,
// left as they are at the vendor — and what the next plan will make of each.

import { address } from '../../../address.js';
import { loadConfigWithState } from '../../../state/config-with-state.js';
import { UsageError } from '../../../errors.js';
import { adapterFor } from '../../../vendors/registry.js';
import { DEFAULT_CONFIG } from '../../context.js';
import { write, type Io } from '../../io.js';
import type { Outcome } from '../../outcome.js';
import { changeUnderLock, resolveEntries, vendorId, withStore, type Entry, type StateCommandOptions } from './entries.js';

/** The addresses the configuration declares, when it loads (it needs its credentials' variables); undefined when it does not. */
function declaredAddresses(io: Io, opts: StateCommandOptions): Set<string> | undefined {
  const loaded = loadConfigWithState(opts.config ?? DEFAULT_CONFIG, { cwd: io.cwd, env: io.env });
  if (!loaded.config) return undefined;
  return new Set(
    loaded.config.accounts.flatMap((a) => a.items.map((i) => address(a.name, adapterFor(a.vendor)?.collection ?? 'items', i.key))),
  );
}

export async function rm(io: Io, opts: StateCommandOptions, args: readonly string[]): Promise<Outcome> {
  if (args.length === 0)
    throw new UsageError(
      'state rm takes one or more addresses (or patterns with *), e.g. statusform state rm \'estate.statuses["contact:Hot Lead"]\'',
    );
  const removed: Entry[] = [];
  await withStore(io, opts, (store) =>
    changeUnderLock(store, opts, 'statusform state rm', args, (all, snapshot) => {
      // Every argument must name something before anything is removed.
      const hits = new Map(args.flatMap((a) => resolveEntries(a, all)).map((e) => [e.address, e]));
      for (const e of hits.values()) {
        delete snapshot.accounts[e.account]!.items[e.key];
        removed.push(e);
      }
      return new Set(removed.map((e) => e.account));
    }),
  );
  const declared = declaredAddresses(io, opts);
  for (const e of removed)
    write(io.stdout, `Removed ${e.address} (${vendorId(e.item)}) from the state; it is left as it is at the vendor.`);
  const still = removed.filter((e) => declared?.has(e.address));
  if (declared === undefined) {
    write(
      io.stdout,
      'The configuration could not be loaded to check it (are its variables set?): ' +
        'an item it still declares is taken over again by the next apply; remove it from the configuration as ' +
        'well to stop managing it.',
    );
  } else {
    if (still.length > 0)
      write(
        io.stdout,
        `Still declared in the configuration, so the next plan takes ${still.length === 1 ? 'it' : 'them'} over again (adopted, ` +
          `or updated to the configuration): ${still.map((e) => e.address).join(', ')}. ` +
          `Remove ${still.length === 1 ? 'it' : 'them'} from the configuration as well to stop managing ` +
          `${still.length === 1 ? 'it' : 'them'}.`,
      );
    if (still.length < removed.length)
      write(
        io.stdout,
        `No longer managed: the next plan lists ${removed.length - still.length === 1 ? 'it' : 'them'} as unmanaged ` +
          `(where the vendor can be read) and never changes ${removed.length - still.length === 1 ? 'it' : 'them'}.`,
      );
  }
  return 'done';
}
