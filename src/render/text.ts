// The human plan and apply report, Terraform-style: a symbol per address, field-level before → after, a closing count line.
// Every value from a vendor or the config goes through inertText: one line, no control character.

import { diffWordsWithSpace } from 'diff';
import type { FieldValue } from '../model.js';
import type { ApplyResult } from '../engine/execute.js';
import {
  accountOf,
  accountsCovered,
  accountsWithErrors,
  isStateOnly,
  type Adoption,
  type Plan,
  type PlanAction,
  type PlanNote,
  type PlanSummary,
} from '../engine/plan.js';
import { inertText } from '../inert.js';
import {
  adoptOnlyLine,
  countsText,
  fieldWidth,
  noteKindWords,
  rateShareLine,
  shownBefore,
  splitNotes,
  summaryLine,
  targetedLine,
  unmanagedLine,
} from './plan-words.js';
import { plainColors, type Colors } from './style.js';

export const NO_CHANGES = 'No changes. Live state matches the configuration.';

const SYMBOL: Record<PlanAction['action'], string> = {
  create: '+',
  reactivate: '+',
  update: '~',
  transition: '~',
  deactivate: '-',
  delete: '-',
};

export function symbolOf(a: PlanAction): string {
  return SYMBOL[a.action];
}

export function headline(a: PlanAction): string {
  switch (a.action) {
    case 'create':
      return 'will be created';
    case 'reactivate':
      return a.from_key ? `will be reactivated and renamed in place from ${value(a.from_key)}` : 'will be reactivated';
    case 'update':
      if (a.from_key) return `will be renamed in place from ${value(a.from_key)}`;
      if (isStateOnly(a)) return 'will be updated in the state file only (nothing is sent to the vendor)';
      return a.reason === 'refresh' ? 'will be re-sent (--refresh-all)' : 'will be updated in place';
    case 'transition':
      return a.path && a.path.length > 1 ? `will move through ${inertText(a.path.join(' → '))}` : 'will change status';
    case 'deactivate':
      return `will be deactivated (soft delete)${renamedAtVendor(a)}`;
    case 'delete':
      return `will be DELETED (hard delete)${renamedAtVendor(a)}`;
  }
}

/** For a removal of an item renamed at the vendor: the name it has there now. */
function renamedAtVendor(a: PlanAction): string {
  return a.from_key ? `; it is ${value(a.from_key)} at the vendor now` : '';
}

/** After a change of a field statusform keeps itself: why nothing goes to the vendor for it. */
export const KEPT_NOTE = ' (kept by statusform; the vendor has no such field)';

/** A field's value as JSON writes it, and the characters JSON leaves as they are (C1, invisible ones) escaped too. */
export function value(v: FieldValue | undefined): string {
  return v === undefined ? '(unset)' : inertText(JSON.stringify(v));
}

/** Highlights the words that changed between two strings (the `diff` library), when colour is on. */
function changedText(before: FieldValue | undefined, after: FieldValue | undefined, c: Colors): string {
  if (!c.isColorSupported || typeof before !== 'string' || typeof after !== 'string') return `${value(before)} → ${value(after)}`;
  const parts = diffWordsWithSpace(before, after);
  const old = parts
    .filter((p) => !p.added)
    .map((p) => (p.removed ? c.red(c.strikethrough(inertText(p.value))) : inertText(p.value)))
    .join('');
  const neu = parts
    .filter((p) => !p.removed)
    .map((p) => (p.added ? c.green(c.bold(inertText(p.value))) : inertText(p.value)))
    .join('');
  return `"${old}" → "${neu}"`;
}

function colorFor(a: PlanAction, c: Colors): (s: string) => string {
  if (a.action === 'delete') return (s) => c.red(c.bold(s));
  if (a.action === 'deactivate') return c.red;
  if (a.action === 'update' || a.action === 'transition') return c.yellow;
  return c.green;
}

