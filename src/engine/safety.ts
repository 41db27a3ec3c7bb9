// Safety guards, decided per account before any write (like octoDNS's thresholds).

import { RefusedError } from '../errors.js';
import type { Plan } from './plan.js';

export interface GuardOptions {
  allowDestroy: boolean;
  /** Let selector rules move more items than their max, for this run. */
  allowBulk?: boolean;
}

/**
 * Why apply may not write each account, by account: a blocked action, a hard delete without
 * --allow-destroy, a rule or threshold exceeded without --allow-bulk. An account absent from the
 * map may be applied; one present is refused whole (exit 3), and the others still apply.
 */
export function guardProblems(plan: Plan, opts: GuardOptions): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (account: string, reason: string) => out.set(account, [...(out.get(account) ?? []), reason]);
  for (const a of plan.actions) {
    if (a.blocked) add(a.account, `${a.address}: ${a.action} refused: ${a.blocked}`);
    else if (a.action === 'delete' && !opts.allowDestroy)
      add(a.account, `${a.address}: delete refused: a hard delete needs --allow-destroy`);
  }
  if (!opts.allowBulk) {
    // Each threshold is about one account and starts with its name (thresholdProblems).
    for (const t of plan.thresholds) add(t.split(':', 1)[0]!, t);
    for (const r of plan.rules) {
      if (r.moving > r.max)
        add(
          r.account,
          `${r.account}: rule "${r.rule}" would change ${r.moving} items, ` +
            `more than its max of ${r.max} (check the plan, then pass --allow-bulk)`,
        );
    }
  }
  return out;
}

/** Refuses (exit 3) before any write, for every account at once, if any account's guard stops it. */
export function checkGuards(plan: Plan, opts: GuardOptions): void {
  const reasons = [...guardProblems(plan, opts).values()].flat();
  if (reasons.length > 0) {
    throw new RefusedError(`apply refused before any write:\n  ${reasons.join('\n  ')}`);
  }
}

/**
 * Like octoDNS's update/delete thresholds: an account that owns at least `min_owned` items
 * may not have more than `max_update_percent` of them updated, nor more than
 * `max_delete_percent` deactivated or deleted, in one run without --allow-bulk.
 */
export function thresholdProblems(plan: Plan): string[] {
  const out: string[] = [];
  for (const acc of plan.accounts) {
    const { owned, safety } = acc;
    if (owned === 0 || owned < safety.min_owned) continue;
    const mine = plan.actions.filter((a) => a.account === acc.name);
    const updates = mine.filter((a) => a.action === 'update').length;
    const removals = mine.filter((a) => a.action === 'deactivate' || a.action === 'delete').length;
    const pct = (n: number) => Math.round((n / owned) * 1000) / 10;
    if (pct(updates) > safety.max_update_percent) {
      out.push(
        `${acc.name}: ${updates} of ${owned} owned items would be updated (${pct(updates)}%, ` +
          `more than max_update_percent ${safety.max_update_percent}%); pass --allow-bulk if that is intended`,
      );
    }
    if (pct(removals) > safety.max_delete_percent) {
      out.push(
        `${acc.name}: ${removals} of ${owned} owned items would be deactivated or deleted (${pct(removals)}%, ` +
          `more than max_delete_percent ${safety.max_delete_percent}%); pass --allow-bulk if that is intended`,
      );
    }
  }
  return out;
}
