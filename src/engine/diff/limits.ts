// The vendor's count limits (`limits`) over an account's classified rows: how many items each
// limit's groups would hold after the plan, and which planned changes would take a count past it —
// those become their rows' errors, with no action. Pure.

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

/** A planned change that adds an item to a group's count: its row's place, and the group. */
interface Addition {
  at: number;
  group: string;
}

/** The group an item counts in: the value of the limit's field, or the whole account. */
function groupOf(limit: CountLimit, fields: Fields | null | undefined): string {
  return limit.per ? String(fields?.[limit.per.field] ?? '') : '';
}

/** The group a planned change leaves its item counted in; undefined when the item no longer counts. */
function groupAfter(limit: CountLimit, a: ActionDraft): string | undefined {
  if (a.action === 'delete') return undefined;
  if (a.action === 'deactivate') return limit.counts === 'listed' ? groupOf(limit, a.before) : undefined;
  return groupOf(limit, a.after);
}

/**
 * The counts the plan leaves without its additions (every live item as it will be), and the
 * additions: creates, and changes that bring an item into a group it was not counted in.
 */
function tally(limit: CountLimit, judged: Judged, live: readonly LiveItem[]): { base: Map<string, number>; added: Addition[] } {
  const base = new Map<string, number>();
  const bump = (group: string, n: number) => base.set(group, (base.get(group) ?? 0) + n);
  const counted = (l: LiveItem) => limit.counts === 'listed' || l.active;
  for (const l of live) if (counted(l)) bump(groupOf(limit, l.fields), 1);
  const added: Addition[] = [];
  const acted = new Set<LiveItem>();
  judged.forEach(([row, v], at) => {
    if (!v.action) return;
    const l = row.live && !acted.has(row.live) ? row.live : undefined;
    if (l) acted.add(l);
    const was = l && counted(l) ? groupOf(limit, l.fields) : undefined;
    if (was !== undefined) bump(was, -1);
    const now = groupAfter(limit, v.action);
    if (now === undefined) return;
    if (now === was) bump(now, 1);
    else added.push({ at, group: now });
  });
  return { base, added };
}

function overMessage(limit: CountLimit, a: ActionDraft, total: number, group: string, words: LimitWords): string {
  const doing = a.action === 'create' ? 'creating it' : a.action === 'reactivate' ? 'reactivating it' : 'this change';
  const what = limit.counts === 'active' ? `active ${words.items}` : words.items;
  const where = limit.per ? ` in the ${group} ${limit.per.name}` : '';
  const also = limit.counts === 'listed' ? ' (inactive ones count too)' : '';
  const per = limit.per?.name ?? 'account';
  return `${doing} would make ${total} ${what}${where} at ${words.vendor}${also}; the limit is ${limit.max} per ${per}`;
}

/** The messages of one limit, by row place: for the last additions to each group it would pass. */
function overLimit(limit: CountLimit, judged: Judged, live: readonly LiveItem[], words: LimitWords): Map<number, string> {
  const { base, added } = tally(limit, judged, live);
  const over = new Map<number, string>();
  for (const group of new Set(added.map((a) => a.group))) {
    const mine = added.filter((a) => a.group === group);
    const total = (base.get(group) ?? 0) + mine.length;
    const excess = Math.min(total - limit.max, mine.length);
    if (excess <= 0) continue;
    for (const a of mine.slice(mine.length - excess)) over.set(a.at, overMessage(limit, judged[a.at]![1].action!, total, group, words));
  }
  return over;
}

/** The rows whose planned change would pass one of the limits, made errors of theirs with no action. */
export function enforceLimits(judged: Judged, live: readonly LiveItem[], limits: readonly CountLimit[], words: LimitWords): Judged {
  const messages = new Map<number, string[]>();
  for (const limit of limits) {
    for (const [at, message] of overLimit(limit, judged, live, words)) messages.set(at, [...(messages.get(at) ?? []), message]);
  }
  if (messages.size === 0) return judged;
  return judged.map(([row, v], at) => {
    const m = messages.get(at);
    return m ? ([row, { notes: v.notes, error: m.join('; and ') }] as const) : ([row, v] as const);
  });
}
