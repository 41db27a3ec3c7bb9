// Safety guards, decided on the plan as a whole before any write (like octoDNS's thresholds).

import { RefusedError } from '../errors.js';
import type { Plan } from './plan.js';

export interface GuardOptions {
  allowDestroy: boolean;
}

/** Refuses (exit 3) before any write if any action is blocked or a hard delete lacks --allow-destroy. */
export function checkGuards(plan: Plan, opts: GuardOptions): void {
  const reasons: string[] = [];
  for (const a of plan.actions) {
    if (a.blocked) reasons.push(`${a.address}: ${a.action} refused: ${a.blocked}`);
    else if (a.action === 'delete' && !opts.allowDestroy) reasons.push(`${a.address}: delete refused: a hard delete needs --allow-destroy`);
  }
  if (reasons.length > 0) {
    throw new RefusedError(`apply refused before any write:\n  ${reasons.join('\n  ')}`);
  }
}
