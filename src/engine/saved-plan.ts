// Saved plans: read one back, and tell whether it still describes what apply would do. A
// saved plan is applied exactly, or refused (exit 3) when the config, the state file or any
// live item it touches moved since it was made.

import { readFileSync } from 'node:fs';
import { canonicalJson } from '../digest.js';
import { UsageError, fileProblem } from '../errors.js';
import type { Config } from '../config/load.js';
import type { State } from '../state/state-file.js';
import { PLAN_FORMAT_VERSION, type Plan, type PlanAction } from './plan.js';

export function readSavedPlan(path: string): Plan {
  let plan: Plan;
  try {
    plan = JSON.parse(readFileSync(path, 'utf8')) as Plan;
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ? fileProblem(err) : `it is not JSON (${(err as Error).message})`;
    throw new UsageError(`cannot read the plan file ${path}: ${why}`);
  }
  if (typeof plan?.format_version !== 'string' || !Array.isArray(plan.actions) || !plan.state || !plan.options) {
    throw new UsageError(`${path} is not a statusform plan (write one with: statusform plan --out FILE)`);
  }
  if (plan.format_version.split('.')[0] !== PLAN_FORMAT_VERSION.split('.')[0]) {
    throw new UsageError(`${path} is plan format ${plan.format_version}; this statusform reads ${PLAN_FORMAT_VERSION}`);
  }
  return plan;
}

/** Why the saved plan no longer holds, checked before reading live state: config and state. */
export function staleBeforeRead(saved: Plan, config: Config, state: State): string[] {
  const reasons: string[] = [];
  if (saved.config_digest !== config.digest) reasons.push('the configuration changed since the plan was made');
  // A plan made before the first apply has no lineage yet; the first write gives the state one.
  if (saved.state.lineage !== state.lineage && saved.state.lineage !== '') reasons.push(`the state file is another history (lineage ${state.lineage}, the plan has ${saved.state.lineage})`);
  else if (saved.state.serial !== state.serial) reasons.push(`the state file changed since the plan was made (serial ${saved.state.serial} → ${state.serial})`);
  return reasons;
}

/** Why the saved plan no longer holds, from a fresh plan made now: any action added, gone or different. */
export function staleAgainst(saved: Plan, fresh: Plan): string[] {
  const key = (a: PlanAction) => canonicalJson(a);
  const before = new Map(saved.actions.map((a) => [a.address, a]));
  const now = new Map(fresh.actions.map((a) => [a.address, a]));
  const reasons: string[] = [];
  for (const [address, a] of before) {
    const f = now.get(address);
    if (!f) reasons.push(`${address}: live state changed; the planned ${a.action} is no longer needed`);
    else if (key(f) !== key(a)) reasons.push(`${address}: live state changed since the plan was made`);
  }
  for (const [address, f] of now) if (!before.has(address)) reasons.push(`${address}: live state changed; a ${f.action} is now needed`);
  return reasons;
}
