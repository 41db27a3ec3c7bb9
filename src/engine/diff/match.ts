// The diff's first stage: live, declared and recorded items matched into one row per identity —
// by key, by the vendor's fold (a change of case), by `renamed_from`, or by the vendor id the
// state file recorded. Pure; decides nothing about what to do with a row (that is classify's).

import type { Capabilities } from '../../vendors/adapter.js';
import type { DesiredItem, LiveItem, LiveRead, StateItem } from '../../model.js';
import { lookalike } from '../../vendors/normalise.js';
import { sameValue } from './fields.js';

/** How a row's live item was found. */
export type Via = 'key' | 'fold' | 'renamed_from' | 'id';

/**
 * One identity of the account. With `declared`: an item the configuration wants. With `recorded`
 * and no `declared`: an owned item that left the configuration. With only `live`: an item nobody
 * declared or owns (unmanaged).
 */
export interface Row {
  /** The key the row is planned under: the declared key, the owned key, or the live key. */
  key: string;
  declared?: DesiredItem;
  /** What the state file remembers under `key`. */
  recorded?: StateItem;
  /** The live item this row is, when one was found, and `via` how. */
  live?: LiveItem;
  via?: Via;
  /** For a rename: the owned key whose record the live item is, when it is not the live key (that record is replaced by this row's). */
  recordedKey?: string;
  /** An owned key no longer declared whose item the configuration declares under the key the vendor now gives it. */
  redeclared?: true;
  /** Found by id under another key: the item that now holds the declared key (not statusform's). */
  occupant?: LiveItem;
  /** A live item not taken as this one that the vendor counts as the same (its fold): not statusform's. */
  twin?: LiveItem;
  /** A live item not taken as this one that reads the same (normal form, invisible characters, kind of space). */
  lookalike?: LiveItem;
  /** The live item under the key is a shared, read-only one. */
  shared?: true;
  /**
   * For a vendor that refuses read-only items being declared (`readOnlyDeclared: 'refuse'`): the
   * read-only live item this declaration names (by key or by the vendor's fold). Never written.
   */
  readOnlyMatch?: LiveItem;
}

export interface MatchInput {
  declared: readonly DesiredItem[];
  live: LiveRead;
  owned: Readonly<Record<string, StateItem>>;
  caps: Capabilities;
  /** The vendor's looser identity of a key (`foldKey`), when it has one. */
  fold?: ((key: string) => string) | undefined;
  /** Key fields the vendor cannot change in place (`replaceOn`): an item differing in them is never renamed into another. */
  replaceOn?: readonly string[];
}

/**
 * Live items by key. Where the vendor lists the account's own item and a shared read-only one
 * under one key (a vendor's shared default beside the account's own copy), the own item is the
 * live one: the account already has it, whatever order the vendor lists them in.
 */
export function liveByKeyOf(items: readonly LiveItem[]): Map<string, LiveItem> {
  const byKey = new Map<string, LiveItem>();
  for (const l of items) {
    const seen = byKey.get(l.key);
    if (!seen || !l.readOnly || seen.readOnly) byKey.set(l.key, l);
  }
  return byKey;
}

/** Which live item each owned item is, when the vendor files it under another key than the state file's. */
export interface RecordedIdMatch {
  /** Owned key → its live item, found by the recorded vendor id under another key (renamed at the vendor). */
  moved: Map<string, LiveItem>;
  /** Live key → the owned key whose item it is (the inverse of `moved`). */
  owner: Map<string, string>;
  /**
   * Owned keys no longer declared whose item the vendor now files under a key the configuration
   * declares: that declared item is it (adopted under its new key), so the old record is dropped.
   */
  redeclared: Set<string>;
}

/**
 * Live items matched to the vendor ids the state file recorded. Identity is the vendor's id, so
 * an owned item renamed at the vendor is still that item, not one gone plus a stranger. Only a
 * listing (`read: 'list'`) can show an item under another key: item reads fetch each declared
 * key, and without a read API live state is the state file.
 */
