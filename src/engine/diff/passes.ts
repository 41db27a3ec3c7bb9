// The diff's last stages, over the classified actions of one account: rename hints (a removal
// beside a similar create), staging of unique-field updates through free values, and the
// dependency links that order the executor. Pure: each returns new actions or notes.

import type { DesiredItem, Fields, LiveItem, StateItem } from '../../model.js';
import type { PlanAction, PlanNote } from '../plan.js';
import { sameValue } from './fields.js';

/** An item by its key and fields, as the rename hints compare them. */
export interface KeyedItem {
  key: string;
  fields: Fields;
}

/** What makes a key, as the adapter declares it (`foldKey`, `keyFields`, `replaceOn`). */
export interface KeyShape {
  /** The vendor's looser identity of a key (or of one key field's value). */
  fold?: ((key: string) => string) | undefined;
  keyFields: readonly string[];
  replaceOn: readonly string[];
  /** The config's items take `renamed_from` (the adapter's `acceptsRenamedFrom`). */
  renamedFrom?: boolean;
}

/**
 * The part of a key a rename changes: the one key field the vendor can change in place, for keys
 * of several fields (a label beside a type), else the whole key. It is also what `renamed_from` names.
 */
function renamablePart(item: KeyedItem, shape: KeyShape): string {
  const free = shape.keyFields.filter((f) => !shape.replaceOn.includes(f));
  return free.length === 1 && typeof item.fields[free[0]!] === 'string' ? (item.fields[free[0]!] as string) : item.key;
}

/** Levenshtein distance, bounded: stops counting once it is over `max`. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    if (Math.min(...row) > max) return max + 1;
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * Whether two labels look like one edited: one contains the other ("Pending" → "Pending review"),
 * or a few characters changed (at most a quarter of the longer, at least one: "Follow-up" →
 * "Follow up"). Compared without case, runs of space, `_` and `-` counting as one space.
 */
function similarLabels(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .toLowerCase()
      .replace(/[\s_-]+/g, ' ')
      .trim();
  const x = norm(a);
  const y = norm(b);
  if (x === y) return x.length > 0;
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  if (short.length >= 3 && long.includes(short)) return true;
  if (long.length < 4) return false;
  const max = Math.max(1, Math.floor(long.length / 4));
  return editDistance(x, y, max) <= max;
}

/**
 * How a create relates to an item leaving the configuration: its key folds alike (most likely a
 * rename the config did not declare), or only key fields the vendor cannot change in place differ
 * (a replacement: a new item beside the old one); undefined when unrelated.
 */
export function relation(
  gone: KeyedItem,
  created: KeyedItem,
  shape: KeyShape,
): { kind: 'rename' } | { kind: 'similar' } | { kind: 'replace'; fields: string[] } | undefined {
  const fold = shape.fold ?? ((k: string) => k);
  if (shape.fold && fold(gone.key) === fold(created.key)) return { kind: 'rename' };
  const fields = shape.replaceOn.filter((f) => !sameValue(gone.fields[f], created.fields[f]));
  const kept = shape.keyFields.filter((f) => !shape.replaceOn.includes(f));
  const same = (f: string) => fold(String(gone.fields[f] ?? '')) === fold(String(created.fields[f] ?? ''));
  if (fields.length > 0) return kept.every(same) ? { kind: 'replace', fields } : undefined;
  // Same fields that force a replacement: an edited label is most likely a rename the config did not declare.
  return similarLabels(renamablePart(gone, shape), renamablePart(created, shape)) ? { kind: 'similar' } : undefined;
}

/**
 * The note a create gets beside a related item leaving the configuration. `removal` says how the
 * old one can go (e.g. "with prune, allow_delete and --allow-destroy").
 */
export function relationNote(gone: KeyedItem, created: KeyedItem, shape: KeyShape, vendor: string, removal: string): string | undefined {
  const r = relation(gone, created, shape);
  if (!r) return undefined;
  if (r.kind === 'rename' || r.kind === 'similar') {
    // Without renamed_from in the config, only a change the fold hides is worth a word (the vendor may refuse it).
    if (!shape.renamedFrom)
      return r.kind === 'rename' ? `looks like a rename of "${gone.key}": ${vendor} counts both keys as one item` : undefined;
    const yaml = `renamed_from: [${JSON.stringify(renamablePart(gone, shape))}]`;
    return (
      `looks like a rename of "${gone.key}": did you mean \`${yaml}\`? It renames the item in place, ` +
      `keeping the vendor's identity; without it, this creates a new item and the old one goes only ${removal}`
    );
  }
  const what = r.fields.join(' and ');
  return (
    `looks like a ${what} change of "${gone.key}": ${vendor} cannot change an item's ` +
    `${r.fields.join(' or ')}, so this creates a new one; the old one goes only ${removal}`
  );
}

