// The vendor's count limits (`limits`) over an account's classified rows. Apply runs creates and
// reactivations first, updates next, deactivations and deletes last, so a limit is checked at its
// peak: every item counted now still counts while the plan's additions are made. Additions are
// taken in plan order; one that would pass any limit becomes its row's error, with no action, and
// is not counted against the others. Pure.

import type { CountLimit } from '../../vendors/adapter.js';
import type { Fields, LiveItem } from '../../model.js';
import type { ActionDraft, Verdict } from './classify.js';
import type { Row } from './match.js';

export type Judged = readonly (readonly [Row, Verdict])[];

/** How messages name the vendor and its items ("Zendesk", "statuses"). */
export interface LimitWords {
  vendor: string;
  items: string;
}

/** One limit's running counts, by group, and how many of each group's items the plan removes (last). */
interface Count {
  limit: CountLimit;
  counts: Map<string, number>;
  leaving: Map<string, number>;
}

/** The group an item counts in: the value of the limit's field, or the whole account. */
function groupOf(limit: CountLimit, fields: Fields | null | undefined): string {
  return limit.per ? String(fields?.[limit.per.field] ?? '') : '';
}

function counted(limit: CountLimit, l: LiveItem): boolean {
  return limit.counts === 'listed' || l.active;
}

/** The group a planned change leaves its item counted in; undefined when the item no longer counts. */
function groupAfter(limit: CountLimit, a: ActionDraft): string | undefined {
  if (a.action === 'delete') return undefined;
  if (a.action === 'deactivate') return limit.counts === 'listed' ? groupOf(limit, a.before) : undefined;
  // An update's `after` holds the declared fields only: what it does not declare stays as it was.
  return groupOf(limit, { ...(a.before ?? {}), ...(a.after ?? {}) });
}

function bump(map: Map<string, number>, group: string): void {
  map.set(group, (map.get(group) ?? 0) + 1);
}

/** What each limit counts before the plan, and what the plan takes out of each group at its end. */
function countsBefore(limits: readonly CountLimit[], judged: Judged, live: readonly LiveItem[]): Count[] {
  return limits.map((limit) => {
    const c: Count = { limit, counts: new Map(), leaving: new Map() };
    for (const l of live) if (counted(limit, l)) bump(c.counts, groupOf(limit, l.fields));
    for (const [row, v] of judged) {
      if (!v.action || !row.live || !counted(limit, row.live)) continue;
      const was = groupOf(limit, row.live.fields);
      if (groupAfter(limit, v.action) !== was) bump(c.leaving, was);
    }
    return c;
  });
}

/** The group a row's change adds an item to, for one limit; undefined when it adds none. */
function addedTo(limit: CountLimit, row: Row, a: ActionDraft): string | undefined {
  const now = groupAfter(limit, a);
  if (now === undefined) return undefined;
  const was = row.live && counted(limit, row.live) ? groupOf(limit, row.live.fields) : undefined;
  return now === was ? undefined : now;
}

function overMessage(c: Count, a: ActionDraft, group: string, words: LimitWords): string {
  const { limit } = c;
  const doing = a.action === 'create' ? 'creating it' : a.action === 'reactivate' ? 'reactivating it' : 'this change';
  const what = limit.counts === 'active' ? `active ${words.items}` : words.items;
  const where = limit.per ? ` in the ${group} ${limit.per.name}` : '';
  const also = limit.counts === 'listed' ? ' (inactive ones count too)' : '';
  const per = limit.per?.name ?? 'account';
  const leaving = c.leaving.get(group) ?? 0;
  const first = leaving > 0 ? `; the plan's ${leaving} removal(s) there run after its additions: apply them first (--target)` : '';
  const total = (c.counts.get(group) ?? 0) + 1;
  return `${doing} would make ${total} ${what}${where} at ${words.vendor}${also}; the limit is ${limit.max} per ${per}${first}`;
}

/** The rows whose planned change would pass one of the limits, made errors of theirs with no action. */
export function enforceLimits(judged: Judged, live: readonly LiveItem[], limits: readonly CountLimit[], words: LimitWords): Judged {
  if (limits.length === 0) return judged;
  const counts = countsBefore(limits, judged, live);
  return judged.map(([row, v]) => {
    const a = v.action;
    if (!a) return [row, v] as const;
    const adds = counts.flatMap((c) => {
      const group = addedTo(c.limit, row, a);
      return group === undefined ? [] : [{ c, group }];
    });
    const over = adds.filter(({ c, group }) => (c.counts.get(group) ?? 0) + 1 > c.limit.max);
    if (over.length === 0) {
      for (const { c, group } of adds) bump(c.counts, group);
      return [row, v] as const;
    }
    return [row, { notes: v.notes, error: over.map(({ c, group }) => overMessage(c, a, group, words)).join('; and ') }] as const;
  });
}