export function matchRecordedIds(
  items: readonly LiveItem[],
  owned: Readonly<Record<string, StateItem>>,
  declared: ReadonlySet<string>,
  caps: Capabilities,
): RecordedIdMatch {
  const match: RecordedIdMatch = { moved: new Map(), owner: new Map(), redeclared: new Set() };
  if (caps.read !== 'list') return match;
  const byId = new Map<string, LiveItem>();
  for (const l of items) if (l.id !== null && !l.readOnly && !byId.has(String(l.id))) byId.set(String(l.id), l);
  for (const [key, recorded] of Object.entries(owned)) {
    if (recorded.id === null) continue;
    const l = byId.get(String(recorded.id));
    if (!l || l.key === key || match.owner.has(l.key)) continue;
    const there = owned[l.key];
    if (there && there.id !== null && String(there.id) === String(recorded.id)) continue; // recorded twice: the record at its key wins
    if (!declared.has(key) && declared.has(l.key)) {
      match.redeclared.add(key);
      continue;
    }
    match.moved.set(key, l);
    match.owner.set(l.key, key);
  }
  return match;
}

/** What matching looks items up by, and the live keys already taken by a row. */
interface Lookups {
  input: MatchInput;
  declared: Map<string, DesiredItem>;
  identity: RecordedIdMatch;
  liveByKey: Map<string, LiveItem>;
  /** Live items no declared key names, by the vendor's fold: the only ones that can be a case twin. */
  liveByFold: Map<string, LiveItem[]>;
  /** Live keys (and owned keys) a row has taken already. */
  taken: Set<string>;
  lookalikes(key: string): LiveItem[];
  declaredAs(folded: string): DesiredItem | undefined;
}

function lookups(input: MatchInput): Lookups {
  const { live, fold } = input;
  const declared = new Map(input.declared.map((d) => [d.key, d]));
  const liveByFold = new Map<string, LiveItem[]>();
  for (const l of fold ? live.items : []) {
    if (!declared.has(l.key)) liveByFold.set(fold!(l.key), [...(liveByFold.get(fold!(l.key)) ?? []), l]);
  }
  // What a reader sees of a key; the live items by it are built only when a row asks.
  const seen = (key: string) => (fold ? fold(lookalike(key)) : lookalike(key));
  let byLookalike: Map<string, LiveItem[]> | undefined;
  let byFold: Map<string, DesiredItem> | undefined;
  return {
    input,
    declared,
    identity: matchRecordedIds(live.items, input.owned, new Set(declared.keys()), input.caps),
    liveByKey: liveByKeyOf(live.items),
    liveByFold,
    taken: new Set(),
    lookalikes(key) {
      if (!byLookalike) {
        byLookalike = new Map();
        for (const l of live.items)
          if (!l.readOnly && !declared.has(l.key)) byLookalike.set(seen(l.key), [...(byLookalike.get(seen(l.key)) ?? []), l]);
      }
      return byLookalike.get(seen(key)) ?? [];
    },
    declaredAs: (folded) => (byFold ??= new Map(input.declared.map((d) => [fold!(d.key), d]))).get(folded),
  };
}

/** The live item at a key, unless the vendor id says it is another owned item (renamed at the vendor). */
function atKey(lk: Lookups, key: string): LiveItem | undefined {
  return lk.identity.owner.has(key) ? undefined : lk.liveByKey.get(key);
}

/**
 * Free to be taken as another declared item: not read-only, active — or inactive but statusform's
 * (it is reactivated under the new key, never created twice) — not taken by a row, not another
 * declared item (by key, or by the vendor id an owned declared key recorded for it).
 */
function free(lk: Lookups, x: LiveItem | undefined): x is LiveItem {
  if (x === undefined || x.readOnly || lk.taken.has(x.key) || lk.declared.has(x.key)) return false;
  if (!x.active && lk.input.owned[x.key] === undefined) return false;
  const o = lk.identity.owner.get(x.key);
  return !(o !== undefined && lk.declared.has(o));
}

/**
 * The live item a declared item not found under its key is renamed in place from: the item the
 * vendor counts as this one (a change of case), ahead of any `renamed_from` — renaming another
 * onto its label would collide. Only what statusform owns is renamed by fold: an unmanaged item
 * is never written to. A `renamed_from` key's item is found under that key or, when statusform
 * owns it, wherever the vendor files it now; one the vendor counts as another declared item is that item.
 */
