// The diff: desired items (config) against live items (vendor, or state file where there is no
// read API) and the state file's record of ownership → the actions and notes of one account.
// Pure: no I/O, no clock. Decides only from the adapter's declared capabilities.

import { createHash } from 'node:crypto';
import { canonicalJson } from '../digest.js';
import type { Capabilities, VendorAdapter } from '../vendors/adapter.js';
import type { AccountConfig, DesiredItem, FieldValue, Fields, LiveItem, LiveRead, StateItem } from '../model.js';
import { invisibleDifference, lookalike, showInvisible } from '../vendors/normalise.js';
import { address, phaseOf, type AccountPlan, type FieldChange, type PlanAction, type PlanNote } from './plan.js';

export interface DiffOptions {
  /** Re-send every declared item of vendors without a read API (their drift cannot be seen). */
  refreshAll?: boolean;
}

export interface AccountDiff {
  account: AccountPlan;
  actions: PlanAction[];
  notes: PlanNote[];
  errors: { address: string; message: string }[];
}

function sameValue(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    const x = Array.isArray(a) ? a : [];
    const y = Array.isArray(b) ? b : [];
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  return (a ?? null) === (b ?? null);
}

/** The declared fields whose live value differs. Fields the config does not declare are never compared. */
export function fieldChanges(desired: Fields, live: Fields): FieldChange[] {
  const out: FieldChange[] = [];
  for (const [field, after] of Object.entries(desired)) {
    const before = live[field];
    if (!sameValue(before, after)) out.push({ field, before, after });
  }
  return out;
}

/** Whether a live item is the one the state file recorded (an unknown recorded id matches any). */
function sameId(recorded: StateItem, live: LiveItem): boolean {
  return recorded.id === null || live.id === null || String(recorded.id) === String(live.id);
}

/**
 * Live items by key. Where the vendor lists the account's own item and a shared read-only one
 * under one key (TimeTap's own row beside the `businessId: null` default), the own item is the
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
 * The first stage of the diff: match live items to the vendor ids the state file recorded.
 * Identity is the vendor's id, so an owned item renamed at the vendor is still that item, not
 * one gone plus a stranger. Only a listing (`read: 'list'`) can show an item under another key:
 * item reads fetch each declared key, and without a read API live state is the state file.
 */