/**
 * A removal next to a create of a similar key is most likely a rename the config did not
 * declare, or a change the vendor can only make by replacement: a note on the create, from the
 * first item leaving (`gone`, removed then orphaned) that relates to it.
 */
export function renameHints(
  gone: readonly KeyedItem[],
  actions: readonly PlanAction[],
  hint: (gone: KeyedItem, created: KeyedItem) => string | undefined,
): PlanNote[] {
  const creates = actions.filter((a) => a.action === 'create');
  const notes: PlanNote[] = [];
  const hinted = new Set<string>();
  for (const g of gone) {
    for (const c of creates) {
      if (hinted.has(c.address)) continue;
      const message = hint(g, { key: c.key, fields: c.after ?? {} });
      if (message) {
        notes.push({ address: c.address, kind: 'possible_rename', message });
        hinted.add(c.address);
        break;
      }
    }
  }
  return notes;
}

/**
 * Gives every update whose new value of `field` another active item still holds a `via`: a
 * temporary value above every value in play. The executor writes all `via`s first, then the
 * final values, so a reorder (even a swap) never has two items share a value. Creates that leave
 * the field to us take the first free values, before any temporary one.
 */
export function stageUniqueUpdates(
  actions: readonly PlanAction[],
  live: readonly LiveItem[],
  desired: readonly DesiredItem[],
  field: string,
): PlanAction[] {
  // Every value in play: live, declared, and what the actions bring back (a reactivated row hidden from the read keeps its value).
  const numbers = [
    ...live.map((l) => l.fields[field]),
    ...desired.map((d) => d.fields[field]),
    ...actions.flatMap((a) => [a.before?.[field], a.after?.[field]]),
  ].filter((v): v is number => typeof v === 'number');
  let spare = Math.max(0, ...numbers) + 1;
  const filled = actions.map((a) =>
    a.action === 'create' && a.after && a.after[field] === undefined ? { ...a, after: { ...a.after, [field]: spare++ } } : a,
  );
  return filled.map((a) => {
    if (a.action !== 'update' || !a.changes.some((c) => c.field === field)) return a;
    const target = a.after?.[field];
    const taken = live.some((l) => l.active && !l.readOnly && l.key !== (a.from_key ?? a.key) && l.fields[field] === target);
    return taken ? { ...a, via: { ...a.before, ...a.after, [field]: spare++ } } : a;
  });
}

/** What each key depends on: remembered (state file), then read (live), then declared — the later wins. */
function dependencies(
  desired: readonly DesiredItem[],
  live: readonly LiveItem[],
  owned: Readonly<Record<string, StateItem>>,
): Map<string, string[]> {
  const dependsOn = new Map<string, string[]>();
  for (const [k, s] of Object.entries(owned)) if (s.dependsOn) dependsOn.set(k, s.dependsOn);
  for (const l of live) if (l.dependsOn) dependsOn.set(l.key, l.dependsOn);
  for (const d of desired) dependsOn.set(d.key, d.dependsOn);
  return dependsOn;
}

/**
 * Edges of the dependency graph: a create or reactivation waits for those of what it depends on;
 * a deactivation or delete waits for those of its dependents (the reverse order). An edge that
 * would close a cycle is left out: remembered dependencies (state, live) can disagree with
 * declared ones, and a cycle would leave its actions waiting for ever.
 */
export function linkDependencies(
  actions: readonly PlanAction[],
  desired: readonly DesiredItem[],
  live: readonly LiveItem[],
  owned: Readonly<Record<string, StateItem>>,
): PlanAction[] {
  const linked = actions.map((a) => ({ ...a, depends_on: [...a.depends_on] }));
  const byKey = new Map(linked.map((a) => [a.key, a]));
  const byAddress = new Map(linked.map((a) => [a.address, a]));
  const dependsOn = dependencies(desired, live, owned);
  /** Whether `from` already waits, directly or not, for `to`. */
  const waits = (from: PlanAction, to: string, seen = new Set<string>()): boolean =>
    from.depends_on.some((d) => {
      if (d === to) return true;
      if (seen.has(d)) return false;
      seen.add(d);
      return byAddress.has(d) && waits(byAddress.get(d)!, to, seen);
    });
  const link = (a: PlanAction, t: PlanAction | undefined, phase: 1 | 3) => {
    if (t && t.phase === phase && !a.depends_on.includes(t.address) && !waits(t, a.address)) a.depends_on.push(t.address);
  };
  for (const a of linked) {
    if (a.phase === 1) for (const dep of dependsOn.get(a.key) ?? []) link(a, byKey.get(dep), 1);
    if (a.phase === 3) for (const [dependent, deps] of dependsOn) if (deps.includes(a.key)) link(a, byKey.get(dependent), 3);
  }
  return linked;
}
