// The checks every vendor's items share, whatever the adapter: unique keys (as the reader and
// the vendor see them), known categories, rename sources, depends_on references and cycles, and
// the vendor's count limits as far as the configuration alone can pass them.

import { address as itemAddress } from '../address.js';
import { formatPosition, type ConfigProblem, type Position } from '../errors.js';
import type { DesiredItem } from '../model.js';
import { nearest } from '../suggest.js';
import type { VendorAdapter } from '../vendors/adapter.js';
import { invisibleDifference, lookalike, showInvisible } from '../vendors/normalise.js';

/** One account's items under check, and what the checks say of them. */
interface Check {
  account: string;
  adapter: VendorAdapter;
  problems: ConfigProblem[];
  address: (key: string) => string;
  /**
   * The identity of a key as a reader and the vendor see it: keys that look the same (Unicode
   * normal form, zero-width characters, the kind of space) or that the vendor folds alike name one item.
   */
  identity: (key: string) => string;
}

/** The items by key, and by identity (the first of those that share one). */
interface Declared {
  byKey: Map<string, DesiredItem>;
  byIdentity: Map<string, DesiredItem>;
}

/** Checks an account's items; `categoryAt` says where an item's category is written. */
export function checkItems(
  account: string,
  adapter: VendorAdapter,
  items: DesiredItem[],
  categories: readonly string[],
  problems: ConfigProblem[],
  categoryAt: (item: DesiredItem, value: string) => Position = (item) => item.position,
): void {
  const check: Check = {
    account,
    adapter,
    problems,
    address: (key) => itemAddress(account, adapter.collection, key),
    identity: (key) => {
      const seen = lookalike(key);
      return adapter.foldKey?.(seen) ?? seen;
    },
  };
  const declared = checkKeys(check, items, categories, categoryAt);
  const renameClaims = new Map<string, DesiredItem>();
  for (const item of items) {
    checkRenames(check, item, declared, renameClaims);
    checkDependsOn(check, item, declared.byKey);
  }
  checkCycles(check, items, declared.byKey);
  checkLimits(check, items);
}

/**
 * The vendor's count limits (capabilities.limits) over the items declared: the first item past a
 * limit is a problem where it is written. Live items count too, but only a plan can see them.
 */
function checkLimits(check: Check, items: readonly DesiredItem[]): void {
  const { adapter } = check;
  const words = adapter.collection.replaceAll('_', ' ');
  for (const limit of adapter.capabilities.limits ?? []) {
    const counts = new Map<string, number>();
    for (const item of items) {
      const group = limit.per ? String(item.fields[limit.per.field] ?? '') : '';
      const n = (counts.get(group) ?? 0) + 1;
      counts.set(group, n);
      if (n !== limit.max + 1) continue;
      const where = limit.per ? ` in the ${group} ${limit.per.name}` : '';
      check.problems.push({
        position: item.position,
        message:
          `${check.address(item.key)}: more than ${limit.max} ${words}${where}: ` +
          `${adapter.displayName} allows ${limit.max} per ${limit.per?.name ?? 'account'}`,
      });
    }
  }
}

/** Each key declared once (by identity), each category a known one. */
function checkKeys(
  check: Check,
  items: readonly DesiredItem[],
  categories: readonly string[],
  categoryAt: (item: DesiredItem, value: string) => Position,
): Declared {
  const { address, identity, problems } = check;
  const declared: Declared = { byKey: new Map(), byIdentity: new Map() };
  for (const item of items) {
    const first = declared.byIdentity.get(identity(item.key));
    if (first) {
      const same = first.key === item.key ? '' : sameBecause(check, item.key, first.key);
      problems.push({
        position: item.position,
        message: `${showInvisible(address(item.key))} is declared twice${same} (first at ${formatPosition(first.position)})`,
      });
      continue;
    }
    declared.byKey.set(item.key, item);
    declared.byIdentity.set(identity(item.key), item);
    if (item.category !== undefined && !categories.includes(item.category)) {
      const guess = nearest(item.category, categories);
      problems.push({
        position: categoryAt(item, item.category),
        message:
          `${address(item.key)}: unknown category "${item.category}" (categories: ` +
          `${categories.join(', ')})${guess ? `: did you mean \`${guess}\`?` : ''}`,
      });
    }
  }
  return declared;
}

/** Why two keys with one identity count as the same, for the message. */
function sameBecause({ address, adapter }: Check, a: string, b: string): string {
  return lookalike(a) === lookalike(b)
    ? ` as ${showInvisible(address(b))}, which differs from it only by ${invisibleDifference(a, b)}, so the two look the same`
    : ` as ${address(b)}, which ${adapter.vendor} counts as the same (it ignores case)`;
}

/**
 * A rename names a key no longer declared, and one no other item is renamed from (`claims`: which
 * item is renamed from each identity so far).
 */
function checkRenames(check: Check, item: DesiredItem, { byKey, byIdentity }: Declared, claims: Map<string, DesiredItem>): void {
  const { address, identity, problems } = check;
  for (const old of item.renamedFrom) {
    const holder = byIdentity.get(identity(old));
    if (byKey.has(old) || (holder && holder !== item))
      problems.push({
        position: item.position,
        message:
          `${address(item.key)}: renamed_from names "${old}", ` +
          `which is still declared${holder && holder.key !== old ? ` (as ${address(holder.key)})` : ''}`,
      });
    const claimed = claims.get(identity(old));
    if (claimed && claimed !== item) {
      problems.push({
        position: item.position,
        message:
          `${address(item.key)}: renamed_from names "${old}", ` +
          `which ${address(claimed.key)} (${formatPosition(claimed.position)}) is already renamed from`,
      });
    } else {
      claims.set(identity(old), item);
    }
  }
}

function checkDependsOn({ address, problems }: Check, item: DesiredItem, byKey: ReadonlyMap<string, DesiredItem>): void {
  for (const dep of item.dependsOn) {
    if (!byKey.has(dep))
      problems.push({
        position: item.position,
        message: `${address(item.key)}: depends_on names "${dep}", which this account does not declare`,
      });
  }
}

function checkCycles({ account, adapter, problems }: Check, items: readonly DesiredItem[], byKey: ReadonlyMap<string, DesiredItem>): void {
  for (const cycle of findCycles(items, byKey)) {
    const where = cycle.map((k) => `${k} (${formatPosition(byKey.get(k)!.position)})`).join(' → ');
    problems.push({
      position: byKey.get(cycle[0]!)!.position,
      message: `${account}.${adapter.collection}: depends_on forms a cycle: ${where} → ${cycle[0]}`,
    });
  }
}

/** Each elementary cycle found by a depth-first walk, reported once. */
function findCycles(items: readonly DesiredItem[], byKey: ReadonlyMap<string, DesiredItem>): string[][] {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (key: string) => {
    state.set(key, 'visiting');
    stack.push(key);
    for (const dep of byKey.get(key)?.dependsOn ?? []) {
      if (!byKey.has(dep)) continue;
      const s = state.get(dep);
      if (s === 'visiting') cycles.push(stack.slice(stack.indexOf(dep)));
      else if (s === undefined) visit(dep);
    }
    stack.pop();
    state.set(key, 'done');
  };
  for (const item of items) if (!state.has(item.key)) visit(item.key);
  return cycles;
}
