// Saved plans brought together: many shards' plans (`plan --shard K/N --out plan-K.json`) merged
// into one, and a wire plan turned back into the in-memory Plan the renderers take. Pure: the
// files are read and checked by ./saved-plan.ts first.

import { digest } from '../digest.js';
import { UsageError } from '../errors.js';
import { accountOf, accountsWithErrors, phaseOf, summarise, type Adoption, type Plan, type PlanAction } from '../engine/plan.js';
import { WIRE_FORMAT_VERSION, planOrigin, type WireAction, type WirePlan } from './wire.js';

/** A saved plan and the name it was given (a file path), for messages. */
export interface NamedPlan {
  name: string;
  plan: WirePlan;
}

/** The accounts a plan covers: those it planned, and those it could not (an error of the account). */
export function accountsOf(plan: WirePlan): string[] {
  return [
    ...new Set([
      ...plan.accounts.map((a) => a.name),
      ...plan.errors.map((e) => accountOf(e.address)),
      ...plan.actions.map((a) => a.account),
    ]),
  ];
}

/**
 * Where two plans' `state` disagree, as "lineage: a ≠ b": every field both have, compared
 * recursively, so a later shape of the field (e.g. per-account lineage) compares by what both hold.
 */
function stateDisagreements(a: unknown, b: unknown, path = ''): string[] {
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    return Object.keys(x)
      .filter((k) => k in y)
      .flatMap((k) => stateDisagreements(x[k], y[k], path === '' ? k : `${path}.${k}`));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${path || 'state'}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`];
}

/**
 * One plan from many: accounts sorted by name (so the result does not depend on how the accounts
 * were sharded), each account's actions in their own order; summary and thresholds over all.
 * Refused (UsageError) when the plans were made from different configurations or state
 * histories, or when an account is in two of them.
 */
export function mergeWirePlans(plans: readonly NamedPlan[]): WirePlan {
  if (plans.length === 0) throw new UsageError('no plan to show');
  const owner = accountOwners(plans);
  if (plans.length === 1) return plans[0]!.plan;
  const names = [...owner.keys()].sort();
  const merged: WirePlan = { ...mergedOrigin(plans, names), ...mergedContent(plans, names), summary: summedSummary(plans) };
  // Counted from the merged plan, not summed: a plan saved before 2.3 does not count its accounts.
  merged.summary.accounts = accountsOf(merged).length;
  merged.summary.errored_accounts = accountsWithErrors(merged).length;
  return merged;
}

type Origin = Pick<WirePlan, 'format_version' | 'config_digest' | 'config_files_digest' | 'config_digests' | 'state' | 'options'>;

/** What the merged plan was made from: the configuration's digests, the state read, the options. */
function mergedOrigin(plans: readonly NamedPlan[], names: string[]): Origin {
  const targets = [...new Set(plans.flatMap((p) => p.plan.options.targets ?? []))];
  const refreshAll = plans.some((p) => p.plan.options.refresh_all);
  // Each shard's config_digest covers its own accounts; the merged plan's covers theirs together.
  const digests = [...new Set(plans.map((p) => p.plan.config_digest))].sort();
  const files = plans[0]!.plan.config_files_digest;
  return {
    format_version: WIRE_FORMAT_VERSION,
    config_digest: digests.length === 1 ? digests[0]! : digest(digests),
    ...(files !== undefined ? { config_files_digest: files } : {}),
    ...(plans.every((p) => p.plan.config_digests)
      ? { config_digests: Object.assign({}, ...plans.map((p) => p.plan.config_digests)) as Record<string, string> }
      : {}),
    state: { accounts: Object.fromEntries(plans.flatMap((p) => Object.entries(p.plan.state.accounts))) },
    options: { accounts: names, refresh_all: refreshAll, ...(targets.length > 0 ? { targets } : {}) },
  };
}

type Content = Pick<WirePlan, 'accounts' | 'actions' | 'notes' | 'errors' | 'rate_shares' | 'rules' | 'thresholds'>;

/** Every plan's accounts, actions, notes, errors, rate shares, rules and thresholds, account by account in `names` order. */
function mergedContent(plans: readonly NamedPlan[], names: string[]): Content {
  const byAccount = <T>(items: (p: WirePlan) => readonly T[], account: (t: T) => string): T[] =>
    names.flatMap((n) => plans.flatMap((p) => items(p.plan).filter((t) => account(t) === n)));
  const shares = byAccount(
    (p) => p.rate_shares ?? [],
    (r) => r.account,
  );
  return {
    accounts: byAccount(
      (p) => p.accounts,
      (a) => a.name,
    ),
    actions: byAccount(
      (p) => p.actions,
      (a) => a.account,
    ),
    notes: byAccount(
      (p) => p.notes,
      (n) => accountOf(n.address),
    ),
    // A plan saved before 2.3 does not name an error's account; the merged plan is of this version, so it does.
    errors: byAccount(
      (p) => p.errors,
      (e) => accountOf(e.address),
    ).map((e) => ({ address: e.address, account: accountOf(e.address), message: e.message })),
    ...(shares.length > 0 ? { rate_shares: shares } : {}),
    rules: byAccount(
      (p) => p.rules,
      (r) => r.account,
    ),
    // Each threshold is about one account and starts with its name.
    thresholds: byAccount(
      (p) => p.thresholds,
      (t) => t.split(':', 1)[0]!,
    ),
  };
}

/** The plans' summaries added up (the account counts are the merged plan's own). */
function summedSummary(plans: readonly NamedPlan[]): WirePlan['summary'] {
  return plans.reduce(
    (s, p) => {
      for (const k of Object.keys(s) as (keyof typeof s)[]) s[k] += p.plan.summary[k] ?? 0;
      return s;
    },
    { create: 0, update: 0, deactivate: 0, reactivate: 0, delete: 0, transition: 0, blocked: 0, adopt: 0 },
  );
}

/**
 * Which plan covers each account. Refused (UsageError, every problem at once) when the plans were
 * made from different configurations or state histories, or when an account is in two of them.
 */
function accountOwners(plans: readonly NamedPlan[]): Map<string, string> {
  const [first] = plans;
  const problems: string[] = [];
  const owner = new Map<string, string>();
  // Since format 2.2 each plan names its configuration files; before, its whole configuration.
  const field = plans.every((p) => p.plan.config_files_digest !== undefined) ? 'config_files_digest' : 'config_digest';
  for (const p of plans) {
    if (p.plan[field] !== first!.plan[field])
      problems.push(
        `${p.name} was made from another configuration than ${first!.name} (${field} ` +
          `${p.plan[field]} ≠ ${first!.plan[field]}): make every shard's plan from the same commit`,
      );
    const state = stateDisagreements(first!.plan.state, p.plan.state);
    if (state.length > 0) problems.push(`${p.name} was made from another state than ${first!.name} (${state.join(', ')})`);
    for (const account of accountsOf(p.plan)) {
      const other = owner.get(account);
      if (other === undefined) owner.set(account, p.name);
      else
        problems.push(
          `account ${account} is in both ${other} and ${p.name}: shards must not overlap (plan each with --shard K/N of the same N)`,
        );
    }
  }
  if (problems.length > 0) throw new UsageError(`cannot merge the plans:\n  ${problems.join('\n  ')}`);
  return owner;
}

