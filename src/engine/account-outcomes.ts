// What an apply came to, account by account. Accounts are independent: one refused (a guard, a
// held lock, a stale saved plan, a state bound elsewhere) or failed (unreadable, an action failed)
// is that account's outcome, and the others still apply. The exit code follows from all of them.

import { accountOf } from '../address.js';
import type { ApplyResult } from './execute.js';

/**
 * - `applied`: every planned change was made.
 * - `unchanged`: nothing to change (adoptions, if any, were recorded).
 * - `refused`: nothing was written, on purpose (exit 3 when no account failed).
 * - `failed`: it could not be read or planned, or a change failed or was skipped (exit 1).
 */
export type AccountOutcomeKind = 'applied' | 'unchanged' | 'refused' | 'failed';

export interface AccountOutcome {
  account: string;
  outcome: AccountOutcomeKind;
  /** Why it was refused or failed (empty otherwise). */
  reasons: string[];
  /** Its changes that were done, failed and skipped. */
  done: number;
  failed: number;
  skipped: number;
}

/** The accounts decided before any write: refused or failed, each with its reasons. */
export class Verdicts {
  readonly refused = new Map<string, string[]>();
  readonly failed = new Map<string, string[]>();

  /** Refuses an account (kept as failed when it failed already: a failure is the stronger word). */
  refuse(account: string, reasons: readonly string[]): void {
    if (reasons.length === 0 || this.failed.has(account)) return;
    const known = this.refused.get(account) ?? [];
    this.refused.set(account, [...known, ...reasons.filter((r) => !known.includes(r))]);
  }

  fail(account: string, reasons: readonly string[]): void {
    if (reasons.length === 0) return;
    this.failed.set(account, [...(this.failed.get(account) ?? []), ...reasons]);
    this.refused.delete(account);
  }

  decided(account: string): boolean {
    return this.refused.has(account) || this.failed.has(account);
  }

  /** Every account decided so far. */
  names(): string[] {
    return [...this.refused.keys(), ...this.failed.keys()];
  }
}

/** Each account's outcome, in the order given, from the verdicts and what the executor did. */
export function accountOutcomes(names: readonly string[], verdicts: Verdicts, result?: ApplyResult): AccountOutcome[] {
  const counts = new Map<string, { done: number; failed: number; skipped: number; reasons: string[] }>();
  for (const o of result?.outcomes ?? []) {
    const account = accountOf(o.address);
    const c = counts.get(account) ?? { done: 0, failed: 0, skipped: 0, reasons: [] };
    c[o.status]++;
    if (o.status === 'failed') c.reasons.push(`${o.address}: ${o.action} failed: ${o.detail ?? ''}`);
    counts.set(account, c);
  }
  return names.map((account) => {
    const c = counts.get(account) ?? { done: 0, failed: 0, skipped: 0, reasons: [] };
    const tally = { done: c.done, failed: c.failed, skipped: c.skipped };
    const failed = verdicts.failed.get(account);
    if (failed) return { account, outcome: 'failed', reasons: failed, ...tally };
    const refused = verdicts.refused.get(account);
    if (refused) return { account, outcome: 'refused', reasons: refused, ...tally };
    if (c.failed + c.skipped > 0) {
      const skipped = c.skipped > 0 ? [`${c.skipped} change${c.skipped === 1 ? '' : 's'} skipped`] : [];
      return { account, outcome: 'failed', reasons: [...c.reasons, ...skipped], ...tally };
    }
    return { account, outcome: c.done > 0 ? 'applied' : 'unchanged', reasons: [], ...tally };
  });
}

/** How many accounts came to each outcome. */
export function outcomeCounts(outcomes: readonly AccountOutcome[]): Record<AccountOutcomeKind, number> {
  const n = { applied: 0, unchanged: 0, refused: 0, failed: 0 };
  for (const o of outcomes) n[o.outcome]++;
  return n;
}
