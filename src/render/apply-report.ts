// What an apply came to per account, for people: a closing block of the text output, and the
// pull-request comment made from the `apply --json` events of every shard (`statusform show`).

import type { AccountOutcome } from '../engine/account-outcomes.js';
import { plainColors, type Colors } from './style.js';

const MARK: Record<AccountOutcome['outcome'], string> = { applied: '✓', unchanged: '=', refused: '⊘', failed: '✗' };

/** "Accounts: 2 applied, 1 refused." */
export function accountsLine(outcomes: readonly AccountOutcome[]): string {
  const order: AccountOutcome['outcome'][] = ['applied', 'unchanged', 'refused', 'failed'];
  const parts = order.map((k) => [k, outcomes.filter((o) => o.outcome === k).length] as const).filter(([, n]) => n > 0);
  return `Accounts: ${parts.map(([k, n]) => `${n} ${k}`).join(', ') || 'none'}.`;
}

/**
 * The accounts refused or failed, one line each with why, after a count of every outcome; nothing
 * when every account applied or had nothing to change (the apply line already says so).
 */
export function renderAccountOutcomesText(outcomes: readonly AccountOutcome[], c: Colors = plainColors): string {
  const stopped = outcomes.filter((o) => o.outcome === 'refused' || o.outcome === 'failed');
  if (stopped.length === 0) return '';
  const lines = [accountsLine(outcomes)];
  for (const o of stopped) {
    const paint = o.outcome === 'failed' ? c.red : c.yellow;
    lines.push(`  ${paint(MARK[o.outcome])} ${o.account}: ${o.outcome}`);
    for (const r of o.reasons) lines.push(`      ${r}`);
  }
  return `${lines.join('\n')}\n`;
}
