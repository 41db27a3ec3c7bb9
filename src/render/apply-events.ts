// `apply --json`: what an apply does, as newline-delimited JSON events on stdout, one object per
// line, for bots and dashboards. Versioned like the plan (`format_version` in the first event; a
// minor version only adds events or fields, which consumers ignore). The JSON Schema of one line is
// ./apply-events-schema.ts.

import { outcomeCounts, type AccountOutcome, type AccountOutcomeKind } from '../engine/account-outcomes.js';
import type { ActionOutcome, ApplyEvent, ApplyResult } from '../engine/execute.js';
import { accountOf, type Plan, type PlanAction } from '../engine/plan.js';
import { wireSummary, type WireSummary } from '../plan-file/wire.js';

export const APPLY_EVENTS_FORMAT_VERSION = '1.1';
export const APPLY_EVENTS_SCHEMA_ID = 'https://statusform.dev/schemas/apply-events.schema.json';

interface About {
  address: string;
  account: string;
  /** A change the executor makes (an adoption is no action it runs: the summary counts them). */
  action: PlanAction['action'];
}

/** One line of `apply --json`. Every event has `type` and `timestamp` (ISO 8601, UTC). */
export type ApplyEventLine = { timestamp: string } & (
  | { type: 'version'; format_version: string; statusform: string }
  | {
      type: 'plan';
      summary: WireSummary;
      targets?: string[];
      actions: (About & { destructive: boolean; depends_on: string[]; dependency_of?: string[] })[];
      errors: { address: string; account: string; message: string }[];
    }
  | ({ type: 'action_started' } & About)
  | ({ type: 'action_done'; vendor_id: string | number | null; duration_ms: number } & About)
  | ({ type: 'action_failed'; message: string; duration_ms?: number } & About)
  | ({ type: 'action_skipped'; reason: 'dependency' | 'interrupted' | 'unrecordable' | 'never_ready'; detail: string } & About)
  | {
      type: 'wait';
      kind: 'wait' | 'retry';
      account?: string;
      seconds: number;
      reason: string;
      until?: string;
      request?: string;
      attempt?: number;
      message: string;
    }
  | ({ type: 'account' } & AccountOutcome)
  | {
      type: 'summary';
      outcome: 'complete' | 'incomplete' | 'interrupted';
      done: number;
      failed: number;
      skipped: number;
      adopted?: number;
      state_failure?: string;
      accounts?: Record<AccountOutcomeKind, number>;
    }
  | { type: 'error'; message: string }
);

type Stamp = () => string;

export function versionEvent(statusform: string, at: Stamp): ApplyEventLine {
  return { type: 'version', timestamp: at(), format_version: APPLY_EVENTS_FORMAT_VERSION, statusform };
}

export function planEvent(plan: Plan, at: Stamp): ApplyEventLine {
  return {
    type: 'plan',
    timestamp: at(),
    summary: wireSummary(plan),
    ...(plan.options.targets ? { targets: [...plan.options.targets] } : {}),
    actions: plan.actions.map((a) => ({
      address: a.address,
      account: a.account,
      action: a.action,
      destructive: a.destructive,
      depends_on: [...a.depends_on],
      ...(a.dependency_of ? { dependency_of: [...a.dependency_of] } : {}),
    })),
    errors: plan.errors.map((e) => ({ address: e.address, account: accountOf(e.address), message: e.message })),
  };
}

function about(o: { address: string; account: string; action: PlanAction['action'] }): About {
  return { address: o.address, account: o.account, action: o.action };
}

/** The event of an executor's start or end of an action. */
export function actionEvent(e: ApplyEvent, at: Stamp): ApplyEventLine {
  const base = about(e.action);
  if (e.type === 'start') return { type: 'action_started', timestamp: at(), ...base };
  const o: ActionOutcome = e.outcome;
  if (o.status === 'done')
    return { type: 'action_done', timestamp: at(), ...base, vendor_id: o.vendorId ?? e.action.id, duration_ms: o.durationMs ?? 0 };
  if (o.status === 'failed')
    return {
      type: 'action_failed',
      timestamp: at(),
      ...base,
      message: o.detail ?? '',
      ...(o.durationMs !== undefined ? { duration_ms: o.durationMs } : {}),
    };
  return { type: 'action_skipped', timestamp: at(), ...base, reason: o.because ?? 'never_ready', detail: o.detail ?? '' };
}

/** An action the executor never reached (so never reported): skipped. */
export function neverReadyEvent(o: ActionOutcome, account: string, at: Stamp): ApplyEventLine {
  return {
    type: 'action_skipped',
    timestamp: at(),
    address: o.address,
    account,
    action: o.action,
    reason: o.because ?? 'never_ready',
    detail: o.detail ?? '',
  };
}

/** One account's outcome (since 1.1): applied, unchanged, refused or failed, and why. */
export function accountEvent(o: AccountOutcome, at: Stamp): ApplyEventLine {
  return { type: 'account', timestamp: at(), ...o, reasons: [...o.reasons] };
}

export function summaryEvent(result: ApplyResult, at: Stamp, accounts?: readonly AccountOutcome[]): ApplyEventLine {
  const outcome = result.interrupted
    ? 'interrupted'
    : result.failed + result.skipped === 0 &&
        !result.stateFailure &&
        !accounts?.some((a) => a.outcome === 'failed' || a.outcome === 'refused')
      ? 'complete'
      : 'incomplete';
  return {
    type: 'summary',
    timestamp: at(),
    outcome,
    done: result.done,
    failed: result.failed,
    skipped: result.skipped,
    ...(result.adopted ? { adopted: result.adopted } : {}),
    ...(result.stateFailure ? { state_failure: result.stateFailure } : {}),
    ...(accounts ? { accounts: outcomeCounts(accounts) } : {}),
  };
}

export function eventLine(e: ApplyEventLine): string {
  return `${JSON.stringify(e)}\n`;
}
