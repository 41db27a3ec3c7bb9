// The JSON Schema of one line of `apply --json` (./apply-events.ts), published as
// schemas/apply-events.schema.json by `npm run schema` (scripts/apply-events-schema.ts); a test
// keeps the file current. Strict: no field beyond this version's, as the tests hold every event to.

import { APPLY_EVENTS_FORMAT_VERSION, APPLY_EVENTS_SCHEMA_ID } from './apply-events.js';

type Schema = Record<string, unknown>;

const str = { type: 'string' };
const count = { type: 'integer', minimum: 0 };
const strings = { type: 'array', items: str };
const actionKind = { enum: ['create', 'update', 'deactivate', 'reactivate', 'delete', 'transition'] };
const accountOutcome = { enum: ['applied', 'unchanged', 'refused', 'failed'] };
/** What every event about one action has. */
const aboutProps = { address: { type: 'string', description: 'account.collection["key"]' }, account: str, action: actionKind };
const aboutReq = ['address', 'account', 'action'];

/** One event type: its `type` and `timestamp`, and its own fields. */
function event(type: string, description: string, properties: Record<string, Schema>, required: string[]): Schema {
  return {
    type: 'object',
    description,
    additionalProperties: false,
    required: ['type', 'timestamp', ...required],
    properties: { type: { const: type }, timestamp: { type: 'string', description: 'ISO 8601, UTC.' }, ...properties },
  };
}

/** The JSON Schema of one line: one of the event types. */
export function buildApplyEventsSchema(): Schema {
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
      planEvent(),
      ...actionEvents(),
      waitEvent(),
      accountEvent(),
      summaryEvent(),
      event(
        'error',
        'The apply stopped with an error or a refusal, before or instead of applying (the message as on stderr).',
        { message: str },
        ['message'],
      ),
    ],
  };
}

/** The plan's summary, as the plan event carries it. */
function planSummary(): Schema {
  return {
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
}

function planEvent(): Schema {
  return event(
    'plan',
    'What this apply is about to do (the plan it made, or the saved plan it replays).',
    {
      summary: planSummary(),
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
  );
}

/** An action's events: started, then done, failed or skipped. */
function actionEvents(): Schema[] {
  return [
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
  ];
}

function waitEvent(): Schema {
  return event(
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
  );
}

function accountEvent(): Schema {
  return event(
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
  );
}

function summaryEvent(): Schema {
  return event(
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
  );
}
