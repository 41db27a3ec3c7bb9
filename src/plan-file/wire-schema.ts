// The JSON Schema of the plan's wire format (./wire.ts), published as schemas/plan.schema.json by
// `npm run schema` (scripts/plan-schema.ts); a test keeps the file current. Each object's
// properties are written against its TypeScript type, so the compiler refuses a schema that lacks
// a field of the type, names one the type does not have, or leaves a required field optional (or
// the other way round).
//
// Two forms: the published one is strict (no field beyond this version's), which is what the
// tests hold every plan they produce to; a reader of saved plans uses the open one, since a
// later 2.x may add fields that this version must ignore.

import {
  WIRE_FORMAT_VERSION,
  type WireAccount,
  type WireAction,
  type WireChange,
  type WireError,
  type WireNote,
  type WirePlan,
  type WireRateShare,
  type WireRule,
  type WireStateVersion,
  type WireSummary,
} from './wire.js';

export const PLAN_SCHEMA_ID = 'https://statusform.dev/schemas/plan.schema.json';

type Schema = Record<string, unknown>;

/** The keys of T that must be present. */
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/**
 * An object schema for T: `properties` must name every field of T and no other (an object
 * literal's excess-property check), and `required` only fields T requires (`all` checks that
 * none is missing).
 */
function object<T>(
  strict: boolean,
  properties: { [K in keyof Required<T>]: Schema },
  required: readonly RequiredKeys<T>[],
  description?: string,
): Schema {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    ...(strict ? { additionalProperties: false } : {}),
    required: [...required],
    properties,
  };
}

/** Checks at compile time that `keys` lists every required key of T (and only those). */
function all<T>() {
  return <const K extends readonly RequiredKeys<T>[]>(
    ...keys: K & ([RequiredKeys<T>] extends [K[number]] ? unknown : { missing: Exclude<RequiredKeys<T>, K[number]> })
  ): K => keys;
}

const str = (description?: string): Schema => ({ type: 'string', ...(description ? { description } : {}) });
const count: Schema = { type: 'integer', minimum: 0 };
const strings: Schema = { type: 'array', items: { type: 'string' } };

/** The definitions of one action and its values. */
function actionDefinitions(strict: boolean): Record<string, Schema> {
  // One type per branch: a \`type\` list needs ajv's allowUnionTypes, and strict validators refuse it.
  const value: Schema = {
    anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }, { type: 'array', items: { type: 'string' } }],
  };
  return {
    value,
    fields: { type: 'object', additionalProperties: { $ref: '#/definitions/value' } },
    change: changeSchema(strict),
    action: actionSchema(strict),
  };
}

function changeSchema(strict: boolean): Schema {
  return object<WireChange>(
    strict,
    {
      field: str(),
      before: { $ref: '#/definitions/value' },
      after: { $ref: '#/definitions/value' },
      kept: {
        const: true,
        description:
          'Since 2.4: a field statusform keeps itself (maps_to, where the vendor has no such field): ' +
          'apply records it in the state file and sends nothing to the vendor.',
      },
    },
    all<WireChange>()('field'),
    'A declared field that differs; a value that is not set is left out.',
  );
}

function actionSchema(strict: boolean): Schema {
  const fieldsOrNull: Schema = { anyOf: [{ type: 'null' }, { $ref: '#/definitions/fields' }] };
  return object<WireAction>(
    strict,
    {
      address: str('account.collection["key"]: unique within the plan.'),
      account: str(),
      collection: str(),
      key: str(),
      action: {
        enum: ['create', 'update', 'deactivate', 'reactivate', 'delete', 'transition', 'adopt'],
        description:
          'What the action does. `adopt` (since 2.3) writes nothing at the vendor: apply records the item, ' +
          'found there as declared, as owned in the state file.',
      },
      live_key: str(
        'The key the live item has at the vendor now, when it is not `key` (a rename in place, or an item renamed at the vendor).',
      ),
      vendor_id: {
        anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }],
        description: "The vendor's identity of the live item; null for a create.",
      },
      before: fieldsOrNull,
      after: fieldsOrNull,
      changes: { type: 'array', items: { $ref: '#/definitions/change' } },
      depends_on: { ...strings, description: 'Addresses of actions that must succeed first.' },
      destructive: { type: 'boolean' },
      reason: { enum: ['config', 'drift', 'refresh'] },
      path: { ...strings, description: 'For a transition: the statuses passed through, ending with the target.' },
      blocked: str('Why apply would refuse this change.'),
      dependency_of: {
        ...strings,
        description:
          'In a plan limited by --target: the targeted actions this one is in the plan for, since they depend on it (since 2.1).',
      },
    },
    all<WireAction>()(
      'address',
      'account',
      'collection',
      'key',
      'action',
      'vendor_id',
      'before',
      'after',
      'changes',
      'depends_on',
      'destructive',
      'reason',
    ),
  );
}

