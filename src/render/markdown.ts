// The plan as a pull-request comment: a marker to find and update it, the summary first,
// destructive changes called out at the top, details per account in <details>, and never
// over GitHub's 65,536-character comment limit (cut with an explicit note).

import type { Plan, PlanAction } from '../engine/plan.js';
import { NO_CHANGES, renderAction, summaryLine } from './text.js';

export const COMMENT_MARKER = '<!-- statusform-plan -->';
export const GITHUB_COMMENT_LIMIT = 65_536;

/** Text inside a ```diff fence must not close it. */
function fenceSafe(line: string): string {
  return line.replace(/```/g, '`\u200b``');
}

function escapeInline(text: string): string {
  return text.replace(/[\\`*_{}[\]<>|]/g, (ch) => `\\${ch}`);
}

function accountSection(name: string, vendor: string, actions: PlanAction[], notes: Plan['notes']): string {
  const counts = new Map<string, number>();
  for (const a of actions) counts.set(a.action, (counts.get(a.action) ?? 0) + 1);
  const tally = [...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'no changes';
  const body: string[] = [];
  if (actions.length > 0) {
    body.push('```diff');
    for (const a of actions) for (const l of renderAction(a)) body.push(fenceSafe(l.replace(/^ {2}/, '')));
    body.push('```');
  }
  if (notes.length > 0) {
    body.push('', ...notes.map((n) => `- \`${n.address.replace(/`/g, "'")}\` ${n.kind}: ${escapeInline(n.message)}`));
  }
  return `<details><summary><b>${escapeInline(name)}</b> (${vendor}): ${tally}</summary>\n\n${body.join('\n')}\n\n</details>`;
}

export function renderPlanMarkdown(plan: Plan, limit = GITHUB_COMMENT_LIMIT): string {
  const head: string[] = [COMMENT_MARKER, `### statusform plan: ${plan.actions.length === 0 ? NO_CHANGES : summaryLine(plan.summary).replace(/^Plan: /, '')}`, ''];
  const destructive = plan.actions.filter((a) => a.destructive);
  if (destructive.length > 0) {
    head.push('> [!WARNING]', `> **${destructive.length} destructive change${destructive.length === 1 ? '' : 's'}:**`);
    for (const a of destructive.slice(0, 20)) head.push(`> - \`${a.address.replace(/`/g, "'")}\` will be ${a.action === 'delete' ? '**deleted** (hard delete)' : 'deactivated'}${a.blocked ? ' — blocked' : ''}`);
    if (destructive.length > 20) head.push(`> - … and ${destructive.length - 20} more`);
    head.push('');
  }
  if (plan.thresholds.length > 0) {
    head.push('> [!CAUTION]', '> **Safety thresholds exceeded** (apply needs `--allow-bulk`):', ...plan.thresholds.map((t) => `> - ${escapeInline(t)}`), '');
  }
  const bulk = plan.rules.filter((r) => r.moving > r.max);
  if (bulk.length > 0) {
    head.push('> [!CAUTION]', '> **Selector rules over their max** (apply needs `--allow-bulk`):');
    for (const r of bulk) head.push(`> - ${escapeInline(r.account)}: rule "${escapeInline(r.rule)}" would change ${r.moving} (max ${r.max})`);
    head.push('');
  }
  if (plan.errors.length > 0) {
    head.push('> [!CAUTION]', `> **${plan.errors.length} item${plan.errors.length === 1 ? '' : 's'} could not be planned:**`);
    for (const e of plan.errors.slice(0, 20)) head.push(`> - \`${e.address.replace(/`/g, "'")}\`: ${escapeInline(e.message)}`);
    head.push('');
  }
  const sections = plan.accounts.map((acc) =>
    accountSection(
      acc.name,
      acc.vendor,
      plan.actions.filter((a) => a.account === acc.name),
      plan.notes.filter((n) => n.address.startsWith(`${acc.name}.`)),
    ),
  );
  return fitToLimit(head.join('\n'), sections, limit);
}

/** Adds whole sections while they fit, then a note saying how many were left out. */
function fitToLimit(head: string, sections: string[], limit: number): string {
  const reserve = 300;
  let out = head;
  let included = 0;
  for (const s of sections) {
    if (out.length + s.length + 2 + reserve > limit) break;
    out += `\n${s}\n`;
    included++;
  }
  if (included < sections.length) {
    out += `\n> [!NOTE]\n> Cut to fit GitHub's ${limit.toLocaleString('en-US')}-character comment limit: ${sections.length - included} of ${sections.length} account sections are not shown. Run \`statusform plan\` for the whole plan.\n`;
  }
  return out;
}
