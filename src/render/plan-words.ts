// The words both plan renderers (text and markdown) share: which fields a removal shows and how
// wide their names are, a targeted plan's line, the counts, the adopt-only line, notes grouped and
// named, a rate-limit share. Every value from a vendor or the config goes through inertText.

import { accountOf, type Plan, type PlanAction, type PlanNote, type PlanSummary, type RateShare } from '../engine/plan.js';
import { inertText } from '../inert.js';
import type { FieldValue } from '../model.js';

/** A removed item's fields worth showing: an empty text or list, or no value, says nothing about what goes. */
export function shownBefore(a: PlanAction): [string, FieldValue][] {
  return Object.entries(a.before ?? {}).filter(([, v]) => v !== null && v !== '' && !(Array.isArray(v) && v.length === 0)) as [
    string,
    FieldValue,
  ][];
}

/** The width field names are padded to: of the fields an action's lines show. */
export function fieldWidth(a: PlanAction): number {
  const shown = a.after ? Object.keys(a.after) : shownBefore(a).map(([k]) => k);
  return Math.max(0, ...[...shown, ...a.changes.map((ch) => ch.field)].map((k) => k.length));
}

/** A targeted plan says so first: it leaves out every change its targets do not need. */
export function targetedLine(plan: Plan): string | undefined {
  const t = plan.options.targets;
  if (!t || t.length === 0) return undefined;
  return (
    `Targeted: only ${inertText(t.join(', '))} and what ${t.length === 1 ? 'it depends' : 'they depend'} on. ` +
    'Other changes are left out of this plan; a plan without --target shows them.'
  );
}

/**
 * The counts of a plan: "3 to create, 2 to update, 1 to deactivate, 0 to delete, 4 ticket transitions".
 * Create, update and delete are always counted (a reviewer looks for them); the others only when there are some.
 */
export function countsText(s: PlanSummary): string {
  const parts = [`${s.create} to create`, `${s.update} to update`];
  if (s.reactivate > 0) parts.push(`${s.reactivate} to reactivate`);
  if (s.deactivate > 0) parts.push(`${s.deactivate} to deactivate`);
  parts.push(`${s.delete} to delete`);
  if (s.transition > 0) parts.push(`${s.transition} ticket transition${s.transition === 1 ? '' : 's'}`);
  if (s.adopt > 0) parts.push(`${s.adopt} to adopt`);
  return parts.join(', ');
}

export function summaryLine(s: PlanSummary): string {
  return `Plan: ${countsText(s)}.`;
}

/** A plan without changes that still adopts: "2 declared items found at the vendor as declared will be adopted …". */
export function adoptOnlyLine(s: PlanSummary): string {
  return (
    `${s.adopt} to adopt: ${s.adopt === 1 ? 'a declared item was' : 'declared items were'} found at the vendor as declared; ` +
    `apply records ${s.adopt === 1 ? 'it' : 'them'} as owned in the state file, writing nothing at the vendor.`
  );
}

/** The notes that would repeat on every run, one per live item nobody manages, apart from those that matter (shown one by one). */
export function splitNotes(notes: readonly PlanNote[]): { individual: PlanNote[]; unmanaged: Map<string, PlanNote[]> } {
  const unmanaged = new Map<string, PlanNote[]>();
  const individual: PlanNote[] = [];
  for (const n of notes) {
    if (n.kind !== 'unmanaged') individual.push(n);
    else unmanaged.set(accountOf(n.address), [...(unmanaged.get(accountOf(n.address)) ?? []), n]);
  }
  return { individual, unmanaged };
}

/** "estate: 12 items at the vendor are not managed by statusform". */
export function unmanagedLine(account: string, count: number): string {
  return `${account}: ${count} item${count === 1 ? '' : 's'} at the vendor ${count === 1 ? 'is' : 'are'} not managed by statusform`;
}

/** A note's kind in words ("possible rename"), never the JSON's identifier. */
export function noteKindWords(n: PlanNote): string {
  return n.kind.replaceAll('_', ' ');
}

/** `rate_limit: { share }` in words: "estate uses at most 50% of its vendor's rate limit (30 requests per 60 s)". */
export function rateShareLine(r: RateShare): string {
  const pct = Math.round(r.share * 1000) / 10;
  const requests = Math.round(r.requests * 100) / 100;
  const per = `${requests} request${requests === 1 ? '' : 's'} per ${r.seconds} s`;
  return `${r.account} uses at most ${pct}% of its vendor's rate limit (${per})`;
}