/** The definitions of notes, errors, accounts, rules, rate shares and state versions. */
function otherDefinitions(strict: boolean): Record<string, Schema> {
  const note = object<WireNote>(
    strict,
    {
      address: str(),
      kind: { enum: ['unmanaged', 'orphan', 'possible_rename', 'gone', 'warning'] },
      message: str(),
      side_effect: {
        type: 'boolean',
        description: 'A warning of something apply sets off at the vendor beyond the planned changes (since 2.1).',
      },
    },
    all<WireNote>()('address', 'kind', 'message'),
  );
  const error = object<WireError>(
    strict,
    {
      address: str(),
      account: str('The account part of `address` (since 2.3).'),
      message: str(),
      refused: { type: 'boolean', description: 'The account was refused before any request, not read (since 2.3).' },
    },
    all<WireError>()('address', 'message'),
    'An item that could not be planned, or a whole account whose live state could not be read.',
  );
  const account = object<WireAccount>(
    strict,
    {
      name: str(),
      vendor: str(),
      collection: str(),
      read: { enum: ['list', 'item', 'none'] },
      live_digest: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
    },
    all<WireAccount>()('name', 'vendor', 'collection', 'read', 'live_digest'),
  );
  const rule = object<WireRule>(
    strict,
    { account: str(), rule: str(), matched: count, moving: count, max: count },
    all<WireRule>()('account', 'rule', 'matched', 'moving', 'max'),
  );
  const rateShare = object<WireRateShare>(
    strict,
    {
      account: str(),
      share: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      requests: { type: 'number', exclusiveMinimum: 0 },
      seconds: { type: 'number', exclusiveMinimum: 0 },
    },
    all<WireRateShare>()('account', 'share', 'requests', 'seconds'),
    "An account that uses only a share of its vendor's rate limit (since 2.1).",
  );

  const version = object<WireStateVersion>(
    strict,
    { lineage: str("Empty before the account's first apply."), serial: count },
    all<WireStateVersion>()('lineage', 'serial'),
  );
  return { note, error, rate_share: rateShare, account, rule, state_version: version };
}

/** The plan's summary, state and options objects. */
function planParts(strict: boolean): { summary: Schema; state: Schema; options: Schema } {
  const summary = object<WireSummary>(
    strict,
    {
      create: count,
      update: count,
      deactivate: count,
      reactivate: count,
      delete: count,
      transition: count,
      blocked: count,
      adopt: {
        ...count,
        description:
          'Declared items found live as declared, recorded as owned on apply without a write (since 2.1); ' +
          'since 2.3 each is an action `adopt` too.',
      },
      accounts: { ...count, description: 'Every account the plan covers, those that could not be planned included (since 2.3).' },
      errored_accounts: {
        ...count,
        description:
          'Of those, the accounts that could not be planned in full: unread, or with an item in `errors`. ' +
          'Not 0: the plan is incomplete, and the counts are of what could be planned only (since 2.3).',
      },
    },
    all<WireSummary>()('create', 'update', 'deactivate', 'reactivate', 'delete', 'transition', 'blocked'),
  );
  const state = object<WirePlan['state']>(
    strict,
    {
      accounts: {
        type: 'object',
        additionalProperties: { $ref: '#/definitions/state_version' },
        description: 'Per planned account: the lineage and serial of its state when the plan was made.',
      },
    },
    all<WirePlan['state']>()('accounts'),
  );
  const options = object<WirePlan['options']>(
    strict,
    {
      accounts: { ...strings, description: 'The accounts planned; empty: all.' },
      refresh_all: { type: 'boolean' },
      shard: { type: 'string', pattern: '^[0-9]+/[0-9]+$', description: 'The shard K/N of those accounts (--shard), since 2.1.' },
      targets: {
        ...strings,
        description:
          'The --target addresses and patterns the plan is limited to (since 2.1); apply of a saved plan limits itself the same way.',
      },
    },
    all<WirePlan['options']>()('accounts', 'refresh_all'),
  );
  return { summary, state, options };
}

/** The plan object itself: its fields, in terms of the definitions. */
function planObject(strict: boolean, major: string): Schema {
  const { summary, state, options } = planParts(strict);
  const plan = object<WirePlan>(
    strict,
    {
      format_version: { type: 'string', pattern: `^${major}\\.[0-9]+$` },
      config_digest: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
      config_files_digest: {
        type: 'string',
        pattern: '^sha256:[0-9a-f]{64}$',
        description: "The configuration files as written: the plans of one commit's shards share it (since 2.2).",
      },
      config_digests: {
        type: 'object',
        additionalProperties: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
        description: "Per planned account, its own configuration's digest: apply refuses only the accounts whose digest moved (since 2.3).",
      },
      config_path: { type: 'string', minLength: 1, description: "The configuration (-c), relative to the plan file's folder (since 2.1)." },
      state,
      options,
      accounts: { type: 'array', items: { $ref: '#/definitions/account' } },
      actions: { type: 'array', items: { $ref: '#/definitions/action' } },
      notes: { type: 'array', items: { $ref: '#/definitions/note' } },
      errors: {
        type: 'array',
        items: { $ref: '#/definitions/error' },
        description: 'Items, or whole accounts whose live state could not be read, that could not be planned.',
      },
      rate_shares: { type: 'array', items: { $ref: '#/definitions/rate_share' } },
      rules: { type: 'array', items: { $ref: '#/definitions/rule' } },
      thresholds: strings,
      summary,
    },
    all<WirePlan>()(
      'format_version',
      'config_digest',
      'state',
      'options',
      'accounts',
      'actions',
      'notes',
      'errors',
      'rules',
      'thresholds',
      'summary',
    ),
  );

  return plan;
}

export function buildPlanSchema(opts: { strict: boolean }): Schema {
  const { strict } = opts;
  const major = WIRE_FORMAT_VERSION.split('.')[0]!;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: PLAN_SCHEMA_ID,
    title: `statusform plan (format ${WIRE_FORMAT_VERSION})`,
    description:
      `What \`statusform plan --format json\` prints and \`plan --out\` saves. ` +
      `A later ${major}.x may add fields: consumers ignore fields they do not know.`,
    ...planObject(strict, major),
    definitions: { ...actionDefinitions(strict), ...otherDefinitions(strict) },
  };
}
