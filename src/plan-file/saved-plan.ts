// Saved plans: read one back (the wire format, checked against its schema), and tell whether it
// still describes what apply would do. A saved plan is applied exactly, or refused (exit 3) when
// the config, the state file or any live item it touches moved since it was made.
//
// Apply does not execute the file: it re-derives the plan from the config, the state and a fresh
// read, and goes ahead only when that plan's wire actions are the saved ones, action by action
// (compared by digest) — adoptions too, since what is recorded as owned decides what prune may
// remove later. What the file leaves out — a unique-field swap's temporary value, items to
// forget — is the engine's to work out again, and changes no outcome.

import { readFileSync } from 'node:fs';
import { UsageError, fileProblem } from '../errors.js';
import { answerProblem, type AnswerShape } from '../http/answer.js';
import { modelDigests } from '../config/digests.js';
import type { ConfigWithState } from '../state/config-with-state.js';
import type { Snapshot, StateVersion } from '../state/store.js';
import { WIRE_FORMAT_VERSION, actionDigest, type WireAction, type WirePlan } from './wire.js';
import { buildPlanSchema } from './wire-schema.js';

const MAKE_ONE = 'make one with: statusform plan --out FILE';

/** A saved plan, by the open form of the schema: a later minor version may add fields, which are ignored. */
let shape: AnswerShape | undefined;
export function savedPlanShape(): AnswerShape {
  shape ??= { name: 'a valid statusform plan', schema: buildPlanSchema({ strict: false }) };
  return shape;
}

/** A saved plan from its file, or from its text when the caller has read it already (`path` then names it). */
export function readSavedPlan(path: string, text?: string): WirePlan {
  let plan: unknown;
  try {
    plan = JSON.parse(text ?? readFileSync(path, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ? fileProblem(err) : `it is not JSON (${(err as Error).message})`;
    throw new UsageError(`cannot read the plan file ${path}: ${why}`);
  }
  const version =
    plan !== null && typeof plan === 'object' && !Array.isArray(plan) ? (plan as Record<string, unknown>)['format_version'] : undefined;
  if (typeof version !== 'string') throw new UsageError(`${path} is not a statusform plan (it has no format_version); ${MAKE_ONE}`);
  if (version.split('.')[0] !== WIRE_FORMAT_VERSION.split('.')[0]) {
    throw new UsageError(
      `${path} is plan format ${version}; this statusform reads format ${WIRE_FORMAT_VERSION.split('.')[0]}.x: ${MAKE_ONE}`,
    );
  }
  const problem = answerProblem(savedPlanShape(), plan); // "it is not a valid statusform plan: /actions/0 lacks …"
  if (problem) throw new UsageError(`${path} ${problem.replace(/^it /, '')}; ${MAKE_ONE}`);
  return plan as WirePlan;
}

/**
 * Why a saved plan no longer holds: for the whole plan (`all`: every account it covers is refused),
 * and account by account (only those are refused; the others are applied as reviewed).
 */
export interface Staleness {
  all: string[];
  accounts: Map<string, string[]>;
}

function staleness(): Staleness & { add(account: string, reason: string): void } {
  const accounts = new Map<string, string[]>();
  return { all: [], accounts, add: (a, r) => accounts.set(a, [...(accounts.get(a) ?? []), r]) };
}

/** Why the saved plan no longer holds, checked before reading live state: config and state, per account. */
export function staleBeforeRead(saved: WirePlan, config: ConfigWithState, state: Snapshot): Staleness {
  const out = staleness();
  const digests = saved.config_digests;
  const declared = modelDigests(config);
  // Before 2.3 a plan has one digest for all its accounts: any change refuses all of them.
  if (digests === undefined && saved.config_digest !== declared.digest) out.all.push('the configuration changed since the plan was made');
  for (const [name, then] of Object.entries(saved.state.accounts)) {
    if (digests !== undefined && digests[name] !== declared.accountDigests[name])
      out.add(name, `the configuration of account ${name} changed since the plan was made`);
    const now = state.versions[name] ?? { lineage: '', serial: 0 };
    const perAccount = config.stateLayout !== 'file';
    const reason = stateMoved(then, now, perAccount ? `the state of account ${name}` : 'the state file');
    if (reason === undefined) continue;
    // The single state file is every account's: when it moved, the whole plan is stale (said once).
    if (perAccount) out.add(name, reason);
    else if (!out.all.includes(reason)) out.all.push(reason);
  }
  return out;
}

function stateMoved(then: StateVersion, now: StateVersion, what: string): string | undefined {
  // A plan made before the account's first apply has no lineage yet; the first write gives its state one.
  if (then.lineage !== now.lineage && then.lineage !== '')
    return `${what} is another history (lineage ${now.lineage}, the plan has ${then.lineage})`;
  if (then.serial !== now.serial) return `${what} changed since the plan was made (serial ${then.serial} → ${now.serial})`;
  return undefined;
}

/**
 * Why the saved plan no longer holds, from the wire form of a plan made now, per account: any
 * action added, gone or different (its digest). Live changes to items no action touches do not count.
 */
export function staleAgainst(saved: WirePlan, fresh: WirePlan): Staleness {
  const out = staleness();
  const byAddress = (actions: readonly WireAction[]) => new Map(actions.map((a) => [a.address, a]));
  const before = byAddress(saved.actions);
  // A plan saved before adoptions were actions (format 2.2) could not list them: they are not held against it.
  const now = byAddress(listsAdoptions(saved) ? fresh.actions : fresh.actions.filter((a) => a.action !== 'adopt'));
  if (before.size !== saved.actions.length) out.all.push('the plan file lists an address twice');
  for (const [address, a] of before) {
    const f = now.get(address);
    if (!f) out.add(a.account, `${address}: live state changed; the planned ${kindOf(a)} is no longer needed`);
    else if (f.action !== a.action)
      out.add(a.account, `${address}: live state changed; the planned ${kindOf(a)} is no longer needed, ${article(f)} is instead`);
    else if (actionDigest(f) !== actionDigest(a)) out.add(a.account, `${address}: live state changed since the plan was made`);
  }
  for (const [address, f] of now)
    if (!before.has(address)) out.add(f.account, `${address}: live state changed; ${article(f)} is now needed`);
  return out;
}

/** Every reason, whole-plan ones first: for messages and tests. */
export function staleReasons(s: Staleness): string[] {
  return [...s.all, ...[...s.accounts.values()].flat()];
}

/** Whether a saved plan's format lists adoptions as actions (2.3 and later). */
function listsAdoptions(saved: WirePlan): boolean {
  const minor = Number(saved.format_version.split('.')[1]);
  return !(minor < 3);
}

function kindOf(a: WireAction): string {
  return a.action === 'adopt' ? 'adoption' : a.action;
}

function article(a: WireAction): string {
  return `${/^[aeiou]/.test(kindOf(a)) ? 'an' : 'a'} ${kindOf(a)}`;
}
