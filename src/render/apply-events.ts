// `apply --json`: what an apply does, as newline-delimited JSON events on stdout, one object per
// line, for bots and dashboards. Versioned like the plan (`format_version` in the first event; a
// minor version only adds events or fields, which consumers ignore). The JSON Schema of one line is
// schemas/apply-events.schema.json, generated from here by `npm run schema`; a test keeps it current.

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

type Schema = Record<string, unknown>;

/** The JSON Schema of one line (strict: no field beyond this version's, as the tests hold every event to). */
export function buildApplyEventsSchema(): Schema {
  const str = { type: 'string' };
  const count = { type: 'integer', minimum: 0 };
  const strings = { type: 'array', items: str };
  const actionKind = { enum: ['create', 'update', 'deactivate', 'reactivate', 'delete', 'transition'] };
  const accountOutcome = { enum: ['applied', 'unchanged', 'refused', 'failed'] };
  const event = (type: string, description: string, properties: Record<string, Schema>, required: string[]): Schema => ({
    type: 'object',
    description,
    additionalProperties: false,
    required: ['type', 'timestamp', ...required],
    properties: { type: { const: type }, timestamp: { type: 'string', description: 'ISO 8601, UTC.' }, ...properties },
  });
  const aboutProps = { address: { type: 'string', description: 'account.collection["key"]' }, account: str, action: actionKind };
  const aboutReq = ['address', 'account', 'action'];
  const summary = {
    type: 'object',
    additionalProperties: false,
    required: ['create', 'update', 'deactivate', 'reactivate', 'delete', 'transition', 'blocked'],
    properties: {
      create: count,
      update: count,
      deactivate: count,
      reactivate: count,
      delete: count,
      transition: count,
      blocked: count,
      adopt: { ...count, description: 'Declared items found at the vendor as declared: recorded as owned, no write.' },
      accounts: { ...count, description: 'Every account the plan covers, those that could not be planned included (since 1.1).' },
      errored_accounts: {
        ...count,
        description: 'Of those, the accounts that could not be planned in full (see `errors`): the plan is incomplete (since 1.1).',
      },
    },
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: APPLY_EVENTS_SCHEMA_ID,
    title: `statusform apply --json event (format ${APPLY_EVENTS_FORMAT_VERSION})`,
    description:
      'One line of `statusform apply --json`: newline-delimited JSON on stdout, nothing else there. ' +
      'The first event is `version`; then `plan`; then, per action, `action_started` and one of `action_done`, ' +
      '`action_failed` or `action_skipped` (a skipped action, or one whose first staged write failed, has no `action_started`), ' +
      'with `wait` events between; then one `account` event per account (since 1.1); ' +
      'last `summary` — or `error` when the run stopped before or instead of applying ' +
      '(the exit code says which way it ended). A later 1.x may add event types and fields: ignore the ones you do not know.',
    oneOf: [
      event(
        'version',
        'The format of these events, and the statusform that wrote them.',
        { format_version: { type: 'string', pattern: '^1\\.[0-9]+$' }, statusform: str },
        ['format_version', 'statusform'],
      ),
      event(
        'plan',
        'What this apply is about to do (the plan it made, or the saved plan it replays).',
        {
          summary,
          targets: { ...strings, description: 'The --target addresses and patterns the plan is limited to.' },
          actions: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: [...aboutReq, 'destructive', 'depends_on'],
              properties: {
                ...aboutProps,
                destructive: { type: 'boolean' },
                depends_on: strings,
                dependency_of: { ...strings, description: 'In a targeted plan: the targeted actions this one is there for.' },
              },
            },
          },
          errors: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['address', 'message'],
              properties: {
                address: str,
                account: { type: 'string', description: 'The account part of `address` (since 1.1).' },
                message: str,
              },
            },
          },
        },
        ['summary', 'actions', 'errors'],
      ),
      event('action_started', 'An action was sent to the vendor.', aboutProps, aboutReq),
      event(
        'action_done',
        'An action succeeded and is recorded in the state.',
        {
          ...aboutProps,
          vendor_id: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }], description: "The vendor's id of the item." },
          duration_ms: { ...count, description: 'From action_started to now.' },
        },
        [...aboutReq, 'vendor_id', 'duration_ms'],
      ),
      event(
        'action_failed',
        "An action failed; what depends on it is skipped. The message is the vendor's, free of secrets.",
        { ...aboutProps, message: str, duration_ms: count },
        [...aboutReq, 'message'],
      ),
      event(
        'action_skipped',
        'An action that never started: a dependency failed (`detail` names it), ' +
          'the run was interrupted, or the state could not be written.',
        { ...aboutProps, reason: { enum: ['dependency', 'interrupted', 'unrecordable', 'never_ready'] }, detail: str },
        [...aboutReq, 'reason', 'detail'],
      ),
      event(
        'wait',
        'A wait the run makes: a pause the vendor asked for (`kind: wait`, announced from 5 s), ' +
          'or a retry after a failed request (`kind: retry`, from the second retry).',
        {
          kind: { enum: ['wait', 'retry'] },
          account: str,
          seconds: { type: 'number', minimum: 0 },
          reason: { type: 'string', description: 'What asked for the wait (Retry-After, X-RateLimit-Reset), or why the request failed.' },
          until: { type: 'string', description: 'When the wait ends, ISO 8601 UTC.' },
          request: str,
          attempt: count,
          message: { type: 'string', description: 'The same notice as the text output says it.' },
        },
        ['kind', 'seconds', 'reason', 'message'],
      ),
      event(
        'account',
        "One account's outcome, before the summary (since 1.1): `applied` (every change made), `unchanged` (nothing to change), " +
          '`refused` (nothing written, on purpose: a guard, a held lock, a stale saved plan) or `failed` (unreadable, or a change ' +
          'failed or was skipped). Accounts are independent: one refused or failed does not stop the others.',
        {
          account: str,
          outcome: accountOutcome,
          reasons: { ...strings, description: 'Why it was refused or failed; empty otherwise.' },
          done: count,
          failed: count,
          skipped: count,
        },
        ['account', 'outcome', 'reasons', 'done', 'failed', 'skipped'],
      ),
      event(
        'summary',
        'The end of the apply: how many actions were done, failed and skipped.',
        {
          outcome: { enum: ['complete', 'incomplete', 'interrupted'] },
          done: count,
          failed: count,
          skipped: count,
          adopted: { ...count, description: 'Items recorded as owned without a write.' },
          state_failure: { type: 'string', description: 'Why the state could not be written.' },
          accounts: {
            type: 'object',
            additionalProperties: false,
            required: ['applied', 'unchanged', 'refused', 'failed'],
            properties: { applied: count, unchanged: count, refused: count, failed: count },
            description: 'How many accounts came to each outcome (since 1.1).',
          },
        },
        ['outcome', 'done', 'failed', 'skipped'],
      ),
      event(
        'error',
        'The apply stopped with an error or a refusal, before or instead of applying (the message as on stderr).',
        { message: str },
        ['message'],
      ),
    ],
  };
}

export function applyEventsSchemaText(): string {
  return `${JSON.stringify(buildApplyEventsSchema(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('../../schemas/apply-events.schema.json', import.meta.url), applyEventsSchemaText());
}
