// The plan as a pull-request comment: a marker to find and update it, the summary first,
// destructive changes called out at the top, details per account in <details>, and never
// over GitHub's 65,536-character comment limit (cut with an explicit note).

import { accountOf, type Adoption, type Plan, type PlanAction, type PlanNote } from '../engine/plan.js';
import { htmlText, inertText, markdownCode, markdownFence, markdownText } from '../inert.js';
import {
  adoptOnlyLine,
  fieldWidth,
  noteKindWords,
  rateShareLine,
  shownBefore,
  splitNotes,
  summaryLine,
  targetedLine,
  unmanagedLine,
} from './plan-words.js';
import { adoptionHeadline, headline, incompleteSummaryLine, KEPT_NOTE, NO_CHANGES, unplannedText, value } from './text.js';

export const COMMENT_MARKER = '<!-- statusform-plan -->';
export const GITHUB_COMMENT_LIMIT = 65_536;

/**
 * One action as lines of a ```diff block, the change's symbol in column 0 of every changed line:
 * GitHub colours a diff block's lines by their first character only (`+` green, `-` red, `!`
 * orange; `~` and anything indented stay plain). A create lists `+` fields, a removal `-` fields,
 * and an update or transition (headed `!`) each changed field as a `-` before / `+` after pair.
 */
export function diffLines(a: PlanAction): string[] {
  const head = a.action === 'create' || a.action === 'reactivate' ? '+' : a.action === 'deactivate' || a.action === 'delete' ? '-' : '!';
  const lines = [
    `# ${a.address} ${inertText(headline(a))}${a.reason === 'drift' ? ' (drift: changed outside statusform)' : ''}`,
    `${head} ${a.address}`,
  ];
  const width = fieldWidth(a);
  if (a.action === 'create') {
    for (const [k, v] of Object.entries(a.after ?? {})) lines.push(`+     ${k.padEnd(width)} = ${value(v)}`);
  } else if (a.action === 'delete' || a.action === 'deactivate') {
    for (const [k, v] of shownBefore(a)) lines.push(`-     ${k.padEnd(width)} = ${value(v)}`);
  } else {
    for (const ch of a.changes) {
      const via =
        a.via?.[ch.field] !== undefined && a.via[ch.field] !== ch.after ? ` (via ${value(a.via[ch.field])}, to keep it unique)` : '';
      const kept = ch.kept ? KEPT_NOTE : '';
      lines.push(
        `-     ${ch.field.padEnd(width)} = ${value(ch.before)}`,
        `+     ${ch.field.padEnd(width)} = ${value(ch.after)}${via}${kept}`,
      );
    }
  }
  if (a.blocked) lines.push(`      ✗ blocked: ${inertText(a.blocked)}`);
  else if (a.action === 'delete') lines.push('      needs --allow-destroy on apply');
  // One line each, whatever a value holds: the fence (sectionText) is then closed by nothing inside it.
  return lines.map(inertText);
}

/** At most this many unmanaged items are listed per account: the rest is a count (`plan --verbose` lists all). */
const UNMANAGED_LISTED = 50;

/** An account's unmanaged items, one collapsed block: they repeat on every run and change nothing. */
function unmanagedBlock(account: string, notes: readonly PlanNote[]): string {
  const listed = notes.slice(0, UNMANAGED_LISTED).map((n) => `- ${markdownCode(n.address)}`);
  if (notes.length > UNMANAGED_LISTED)
    listed.push(`- … and ${notes.length - UNMANAGED_LISTED} more (\`statusform plan --verbose\` lists them all)`);
  const summary = htmlText(unmanagedLine(account, notes.length).replace(/^[^:]*: /, ''));
  return `\n<details><summary>${summary}; left untouched</summary>\n\n${listed.join('\n')}\n\n</details>\n`;
}

interface Section {
  summary: string;
  /** Each action's lines, and the notes: the units a cut keeps or drops whole. */
  blocks: string[][];
  notes: string[];
}

/** An adoption as a line of the ```diff block: plain (GitHub colours none of `=`), as nothing changes at the vendor. */
export function adoptionLines(a: Adoption): string[] {
  return [inertText(`= ${a.address} ${adoptionHeadline(a)}`)];
}

/** What an account's section holds, as its one-line summary: an account with an error never reads "no changes". */
interface AccountContent {
  actions: PlanAction[];
  notes: Plan['notes'];
  adopt: readonly Adoption[];
  errors: number;
}