function renameSource(lk: Lookups, d: DesiredItem, twin: LiveItem | undefined): { live: LiveItem; via: Via } | undefined {
  const { fold, owned, caps } = lk.input;
  if (!caps.renameInPlace) return undefined;
  const replaceable = (x: LiveItem) => (lk.input.replaceOn ?? []).every((f) => sameValue(x.fields[f], d.fields[f]));
  if (twin && (owned[twin.key] !== undefined || lk.identity.owner.has(twin.key)) && replaceable(twin)) return { live: twin, via: 'fold' };
  const source = (x: LiveItem | undefined): x is LiveItem =>
    free(lk, x) && replaceable(x) && !(fold && (lk.declaredAs(fold(x.key)) ?? d) !== d);
  const found = d.renamedFrom.map((k) => lk.identity.moved.get(k) ?? atKey(lk, k)).find(source);
  return found ? { live: found, via: 'renamed_from' } : undefined;
}

/** The row of one declared item. Takes what it matched, so later rows cannot take it again. */
function matchDeclared(lk: Lookups, d: DesiredItem): Row {
  const { fold, owned, caps } = lk.input;
  const base: Row = { key: d.key, declared: d, ...(owned[d.key] ? { recorded: owned[d.key] } : {}) };
  const l = atKey(lk, d.key);
  const moved = lk.identity.moved.get(d.key);
  // Renamed at the vendor (same id, another key): still this item. Its live key stays untaken:
  // if statusform owns that key too, that record is a row of its own.
  if (moved) return { ...base, live: moved, via: 'id', ...(l && !l.readOnly ? { occupant: l } : {}) };
  if (l && !l.readOnly) {
    lk.taken.add(d.key);
    return { ...base, live: l, via: 'key' };
  }
  if (caps.readOnlyDeclared === 'refuse') {
    const fixed = l?.readOnly ? l : fold ? lk.liveByFold.get(fold(d.key))?.find((x) => x.readOnly) : undefined;
    if (fixed) {
      lk.taken.add(d.key);
      return { ...base, readOnlyMatch: fixed };
    }
  }
  const twin = fold ? lk.liveByFold.get(fold(d.key))?.find((x) => free(lk, x)) : undefined;
  const renamed = renameSource(lk, d, twin);
  const row: Row = { ...base, ...(twin && twin !== renamed?.live ? { twin } : {}), ...(l?.readOnly ? { shared: true as const } : {}) };
  if (renamed) {
    lk.taken.add(renamed.live.key);
    const was = lk.identity.owner.get(renamed.live.key);
    if (was !== undefined) lk.taken.add(was); // its old record is this item: not pruned, replaced when the rename is recorded
    return { ...row, ...renamed, ...(was !== undefined && was !== renamed.live.key ? { recordedKey: was } : {}) };
  }
  const look = twin || !caps.create ? undefined : lk.lookalikes(d.key).find((x) => x.key !== d.key && free(lk, x));
  return look ? { ...row, lookalike: look } : row;
}

/** The rows of owned items the configuration no longer declares (and no declared row took). */
function matchOwned(lk: Lookups): Row[] {
  const rows: Row[] = [];
  for (const [key, recorded] of Object.entries(lk.input.owned)) {
    if (lk.declared.has(key) || lk.taken.has(key)) continue;
    lk.taken.add(key);
    if (lk.identity.redeclared.has(key)) {
      rows.push({ key, recorded, redeclared: true });
      continue;
    }
    // By the recorded id first: renamed at the vendor, it is still this item (acted on by id).
    const moved = lk.identity.moved.get(key);
    const l = moved ?? atKey(lk, key);
    rows.push(l ? { key, recorded, live: l, via: moved ? 'id' : 'key' } : { key, recorded });
  }
  return rows;
}

/**
 * Every identity of the account, in plan order: declared items (as declared), then owned items
 * that left the configuration (as recorded), then live items nobody declared or owns (as read).
 * Declared items the vendor could not read (`live.errors`) have no row.
 */
export function matchRows(input: MatchInput): Row[] {
  const lk = lookups(input);
  const erroneous = new Set(input.live.errors.map((e) => e.key));
  const rows = input.declared.filter((d) => !erroneous.has(d.key)).map((d) => matchDeclared(lk, d));
  rows.push(...matchOwned(lk));
  for (const l of input.live.items) {
    if (lk.taken.has(l.key) || lk.declared.has(l.key) || l.readOnly || lk.identity.owner.has(l.key)) continue;
    rows.push({ key: l.key, live: l, via: 'key' });
  }
  return rows;
}
