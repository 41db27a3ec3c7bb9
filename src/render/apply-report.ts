// What an apply came to per account, for people: a closing block of the text output, and the
// pull-request comment made from the `apply --json` events of every shard (`statusform show`).

import { outcomeCounts, type AccountOutcome } from '../engine/account-outcomes.js';
import type { ApplyLog } from './apply-log.js';
import { inertText, markdownCode, markdownText } from '../inert.js';
import { plainColors, type Colors } from './style.js';

const MARK: Record<AccountOutcome['outcome'], string> = { applied: '✓', unchanged: '=', refused: '⊘', failed: '✗' };

/** "Accounts: 2 applied, 1 refused." */
function accountsLine(outcomes: readonly AccountOutcome[]): string {
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
    lines.push(`  ${paint(MARK[o.outcome])} ${inertText(o.account)}: ${o.outcome}`);
    for (const r of o.reasons) lines.push(`      ${inertText(r)}`);
  }
  return `${lines.join('\n')}\n`;
}

const APPLY_COMMENT_MARKER = '<!-- statusform-apply -->';

/** An address, account name or file as inline code that cannot close early. */
const code = markdownCode;

/** The headline: every outcome counted, the worst first when any account did not apply. */
function applyHeadline(log: ApplyLog): string {
  const n = outcomeCounts(log.accounts);
  const parts = [
    n.failed > 0 ? `${n.failed} failed` : '',
    n.refused > 0 ? `${n.refused} refused` : '',
    n.applied > 0 ? `${n.applied} applied` : '',
    n.unchanged > 0 ? `${n.unchanged} unchanged` : '',
  ].filter(Boolean);
  const stopped = log.stopped.length + log.unfinished.length;
  const runs = stopped > 0 ? `; ${stopped} run${stopped === 1 ? '' : 's'} stopped before the end` : '';
  return `### statusform apply: ${parts.join(', ') || 'no account'}${runs}`;
}

/** A block-quoted list of accounts with why, under a GitHub alert. */
function accountsAlert(kind: 'CAUTION' | 'WARNING', title: string, outcomes: readonly AccountOutcome[]): string[] {
  if (outcomes.length === 0) return [];
  const lines = ['', `> [!${kind}]`, `> **${title}**`];
  for (const o of outcomes) lines.push(`> - ${code(o.account)}: ${markdownText(o.reasons.join('; ') || o.outcome)}`);
  return lines;
}

/**
 * The apply results as a pull-request comment: failed and refused accounts called out first (with
 * why), then the changes made per account in a collapsed list. Vendor text is escaped inline.
 */
export function renderApplyReportMarkdown(log: ApplyLog): string {
  const out = [APPLY_COMMENT_MARKER, applyHeadline(log)];
  for (const s of log.stopped) out.push('', `> [!CAUTION]`, `> **${code(s.file)} stopped before applying:** ${markdownText(s.message)}`);
  for (const f of log.unfinished)
    out.push('', '> [!CAUTION]', `> **${code(f)} ended without a summary**: the run was cut short; see its log.`);
  out.push(...accountsAlert('CAUTION', 'Failed (what succeeded is recorded; run plan to see what is left):', failedOf(log)));
  out.push(
    ...accountsAlert(
      'WARNING',
      'Refused (nothing written to them):',
      log.accounts.filter((o) => o.outcome === 'refused'),
    ),
  );
  const done = log.changes.filter((c) => c.status === 'done');
  if (done.length > 0) {
    out.push('', `<details><summary>${done.length} change${done.length === 1 ? '' : 's'} made</summary>`, '');
    for (const c of done) out.push(`- ${code(c.address)}: ${markdownText(c.action)}`);
    out.push('', '</details>');
  }
  const notDone = log.changes.filter((c) => c.status !== 'done');
  if (notDone.length > 0) {
    out.push('', `<details><summary>${notDone.length} change${notDone.length === 1 ? '' : 's'} not made</summary>`, '');
    for (const c of notDone)
      out.push(`- ${code(c.address)}: ${markdownText(c.action)} ${c.status}${c.detail ? `: ${markdownText(c.detail)}` : ''}`);
    out.push('', '</details>');
  }
  return `${out.join('\n')}\n`;
}

const failedOf = (log: ApplyLog) => log.accounts.filter((o) => o.outcome === 'failed');

/** The apply results as text: the accounts line, then every account not applied with why. */
export function renderApplyReportText(log: ApplyLog, c: Colors = plainColors): string {
  const lines: string[] = [];
  for (const s of log.stopped) lines.push(c.red(`${inertText(s.file)}: stopped before applying: ${inertText(s.message)}`));
  for (const f of log.unfinished) lines.push(c.red(`${inertText(f)}: ended without a summary (the run was cut short)`));
  const text = renderAccountOutcomesText(log.accounts, c);
  lines.push(text === '' ? accountsLine(log.accounts) : text.trimEnd());
  return `${lines.join('\n')}\n`;
}
