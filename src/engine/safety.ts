// Safety guards, decided on the plan as a whole before any write (like octoDNS's thresholds).

import { RefusedError } from '../errors.js';
import type { Plan } from './plan.js';

export interface GuardOptions {
  allowDestroy: boolean;
  /** Let selector rules move more items than their max, for this run. */
  allowBulk?: boolean;
}

/** Refuses (exit 3) before any write if any action is blocked, a hard delete lacks --allow-destroy, or a rule moves more than its max without --allow-bulk. */
export function checkGuards(plan: Plan, opts: GuardOptions): void {
  const reasons: string[] = [];
  for (const a of plan.actions) {
    if (a.blocked) reasons.push(`${a.address}: ${a.action} refused: ${a.blocked}`);
    else if (a.action === 'delete' && !opts.allowDestroy) reasons.push(`${a.address}: delete refused: a hard delete needs --allow-destroy`);
  }
  if (!opts.allowBulk) {
    for (const r of plan.rules) {
      if (r.moving > r.max) reasons.push(`${r.account}: rule "${r.rule}" would change ${r.moving} items, more than its max of ${r.max} (check the plan, then pass --allow-bulk)`);
    }
  }
  if (reasons.length > 0) {
    throw new RefusedError(`apply refused before any write:\n  ${reasons.join('\n  ')}`);
  }
}