/** The adoptions among a wire plan's actions, by account (the engine keeps them apart from the changes). */
function adoptionsOf(w: WirePlan): Map<string, Adoption[]> {
  const byAccount = new Map<string, Adoption[]>();
  for (const a of w.actions.filter(isAdoption)) {
    const adoption = { address: a.address, key: a.key, id: a.vendor_id, fields: { ...(a.after ?? a.before ?? {}) } };
    byAccount.set(a.account, [...(byAccount.get(a.account) ?? []), adoption]);
  }
  return byAccount;
}

function isAdoption(a: WireAction): boolean {
  return a.action === 'adopt';
}

/** A wire action that changes something at the vendor, with its kind narrowed to say so. */
function isChange(a: WireAction): a is WireAction & { action: PlanAction['action'] } {
  return !isAdoption(a);
}

/**
 * A wire plan as the in-memory Plan, for the renderers. What the wire format leaves out (item
 * counts and safety settings; a swap's temporary value; before format 2.3, the adoptions
 * themselves, of which it kept the count) is left empty: the renderers do not show it, and
 * `thresholds` already carries what came of it.
 */
export function planFromWire(w: WirePlan): Plan {
  const adoptions = adoptionsOf(w);
  const actions: PlanAction[] = w.actions.filter(isChange).map((a) => ({
    address: a.address,
    account: a.account,
    collection: a.collection,
    key: a.key,
    action: a.action,
    ...(a.live_key !== undefined ? { from_key: a.live_key } : {}),
    id: a.vendor_id,
    before: a.before,
    after: a.after,
    changes: a.changes.map((c) => ({ field: c.field, before: c.before, after: c.after, ...(c.kept ? { kept: true as const } : {}) })),
    depends_on: [...a.depends_on],
    destructive: a.destructive,
    reason: a.reason,
    ...(a.path !== undefined ? { path: [...a.path] } : {}),
    ...(a.blocked !== undefined ? { blocked: a.blocked } : {}),
    ...(a.dependency_of !== undefined ? { dependency_of: [...a.dependency_of] } : {}),
    phase: phaseOf(a.action),
  }));
  const planned = new Set(w.accounts.map((a) => a.name));
  return {
    ...planOrigin(w),
    accounts: w.accounts.map((a) => ({
      ...a,
      adopt: adoptions.get(a.name) ?? [],
      forget: [],
      owned: 0,
      safety: { max_update_percent: 100, max_delete_percent: 100, min_owned: 0 },
    })),
    actions,
    notes: w.notes.map((n) => ({
      address: n.address,
      kind: n.kind,
      message: n.message,
      ...(n.side_effect ? { side_effect: true as const } : {}),
    })),
    // An error of an account the plan has no entry for is one whose live state could not be read.
    errors: w.errors.map((e) => ({
      address: e.address,
      message: e.message,
      ...(planned.has(accountOf(e.address)) ? {} : { unread: true }),
      ...(e.refused ? { refused: true } : {}),
    })),
    ...(w.rate_shares ? { rate_shares: w.rate_shares.map((r) => ({ ...r })) } : {}),
    rules: w.rules.map((r) => ({ ...r })),
    thresholds: [...w.thresholds],
    summary: { ...summarise(actions, w.summary.adopt ?? 0) },
  };
}