export function matchRecordedIds(items: readonly LiveItem[], owned: Readonly<Record<string, StateItem>>, declared: ReadonlySet<string>, caps: Capabilities): RecordedIdMatch {
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

/** Live and desired differ only because live moved away from what statusform last wrote. */
function isDrift(changes: FieldChange[], recorded: StateItem | undefined): boolean {
  if (!recorded) return false;
  return changes.every((c) => sameValue(recorded.fields[c.field], c.after));
}

export function diffAccount(account: AccountConfig, adapter: VendorAdapter, live: LiveRead, owned: Readonly<Record<string, StateItem>>, opts: DiffOptions = {}): AccountDiff {
  const caps: Capabilities = adapter.capabilities;
  const collection = adapter.collection;
  const addr = (key: string) => address(account.name, collection, key);
  const liveByKey = liveByKeyOf(live.items);
  const declared = new Map(account.items.map((d) => [d.key, d]));
  const identity = matchRecordedIds(live.items, owned, new Set(declared.keys()), caps);
  /** The live item at a key, unless the vendor id says it is another owned item (renamed at the vendor). */
  const atKey = (key: string) => (identity.owner.has(key) ? undefined : liveByKey.get(key));
  /** An owned key that declares the item a live one is, by recorded id (it will be renamed back to it). */
  const declaredOwner = (x: LiveItem) => {
    const o = identity.owner.get(x.key);
    return o !== undefined && declared.has(o);
  };
  // Live items by the vendor's looser identity (its foldKey), for changes of case: only those no
  // key matches exactly, since only those can be a case twin. Declared items by it, when asked.
  const fold = adapter.foldKey?.bind(adapter);
  const liveByFold = new Map<string, LiveItem[]>();
  for (const l of fold ? live.items : []) {
    if (declared.has(l.key)) continue;
    const same = liveByFold.get(fold!(l.key));
    if (same) same.push(l);
    else liveByFold.set(fold!(l.key), [l]);
  }
  // Live items by what a reader sees (lookalike: normal form, invisible characters, kind of space), built when a create asks.
  const seen = (key: string) => (fold ? fold(lookalike(key)) : lookalike(key));
  let liveByLookalike: Map<string, LiveItem[]> | undefined;
  const lookalikesOf = (key: string) => {
    if (!liveByLookalike) {
      liveByLookalike = new Map();
      for (const l of live.items) if (!l.readOnly && !declared.has(l.key)) liveByLookalike.set(seen(l.key), [...(liveByLookalike.get(seen(l.key)) ?? []), l]);
    }
    return liveByLookalike.get(seen(key)) ?? [];
  };
  let declaredByFold: Map<string, DesiredItem> | undefined;
  const declaredAs = (folded: string) => (declaredByFold ??= new Map(account.items.map((d) => [fold!(d.key), d]))).get(folded);
  const accounted = new Set<string>();
  const actions: PlanAction[] = [];
  const notes: PlanNote[] = [];
  const errors = live.errors.map((e) => ({ address: addr(e.key), message: e.message }));
  const erroneous = new Set(live.errors.map((e) => e.key));
  const adopt: AccountPlan['adopt'] = [];
  const forget: string[] = [];

  const push = (d: Omit<PlanAction, 'address' | 'account' | 'collection' | 'phase' | 'depends_on' | 'destructive'> & { destructive?: boolean }) => {
    actions.push({ ...d, address: addr(d.key), account: account.name, collection, depends_on: [], destructive: d.destructive ?? false, phase: phaseOf(d.action) });
  };

  for (const d of account.items) {
    if (erroneous.has(d.key)) continue;
    const l = atKey(d.key);
    const recorded = owned[d.key];
    const moved = identity.moved.get(d.key);
    if (moved) {
      // Renamed at the vendor (same id, another key): still this item, renamed back to the declared key.
      // (Its live key stays unaccounted: if statusform owns that key too, that record is dealt with on its own.)
      if (l && !l.readOnly) {
        notes.push({ address: addr(d.key), kind: 'warning', message: `another item (id ${String(l.id)}, not managed by statusform) now has this key; ${adapter.vendor} may refuse the rename back if it keeps keys unique` });
      }
      if (caps.renameInPlace) planExisting(d, moved, recorded, moved.key);
      else errors.push({ address: addr(d.key), message: `the item statusform made (id ${String(moved.id)}) is now ${JSON.stringify(moved.key)} at the vendor, and ${adapter.vendor} cannot change a key back: rename it back at the vendor, or declare ${JSON.stringify(moved.key)}` });
      continue;
    }
    if (l && !l.readOnly) {
      accounted.add(d.key);
      planExisting(d, l, recorded);
      continue;
    }
    if (caps.readOnlyDeclared === 'refuse') {
      const fixed = l?.readOnly ? l : fold ? liveByFold.get(fold(d.key))?.find((x) => x.readOnly) : undefined;
      if (fixed) {
        refuseReadOnly(d, fixed);
        continue;
      }
    }
    // Free to be renamed into this item: not read-only, active, not another declared item (by key,
    // or by the vendor id an owned declared key recorded for it).
    // An inactive item is free only when statusform owns it (it is reactivated under the new key, never created twice).
    const free = (x: LiveItem | undefined): x is LiveItem => x !== undefined && !x.readOnly && (x.active || owned[x.key] !== undefined) && !accounted.has(x.key) && !declared.has(x.key) && !declaredOwner(x);
    // Renamed in place: from a declared earlier key (renamed_from), or from a change of case.
    // The live item the vendor counts as this one (a change of case) is the item itself, ahead of
    // any renamed_from: renaming another onto its label would collide. Only what statusform owns
    // is renamed this way: an unmanaged item is never written to.
    const twin = fold ? liveByFold.get(fold(d.key))?.find(free) : undefined;
    // A rename source that the vendor counts as another declared item is that item, not a source.
    const source = (x: LiveItem | undefined): x is LiveItem => free(x) && !(fold && (declaredAs(fold(x.key)) ?? d) !== d);
    const ownedLive = (x: LiveItem) => owned[x.key] !== undefined || identity.owner.has(x.key);
    // An earlier key's item: under that key, or, when statusform owns it, wherever the vendor files it now.
    const sourceOf = (k: string) => identity.moved.get(k) ?? atKey(k);
    const renamed = caps.renameInPlace ? ((twin && ownedLive(twin) ? twin : undefined) ?? d.renamedFrom.map(sourceOf).find(source)) : undefined;
    if (twin && twin !== renamed && (renamed || caps.create)) {
      notes.push({ address: addr(d.key), kind: 'warning', message: `${adapter.vendor} already has "${twin.key}" (not managed by statusform), which it counts as the same, so it will likely refuse this ${renamed ? 'rename' : 'create'}; to adopt it instead, declare it exactly as the vendor spells it` });
    }
    if (renamed) {
      accounted.add(renamed.key);
      const was = identity.owner.get(renamed.key);
      if (was !== undefined) accounted.add(was); // its old record is this item: not pruned, replaced when the rename is recorded
      const changes = fieldChanges(d.fields, renamed.fields);
      push({ key: d.key, action: renamed.active ? 'update' : 'reactivate', from_key: renamed.key, id: renamed.id, before: renamed.fields, after: d.fields, changes, reason: 'config' });
    } else if (recorded && caps.hidesInactive && recorded.id !== null) {
      // Hidden because inactive (the vendor shows only active rows): bring the remembered row back.
      push({ key: d.key, action: 'reactivate', id: recorded.id, before: recorded.fields, after: d.fields, changes: fieldChanges(d.fields, recorded.fields), reason: recorded.active ? 'drift' : 'config' });
    } else if (!caps.create) {
      errors.push({ address: addr(d.key), message: `not found at the vendor` });
    } else {
      push({ key: d.key, action: 'create', id: null, before: null, after: d.fields, changes: [], reason: recorded ? 'drift' : 'config' });
      const look = twin ? undefined : lookalikesOf(d.key).find((x) => x.key !== d.key && free(x));
      if (look) {
        notes.push({ address: addr(d.key), kind: 'warning', message: `${adapter.vendor} already has ${showInvisible(JSON.stringify(look.key))} (not managed by statusform), which differs from this only by ${invisibleDifference(look.key, d.key)}: this creates a second one that looks the same; to adopt it instead, declare it exactly as the vendor spells it` });
      }
      if (recorded && !liveByKey.get(d.key)?.readOnly) notes.push({ address: addr(d.key), kind: 'gone', message: 'owned item is missing at the vendor (removed outside statusform); it will be created again' });
    }
  }

  /** A declared item that is a read-only live one: nothing to do when it matches, else a plan error (it is never written). */
  function refuseReadOnly(d: DesiredItem, fixed: LiveItem) {
    accounted.add(d.key);
    const changes = fieldChanges(d.fields, fixed.fields);
    if (changes.length === 0 && fixed.active && fixed.key === d.key) return;
    const what = [...changes.map((c) => `${c.field} ${JSON.stringify(c.before ?? null)} → ${JSON.stringify(c.after)}`), ...(fixed.active ? [] : ['reactivation']), ...(fixed.key === d.key ? [] : [`key ${JSON.stringify(fixed.key)} → ${JSON.stringify(d.key)}`])];
    errors.push({
      address: addr(d.key),
      message: `${showInvisible(JSON.stringify(fixed.key))} (id ${String(fixed.id)}) is ${fixed.readOnlyReason ?? 'read-only at the vendor'}, which statusform never writes, and this declaration would change it (${what.join('; ')}): remove it from the configuration, or give the item another key`,
    });
  }

  /** `fromKey`: the key the vendor files the item under now, when it is not the declared one (renamed at the vendor). */
  function planExisting(d: DesiredItem, l: LiveItem, recorded: StateItem | undefined, fromKey?: string) {
    const changes = fieldChanges(d.fields, l.fields);
    const rename = fromKey === undefined ? {} : { from_key: fromKey };
    if (caps.transitions) {
      const path = changes.length > 0 && adapter.transitionPath ? adapter.transitionPath(l.fields, d.fields, account) : [];
      if (path.length > 0) {
        const after = { ...l.fields, ...d.fields, status: path[path.length - 1]! };
        push({ key: d.key, action: 'transition', id: l.id, before: l.fields, after, changes: fieldChanges(after, l.fields), path, reason: isDrift(changes, recorded) ? 'drift' : 'config' });
      } else if (!recorded || recorded.imported) {
        adopt.push({ key: d.key, id: l.id, fields: d.fields });
      }
      return;
    }
    if (!l.active) {
      push({ key: d.key, action: 'reactivate', ...rename, id: l.id, before: l.fields, after: d.fields, changes, reason: recorded?.active === false ? 'config' : 'drift' });
    } else if (changes.length > 0 || fromKey !== undefined) {
      push({ key: d.key, action: 'update', ...rename, id: l.id, before: l.fields, after: d.fields, changes, reason: isDrift(changes, recorded) ? 'drift' : 'config' });
    } else if (opts.refreshAll && caps.read === 'none') {
      push({ key: d.key, action: 'update', id: l.id, before: l.fields, after: d.fields, changes: [], reason: 'refresh' });
    } else if (!recorded || recorded.imported || !sameId(recorded, l)) {
      adopt.push({ key: d.key, id: l.id, fields: d.fields });
    }
  }

  // Owned items that left the config.
  const removals: string[] = [];
  for (const [key, recorded] of Object.entries(owned)) {
    if (declared.has(key) || accounted.has(key)) continue;
    accounted.add(key);
    if (identity.redeclared.has(key)) {
      forget.push(key); // the config declares it under the key the vendor now gives it: adopted as that
      continue;
    }
    // By the recorded id first: renamed at the vendor, it is still this item (acted on by id).
    const moved = identity.moved.get(key);
    const l = moved ?? atKey(key);
    const rename = moved ? { from_key: moved.key } : {};
    const now = moved ? ` (renamed at the vendor to ${JSON.stringify(moved.key)})` : '';
    if (!l) {
      // Where inactive rows are hidden, absence means inactive: keep remembering the id to reactivate it later.
      if (caps.hidesInactive) continue;
      forget.push(key);
      // Read one by one, an item the config no longer names was simply not read: nothing to say.
      if (recorded.active && caps.read !== 'item') notes.push({ address: addr(key), kind: 'gone', message: 'owned item no longer exists at the vendor; it will be dropped from the state file' });
      continue;
    }
    if (!l.active) continue;
    if (!sameId(recorded, l)) {
      // Same key, another vendor id: the item statusform made is gone, and this one is not statusform's.
      forget.push(key);
      notes.push({ address: addr(key), kind: 'gone', message: `the item statusform made (id ${String(recorded.id)}) is gone; the one now at this key (id ${String(l.id)}) is not statusform's and is left untouched` });
      continue;
    }
    if (l.readOnly) {
      // Ours once, read-only now (made a vendor default since): never written, so never pruned.
      notes.push({ address: addr(key), kind: 'orphan', message: `no longer in the configuration${now}, but ${l.readOnlyReason ?? 'read-only at the vendor'}: left untouched` });
      continue;
    }
    if (recorded.imported) {
      notes.push({ address: addr(key), kind: 'orphan', message: `imported, and not declared in the configuration since${now}: left untouched (declare it, or apply once while it is declared, and prune can remove it later)` });
      continue;
    }
    if (!account.prune) {
      notes.push({ address: addr(key), kind: 'orphan', message: `no longer in the configuration${now}; kept because prune is off` });
      continue;
    }
    if (caps.softDelete) {
      push({ key, action: 'deactivate', ...rename, id: l.id, before: l.fields, after: l.fields, changes: [], reason: 'config', destructive: true });
    } else if (caps.hardDelete) {
      push({
        key,
        action: 'delete',
        ...rename,
        id: l.id,
        before: l.fields,
        after: null,
        changes: [],
        reason: 'config',
        destructive: true,
        ...(account.allowDelete ? {} : { blocked: 'a hard delete needs allow_delete: true on the account (and --allow-destroy on apply)' }),
      });
    } else {
      notes.push({ address: addr(key), kind: 'orphan', message: `no longer in the configuration${now}; ${adapter.vendor} cannot remove it` });
    }
    removals.push(key);
  }

  // Live items nobody declared or owns.
  for (const l of live.items) {
    if (accounted.has(l.key) || declared.has(l.key) || l.readOnly || identity.owner.has(l.key)) continue;
    notes.push({ address: addr(l.key), kind: 'unmanaged', message: 'exists at the vendor but is not managed by statusform; left untouched' });
  }

  // A removal next to a create of a similar key is most likely a rename the config did not declare.
  if (adapter.renameHint) {
    const creates = actions.filter((a) => a.action === 'create');
    const orphans = [...removals, ...notes.filter((n) => n.kind === 'orphan').map((n) => keyOf(n.address))];
    for (const gone of orphans) {
      for (const c of creates) {
        const hint = adapter.renameHint(gone, c.key);
        if (hint) {
          notes.push({ address: c.address, kind: 'possible_rename', message: hint });
          break;
        }
      }
    }
  }

  if (caps.uniqueField) stageUniqueUpdates(actions, live.items, account.items, caps.uniqueField);
  for (const w of live.warnings) notes.push({ address: `${account.name}.${collection}`, kind: 'warning', message: w });
  linkDependencies(actions, account.items, live.items, owned, addr);

  return {
    account: {
      name: account.name,
      vendor: adapter.vendor,
      collection,
      read: caps.read,
      live_digest: liveDigest(live.items),
      adopt,
      forget,
      owned: Object.values(owned).filter((o) => o.active).length,
      safety: account.safety,
    },
    actions,
    notes,
    errors,
  };

  function keyOf(a: string): string {
    return JSON.parse(a.slice(a.indexOf('[') + 1, -1)) as string;
  }
}

/**
 * Edges of the dependency graph: a create or reactivation waits for those of what it depends on;
 * a deactivation or delete waits for those of its dependents (the reverse order).
 */
function linkDependencies(actions: PlanAction[], desired: readonly DesiredItem[], live: readonly LiveItem[], owned: Readonly<Record<string, StateItem>>, addr: (k: string) => string): void {
  const byKey = new Map(actions.map((a) => [a.key, a]));
  const dependsOn = new Map<string, string[]>();
  for (const [k, s] of Object.entries(owned)) if (s.dependsOn) dependsOn.set(k, s.dependsOn);
  for (const l of live) if (l.dependsOn) dependsOn.set(l.key, l.dependsOn);
  for (const d of desired) dependsOn.set(d.key, d.dependsOn);

  const byAddress = new Map(actions.map((a) => [a.address, a]));
  /** Whether `from` already waits, directly or not, for `to`. */
  const waits = (from: PlanAction, to: string, seen = new Set<string>()): boolean =>
    from.depends_on.some((d) => d === to || (!seen.has(d) && (seen.add(d), byAddress.has(d)) && waits(byAddress.get(d)!, to, seen)));
  // An edge that would close a cycle is left out: remembered dependencies (state, live) can
  // disagree with declared ones, and a cycle would leave its actions waiting for ever.
  const link = (a: PlanAction, target: string) => {
    const t = byAddress.get(target);
    if (t && !a.depends_on.includes(target) && !waits(t, a.address)) a.depends_on.push(target);
  };
  for (const a of actions) {
    if (a.phase === 1) {
      for (const dep of dependsOn.get(a.key) ?? []) {
        const target = byKey.get(dep);
        if (target && target.phase === 1) link(a, target.address);
      }
    } else if (a.phase === 3) {
      for (const [dependent, deps] of dependsOn) {
        const other = byKey.get(dependent);
        if (other && other.phase === 3 && deps.includes(a.key)) link(a, addr(dependent));
      }
    }
  }
}

/**
 * Gives every update whose new value of `field` another active item still holds a `via`: a
 * temporary value above every value in play. The executor writes all `via`s first, then the
 * final values, so a reorder (even a swap) never has two items share a value.
 */
function stageUniqueUpdates(actions: PlanAction[], live: readonly LiveItem[], desired: readonly DesiredItem[], field: string): void {
  // Every value in play: live, declared, and what the actions bring back (a reactivated row hidden from the read keeps its value).
  const numbers = [...live.map((l) => l.fields[field]), ...desired.map((d) => d.fields[field]), ...actions.flatMap((a) => [a.before?.[field], a.after?.[field]])].filter(
    (v): v is number => typeof v === 'number',
  );
  let spare = Math.max(0, ...numbers) + 1;
  // Creates that leave the field to us take the first free values, before any temporary one.
  for (const a of actions) {
    if (a.action === 'create' && a.after && a.after[field] === undefined) a.after = { ...a.after, [field]: spare++ };
  }
  for (const a of actions) {
    if (a.action !== 'update' || !a.changes.some((c) => c.field === field)) continue;
    const target = a.after?.[field];
    const taken = live.some((l) => l.active && !l.readOnly && l.key !== (a.from_key ?? a.key) && l.fields[field] === target);
    if (taken) a.via = { ...a.before, ...a.after, [field]: spare++ };
  }
}

/** Digest of live state, order-independent; hashed item by item so a large account costs no giant string. */
export function liveDigest(items: readonly LiveItem[]): string {
  const hash = createHash('sha256');
  for (const item of [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) hash.update(canonicalJson(item)).update('\n');
  return `sha256:${hash.digest('hex')}`;
}
