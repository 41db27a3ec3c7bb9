// `statusform state mv`: record an owned item under another key of its account (its vendor id
// kept), once the new key has the shape the account's vendor gives its keys.

import { parseAddress } from '../../../address.js';
import { UsageError } from '../../../errors.js';
import { adapterFor } from '../../../vendors/registry.js';
import { write, type Io } from '../../io.js';
import type { Outcome } from '../../outcome.js';
import { changeUnderLock, resolveEntries, vendorId, withStore, type Entry, type StateCommandOptions } from './entries.js';

export async function mv(io: Io, opts: StateCommandOptions, args: readonly string[]): Promise<Outcome> {
  if (args.length !== 2)
    throw new UsageError(
      'state mv takes FROM and TO, two addresses of one account, e.g. ' +
        'statusform state mv \'estate.statuses["contact:Old"]\' \'estate.statuses["contact:New"]\'',
    );
  const [fromText, toText] = args as [string, string];
  const from = parseAddress(fromText);
  const to = parseAddress(toText);
  for (const [given, parsed] of [
    [fromText, from],
    [toText, to],
  ] as const) {
    if (!parsed) throw new UsageError(`state mv takes exact addresses: ${given} is not one (write account.collection["key"], no *)`);
  }
  if (from!.account !== to!.account)
    throw new UsageError(
      `state mv moves an item within its account: ${fromText} is in ${from!.account}, ` +
        `${toText} in ${to!.account} (an item's vendor id means nothing at another account)`,
    );
  if (from!.collection !== to!.collection)
    throw new UsageError(`state mv keeps the collection: ${fromText} is in ${from!.collection}, ${toText} in ${to!.collection}`);
  if (from!.key === to!.key) throw new UsageError(`state mv: ${fromText} and ${toText} are the same address`);
  let moved: Entry | undefined;
  await withStore(io, opts, (store) =>
    changeUnderLock(store, opts, 'statusform state mv', [fromText], (all, snapshot) => {
      const [e] = resolveEntries(fromText, all);
      const shape = keyShapeProblem(e!, to!.key);
      if (shape) throw new UsageError(`state mv: ${toText} ${shape}; nothing was changed`);
      if (all.some((x) => x.address === toText))
        throw new UsageError(
          `${toText} is in the state already (${vendorId(all.find((x) => x.address === toText)!.item)}); ` +
            `nothing was changed. Remove it first (statusform state rm) if it is not statusform's any more`,
        );
      const items = snapshot.accounts[e!.account]!.items;
      items[to!.key] = items[from!.key]!;
      delete items[from!.key];
      // What other items of the account recorded as depending on it follows it.
      for (const it of Object.values(items))
        if (it.dependsOn?.includes(from!.key)) it.dependsOn = it.dependsOn.map((d) => (d === from!.key ? to!.key : d));
      moved = e;
      return new Set([e!.account]);
    }),
  );
  write(
    io.stdout,
    `Moved ${fromText} to ${toText} (${vendorId(moved!.item)}). The next plan finds the item by that id: ` +
      'if the vendor still has it under the old key, it is renamed in place to the new one (one update).',
  );
  return 'done';
}

/**
 * Why `key` cannot be a key of the entry's collection, if it cannot: a vendor whose key is made of
 * several fields (Property Deck: `type:label`) needs every part, and a part the vendor cannot change
 * in place (the type) must stay as it is — the item keeps its vendor id, which is of that type.
 */
export function keyShapeProblem(e: Entry, key: string): string | undefined {
  const adapter = adapterFor(e.vendor);
  const fields = adapter?.keyFields ?? [];
  if (key.trim() === '') return 'has an empty key';
  if (fields.length < 2) return undefined;
  const vendor = adapter?.displayName ?? e.vendor;
  const shape = `${fields.join(':')} (like ${JSON.stringify(e.key)})`;
  const parts = splitKey(key, fields.length);
  if (!parts)
    return `is not a key of ${vendor} ${e.collection}: a key there is ${shape}, and ${JSON.stringify(key)} has no ${fields[0]}: part`;
  const empty = fields.find((_, i) => parts[i]!.trim() === '');
  if (empty) return `is not a key of ${vendor} ${e.collection}: a key there is ${shape}, and its ${empty} is empty`;
  const was = splitKey(e.key, fields.length);
  const fixed = (adapter?.replaceOn ?? []).find((f) => was && parts[fields.indexOf(f)] !== was[fields.indexOf(f)]);
  if (fixed)
    return (
      `changes the ${fixed} (${JSON.stringify(was![fields.indexOf(fixed)])} → ${JSON.stringify(parts[fields.indexOf(fixed)])}), ` +
      `which ${vendor} cannot change in place: a status of another ${fixed} is another status`
    );
  return undefined;
}

/** A key of `n` fields: the first n-1 end at a `:` each, the last takes the rest (a label may hold `:`). */
function splitKey(key: string, n: number): string[] | undefined {
  const parts: string[] = [];
  let rest = key;
  for (let i = 0; i < n - 1; i++) {
    const at = rest.indexOf(':');
    if (at < 0) return undefined;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  return [...parts, rest];
}