/** `allowDestroy`: the run was given --allow-destroy, so a delete needs nothing more from the user. */
export function renderAction(a: PlanAction, c: Colors = plainColors, allowDestroy = false): string[] {
  const paint = colorFor(a, c);
  const drift = a.reason === 'drift' ? c.magenta(' (drift: changed outside statusform)') : '';
  const dependency = a.dependency_of ? c.cyan(` (${dependencyOf(a.dependency_of)})`) : '';
  const address = inertText(a.address);
  const lines = [`  ${c.dim(`# ${address} ${headline(a)}`)}${drift}${dependency}`];
  lines.push(`  ${paint(symbolOf(a))} ${address}`);
  const width = fieldWidth(a);
  if (a.action === 'create') {
    for (const [k, v] of Object.entries(a.after ?? {})) lines.push(`      ${c.green('+')} ${inertText(k.padEnd(width))} = ${value(v)}`);
  } else if (a.action === 'delete' || a.action === 'deactivate') {
    for (const [k, v] of shownBefore(a)) lines.push(`      ${c.red('-')} ${inertText(k.padEnd(width))} = ${value(v)}`);
  } else {
    for (const ch of a.changes) {
      const via =
        a.via?.[ch.field] !== undefined && a.via[ch.field] !== ch.after ? c.dim(` (via ${value(a.via[ch.field])}, to keep it unique)`) : '';
      const kept = ch.kept ? c.dim(KEPT_NOTE) : '';
      lines.push(`      ${c.yellow('~')} ${inertText(ch.field.padEnd(width))} : ${changedText(ch.before, ch.after, c)}${via}${kept}`);
    }
  }
  if (a.blocked) lines.push(`      ${c.red(c.bold('✗ blocked:'))} ${inertText(a.blocked)}`);
  else if (a.action === 'delete' && !allowDestroy) lines.push(`      ${c.red('! needs --allow-destroy on apply')}`);
  return lines;
}

/** What apply does with an adoption, after its address: it is recorded by the vendor id it has there. */
export function adoptionHeadline(a: Adoption): string {
  const id = a.id === null ? '' : `, id ${inertText(JSON.stringify(a.id))}`;
  return `will be adopted (found at the vendor as declared${id}; recorded as owned, nothing written)`;
}

/** An adoption's line: `= address will be adopted (…)`. */
export function renderAdoption(a: Adoption, c: Colors = plainColors): string {
  return `  ${c.cyan('=')} ${inertText(a.address)} ${c.dim(adoptionHeadline(a))}`;
}

/** Every adoption of the plan, account by account. */
function adoptionsOf(plan: Plan): Adoption[] {
  return plan.accounts.flatMap((a) => a.adopt);
}

/** Why an action a target did not name is in a targeted plan: "dependency of salon.statuses["LATE"]". */
function dependencyOf(targets: readonly string[]): string {
  const shown = inertText(targets.slice(0, 3).join(', '));
  return `dependency of ${shown}${targets.length > 3 ? ` and ${targets.length - 3} more` : ''}`;
}

/** The counts of a plan that left accounts out: never a "Plan:" or "No changes" line a reader could take for the whole. */
export function incompleteSummaryLine(s: PlanSummary): string {
  return `Incomplete plan: ${countsText(s)}.`;
}

/** At most this many account names in a line (a fleet may have hundreds); the rest are a count. */
const NAMES_LISTED = 5;

function accountNames(names: readonly string[]): string {
  const more = names.length - NAMES_LISTED;
  return `${names.slice(0, NAMES_LISTED).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/** The accounts a plan could not plan in full: failed (unread, or an item in error) and refused before any request. */
function unplanned(plan: Pick<Plan, 'errors'>): { failed: string[]; refused: string[] } {
  const errored = accountsWithErrors(plan);
  const refusedOnly = (a: string) => plan.errors.every((e) => accountOf(e.address) !== a || e.refused);
  return { failed: errored.filter((a) => !refusedOnly(a)), refused: errored.filter(refusedOnly) };
}

/**
 * "1 of 3 accounts could not be planned" and "1 of 3 accounts refused" (with `named`, their names
 * follow), or undefined when every account was planned in full.
 */
export function unplannedText(plan: Pick<Plan, 'accounts' | 'errors'>, named = true): string | undefined {
  const { failed, refused } = unplanned(plan);
  if (failed.length + refused.length === 0) return undefined;
  const total = accountsCovered(plan).length;
  const of = (n: number) => `${n} of ${total} account${total === 1 ? '' : 's'}`;
  const names = (list: readonly string[]) => (named ? ` (${accountNames(list)})` : '');
  const parts = [
    ...(failed.length > 0 ? [`${of(failed.length)} could not be planned${names(failed)}`] : []),
    ...(refused.length > 0 ? [`${of(refused.length)} refused before any request${names(refused)}`] : []),
  ];
  return parts.join('; ');
}

/** The first line of a plan in which an account could not be read or planned: it says so before anything else. */
export function incompleteLine(plan: Pick<Plan, 'accounts' | 'errors'>): string | undefined {
  const what = unplannedText(plan);
  if (what === undefined) return undefined;
  return `${unplanned(plan).failed.length > 0 ? 'Error' : 'Refused'}: ${what}; the plan below is incomplete.`;
}

/** The last line: the counts, or "No changes" — which only a plan of every account in full may say. */
export function closingLine(plan: Plan): string {
  const what = unplannedText(plan, false);
  if (what !== undefined) return `Incomplete plan: ${countsText(plan.summary)}; ${what}.`;
  return plan.actions.length === 0 ? NO_CHANGES : summaryLine(plan.summary);
}

function noteLabel(n: PlanNote): string {
  if (n.side_effect) return 'side effect at the vendor — ';
  return n.kind === 'unmanaged' || n.kind === 'possible_rename' ? `${noteKindWords(n)} — ` : '';
}

export interface TextOptions {
  /** List every unmanaged item, not only their count per account (`--verbose`). */
  verbose?: boolean;
  /** The plan is shown by an apply given --allow-destroy: deletes need nothing more. */
  allowDestroy?: boolean;
}

export function renderPlanText(plan: Plan, c: Colors = plainColors, opts: TextOptions = {}): string {
  const incomplete = incompleteLine(plan);
  const out = [
    ...(incomplete ? [c.red(c.bold(incomplete)), ''] : []),
    ...preambleLines(plan, c),
    ...actionLines(plan, c, opts.allowDestroy ?? false),
    ...noteLines(plan, c, opts.verbose ?? false),
    ...ruleLines(plan, c),
    ...(plan.errors.length > 0
      ? [c.red('Errors:'), ...plan.errors.map((e) => `  ${c.red('✗')} ${inertText(e.address)}: ${inertText(e.message)}`), '']
      : []),
    ...closingLines(plan, c, incomplete !== undefined),
  ];
  return `${out.join('\n')}\n`;
}

/** What to know before the actions: rate-limit shares, a targeted plan, accounts without a read API. */
function preambleLines(plan: Plan, c: Colors): string[] {
  const out: string[] = [];
  if (plan.rate_shares && plan.rate_shares.length > 0)
    out.push(...plan.rate_shares.map((r) => c.dim(`Rate limit: ${rateShareLine(r)}.`)), '');
  const targeted = targetedLine(plan);
  if (targeted) out.push(c.yellow(targeted), '');
  const unreadable = plan.accounts.filter((a) => a.read === 'none');
  if (unreadable.length > 0) {
    out.push(
      c.dim(
        `Note: ${unreadable.map((a) => inertText(`${a.name} (${a.vendor})`)).join(', ')} ha${unreadable.length === 1 ? 's' : 've'} ` +
          'no read API; live state is taken from the state file and drift cannot be seen.',
      ),
      '',
    );
  }
  return out;
}

function actionLines(plan: Plan, c: Colors, allowDestroy: boolean): string[] {
  const adoptions = adoptionsOf(plan);
  const out: string[] = [];
  if (plan.actions.length > 0) out.push('statusform will perform the following actions:', '');
  else if (adoptions.length > 0) out.push('statusform will adopt the following items (nothing is written at the vendor):', '');
  for (const a of plan.actions) out.push(...renderAction(a, c, allowDestroy), '');
  if (adoptions.length > 0) out.push(...adoptions.map((a) => renderAdoption(a, c)), '');
  return out;
}

/** The notes, unmanaged items counted per account (listed with --verbose). */
function noteLines(plan: Plan, c: Colors, verbose: boolean): string[] {
  if (plan.notes.length === 0) return [];
  const { individual, unmanaged } = splitNotes(plan.notes);
  const out = ['Notes (no changes):'];
  for (const n of individual)
    out.push(`  ${n.side_effect ? c.yellow('!') : c.cyan('•')} ${inertText(n.address)}: ${noteLabel(n)}${inertText(n.message)}`);
  for (const [account, notes] of unmanaged) {
    if (!verbose) {
      out.push(`  ${c.cyan('•')} ${unmanagedLine(account, notes.length)} (--verbose lists them)`);
      continue;
    }
    out.push(`  ${c.cyan('•')} ${unmanagedLine(account, notes.length)}; left untouched:`);
    for (const n of notes) out.push(`      ${inertText(n.address)}: unmanaged`);
  }
  return [...out, ''];
}

function ruleLines(plan: Plan, c: Colors): string[] {
  if (plan.rules.length === 0) return [];
  const out = ['Selector rules:'];
  for (const r of plan.rules) {
    const over = r.moving > r.max ? c.red(` — more than its max of ${r.max}: apply needs --allow-bulk`) : '';
    out.push(
      `  ${c.cyan('•')} ${inertText(r.account)}: rule "${inertText(r.rule)}" matches ${r.matched} ` +
        `item${r.matched === 1 ? '' : 's'}, ${r.moving} to change${over}`,
    );
  }
  return [...out, ''];
}

/** The counts (or "No changes"), then what would stop an apply: thresholds and blocked changes. */
function closingLines(plan: Plan, c: Colors, incomplete: boolean): string[] {
  const closing = closingLine(plan);
  const out = [incomplete ? c.red(c.bold(closing)) : closing === NO_CHANGES ? c.green(closing) : c.bold(closing)];
  if (!incomplete && plan.actions.length === 0 && plan.summary.adopt > 0) out.push(adoptOnlyLine(plan.summary));
  out.push(...plan.thresholds.map((t) => c.red(`Safety threshold: ${inertText(t)}`)));
  const blocked = plan.summary.blocked;
  if (blocked > 0)
    out.push(
      c.red(
        `${blocked} change${blocked === 1 ? ' is' : 's are'} blocked: ` +
          `apply will refuse until the configuration allows ${blocked === 1 ? 'it' : 'them'}.`,
      ),
    );
  return out;
}

/**
 * The apply report. `erroredAccounts` are the accounts left untouched because they could not be
 * planned (`--skip-failed-accounts`): an apply that left any is incomplete, however its actions went.
 */
/**
 * The apply's closing line: complete only when every change was made and no account was left
 * untouched (`untouched`: refused or failed before any write; the accounts block says why).
 */
export function renderApplyText(result: ApplyResult, c: Colors = plainColors, untouched: readonly string[] = []): string {
  const out: string[] = [];
  for (const o of result.outcomes) {
    if (o.status === 'failed') out.push(`${c.red('✗')} ${inertText(o.address)}: ${o.action} failed: ${inertText(o.detail ?? '')}`);
    else if (o.status === 'skipped') {
      const why =
        o.because === 'interrupted'
          ? 'interrupted: not started'
          : o.because === 'unrecordable'
            ? `not started: ${inertText(o.detail ?? 'the state file could not be written')}`
            : `waits on ${inertText(o.detail ?? 'a failed action')}`;
      out.push(`${c.yellow('○')} ${inertText(o.address)}: ${o.action} skipped (${why})`);
    }
  }
  const adopted = result.adopted ? `, ${result.adopted} adopted` : '';
  const complete = result.failed + result.skipped === 0 && untouched.length === 0;
  const line =
    `Apply ${complete ? 'complete' : 'incomplete'}: ` +
    `${result.done} done, ${result.failed} failed, ${result.skipped} skipped${adopted}.`;
  out.push(complete ? c.green(c.bold(line)) : c.red(c.bold(line)));
  if (result.failed + result.skipped > 0) out.push('Run plan again to see what is left.');
  return `${out.join('\n')}\n`;
}