function accountSection(name: string, vendor: string, { actions, notes, adopt, errors }: AccountContent): Section {
  const counts = new Map<string, number>();
  for (const a of actions) counts.set(a.action, (counts.get(a.action) ?? 0) + 1);
  const tally =
    [
      ...[...counts].map(([k, n]) => `${n} ${k}`),
      ...(adopt.length > 0 ? [`${adopt.length} to adopt`] : []),
      ...(errors > 0 ? [`${errors} error${errors === 1 ? '' : 's'}`] : []),
    ].join(', ') || 'no changes';
  const drift = actions.filter((a) => a.reason === 'drift').length;
  // Side effects are in the warning block at the top; unmanaged items, one collapsed list.
  const { individual, unmanaged } = splitNotes(notes.filter((n) => !n.side_effect));
  return {
    // Inside <summary> (raw HTML), where markdown escapes do not work: HTML entities.
    summary: `<b>${htmlText(name)}</b> (${htmlText(vendor)}): ${htmlText(tally)}${drift > 0 ? ` — ${drift} from drift` : ''}`,
    blocks: [...actions.map(diffLines), ...adopt.map(adoptionLines)],
    notes: [
      ...individual.map((n) => `- ${markdownCode(n.address)} ${markdownText(noteKindWords(n))}: ${markdownText(n.message)}`),
      ...[...unmanaged].map(([account, list]) => unmanagedBlock(account, list)),
    ],
  };
}

/** A section as markdown, keeping at most `budget` characters: whole action blocks, then a note of what was cut. */
function sectionText(s: Section, budget = Infinity): { text: string; cut: number } {
  const open = `<details><summary>${s.summary}</summary>\n\n`;
  const close = '\n\n</details>';
  const body: string[] = [];
  let used = open.length + close.length + 200;
  let shown = 0;
  if (s.blocks.length > 0) {
    const lines: string[] = [];
    for (const b of s.blocks) {
      const text = b.join('\n');
      if (used + text.length + 1 > budget) break;
      lines.push(...b);
      used += text.length + 1;
      shown++;
    }
    // A fence longer than any backtick run in a label: nothing inside closes it. Pushed one by one:
    // a whole section of a large account is more lines than a call takes arguments.
    for (const line of markdownFence(lines, 'diff')) body.push(line);
  }
  const cut = s.blocks.length - shown;
  if (cut > 0) body.push('', `_… ${cut} more change${cut === 1 ? '' : 's'} in this account not shown (comment size limit)._`);
  let notesShown = 0;
  for (const n of s.notes) {
    if (used + n.length + 1 > budget) break;
    body.push(n);
    used += n.length + 1;
    notesShown++;
  }
  const notesCut = s.notes.length - notesShown;
  if (notesCut > 0) body.push(`_… ${notesCut} more note${notesCut === 1 ? '' : 's'} not shown (comment size limit)._`);
  return { text: `${open}${body.join('\n')}${close}`, cut };
}

/**
 * The headline and the paragraph under it. A plan that could not cover every account says how many
 * it missed in the headline, and gives its counts as incomplete: never "No changes".
 */
function headlines(plan: Plan): string[] {
  const unplanned = unplannedText(plan);
  if (unplanned !== undefined)
    return [`### statusform plan: ${markdownText(unplanned)}`, '', markdownText(incompleteSummaryLine(plan.summary)), ''];
  const head = [`### statusform plan: ${plan.actions.length === 0 ? NO_CHANGES : summaryLine(plan.summary).replace(/^Plan: /, '')}`, ''];
  if (plan.actions.length === 0 && plan.summary.adopt > 0) head.push(markdownText(adoptOnlyLine(plan.summary)), '');
  return head;
}

export function renderPlanMarkdown(plan: Plan, limit = GITHUB_COMMENT_LIMIT): string {
  const head = [COMMENT_MARKER, ...headlines(plan), ...warningLines(plan), ...cautionLines(plan), ...contextLines(plan)];
  const sections = plan.accounts.map((acc) =>
    accountSection(acc.name, acc.vendor, {
      actions: plan.actions.filter((a) => a.account === acc.name),
      notes: plan.notes.filter((n) => n.address.startsWith(`${acc.name}.`)),
      adopt: acc.adopt,
      errors: plan.errors.filter((e) => accountOf(e.address) === acc.name).length,
    }),
  );
  return fitToLimit(head.join('\n'), sections, limit);
}

/** At most this many entries of a callout list; the rest are a count. */
const CALLOUT_LISTED = 20;

function listed<T>(items: readonly T[], line: (item: T) => string): string[] {
  const more = items.length - CALLOUT_LISTED;
  return [...items.slice(0, CALLOUT_LISTED).map(line), ...(more > 0 ? [`> - … and ${more} more`] : [])];
}

/** The warning at the top: destructive changes and side effects at the vendor, before anyone opens a section. */
function warningLines(plan: Plan): string[] {
  const destructive = plan.actions.filter((a) => a.destructive);
  const sideEffects = plan.notes.filter((n) => n.side_effect);
  if (destructive.length === 0 && sideEffects.length === 0) return [];
  const out = ['> [!WARNING]'];
  if (destructive.length > 0) {
    out.push(`> **${destructive.length} destructive change${destructive.length === 1 ? '' : 's'}:**`);
    const removal = (a: PlanAction) => (a.action === 'delete' ? '**deleted** (hard delete)' : 'deactivated');
    out.push(...listed(destructive, (a) => `> - ${markdownCode(a.address)} will be ${removal(a)}${a.blocked ? ' — blocked' : ''}`));
    if (sideEffects.length > 0) out.push('>');
  }
  if (sideEffects.length > 0) {
    out.push(
      `> **${sideEffects.length === 1 ? 'A side effect' : `${sideEffects.length} side effects`} at the vendor** ` +
        '(beyond the changes below):',
    );
    out.push(...listed(sideEffects, (n) => `> - ${markdownCode(n.address)}: ${markdownText(n.message)}`));
  }
  return [...out, ''];
}

/** What an apply would refuse: exceeded thresholds, selector rules over their max, errors in the plan. */
function cautionLines(plan: Plan): string[] {
  const out: string[] = [];
  if (plan.thresholds.length > 0)
    out.push(
      '> [!CAUTION]',
      '> **Safety thresholds exceeded** (apply needs `--allow-bulk`):',
      ...plan.thresholds.map((t) => `> - ${markdownText(t)}`),
      '',
    );
  const bulk = plan.rules.filter((r) => r.moving > r.max);
  if (bulk.length > 0) {
    out.push('> [!CAUTION]', '> **Selector rules over their max** (apply needs `--allow-bulk`):');
    for (const r of bulk)
      out.push(`> - ${markdownText(r.account)}: rule "${markdownText(r.rule)}" would change ${r.moving} (max ${r.max})`);
    out.push('');
  }
  if (plan.errors.length > 0) {
    out.push('> [!CAUTION]', `> **${plan.errors.length} error${plan.errors.length === 1 ? '' : 's'} in the plan:**`);
    out.push(...listed(plan.errors, (e) => `> - ${markdownCode(e.address)}: ${markdownText(e.message)}`), '');
  }
  return out;
}

/** How to read the plan: targeted, rate-limit shares, accounts whose drift cannot be seen. */
function contextLines(plan: Plan): string[] {
  const out: string[] = [];
  const targeted = targetedLine(plan);
  if (targeted) out.push(`_${markdownText(targeted)}_`, '');
  if (plan.rate_shares && plan.rate_shares.length > 0)
    out.push(...plan.rate_shares.map((r) => `_Rate limit: ${markdownText(rateShareLine(r))}._`), '');
  const unreadable = plan.accounts.filter((a) => a.read === 'none');
  if (unreadable.length > 0) {
    const names = unreadable.map((a) => `${markdownText(a.name)} (${markdownText(a.vendor)})`).join(', ');
    out.push(
      `_${names} ha${unreadable.length === 1 ? 's' : 've'} no read API: ` +
        'live state is taken from the state file, and drift there cannot be seen._',
      '',
    );
  }
  return out;
}

/**
 * Adds sections while they fit; the one that does not is cut to whole action blocks, and the
 * rest are left out — with an explicit note of how much is not shown.
 */
function fitToLimit(head: string, sections: Section[], limit: number): string {
  const reserve = 400;
  let out = head;
  let cutChanges = 0;
  let leftOut = 0;
  for (const s of sections) {
    const room = limit - reserve - out.length;
    const whole = sectionText(s);
    if (whole.text.length + 2 <= room) {
      out += `\n${whole.text}\n`;
      continue;
    }
    if (room > 500) {
      const part = sectionText(s, room);
      out += `\n${part.text}\n`;
      cutChanges += part.cut;
    } else {
      leftOut++;
      cutChanges += s.blocks.length;
    }
  }
  if (cutChanges > 0 || leftOut > 0) {
    const sections = leftOut > 0 ? ` (and ${leftOut} whole account section${leftOut === 1 ? '' : 's'})` : '';
    out +=
      `\n> [!NOTE]\n> Cut to fit GitHub's ${limit.toLocaleString('en-US')}-character comment limit: ` +
      `${cutChanges} change${cutChanges === 1 ? '' : 's'}${sections} not shown. Run \`statusform plan\` for the whole plan.\n`;
  }
  return out;
}
