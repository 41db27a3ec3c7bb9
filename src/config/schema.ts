// The JSON Schema of the config, composed from the common account fields and each adapter's
// own fragment. schemas/statusform.schema.json is generated from this (npm run schema) and a
// test keeps the two identical.

import type { VendorAdapter } from '../vendors/adapter.js';

export const DEFAULT_CATEGORIES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'] as const;

export const SCHEMA_ID = 'https://statusform.dev/schemas/statusform.schema.json';

const commonAccountProperties = {
  base_url: {
    type: 'string',
    minLength: 1,
    description: "The vendor API's base URL; defaults to the vendor's public one where it has one.",
  },
  rate_limit: {
    type: 'object',
    additionalProperties: false,
    dependencies: { requests: ['seconds'], seconds: ['requests'] },
    properties: {
      requests: { type: 'integer', minimum: 1 },
      seconds: { type: 'number', exclusiveMinimum: 0 },
      share: {
        type: 'number',
        exclusiveMinimum: 0,
        maximum: 1,
        description:
          "Use at most this share of the limit (e.g. 0.5), leaving the rest to the company's own integrations of the same account.",
      },
    },
    description: "Requests per window; defaults to the vendor's documented limit. With share, statusform uses only that part of it.",
  },
  max_wait_seconds: {
    type: 'number',
    minimum: 0,
    default: 300,
    description:
      'The longest wait the vendor may ask for (Retry-After, X-RateLimit-Reset) before the run stops with an error; --max-wait overrides.',
  },
  prune: { type: 'boolean', default: false, description: 'Deactivate (or delete, where guarded) owned items that left the list.' },
  safety: {
    type: 'object',
    additionalProperties: false,
    properties: {
      max_update_percent: { type: 'number', minimum: 0, maximum: 100, default: 30 },
      max_delete_percent: { type: 'number', minimum: 0, maximum: 100, default: 30, description: 'Deactivations and deletes together.' },
      min_owned: {
        type: 'integer',
        minimum: 0,
        default: 10,
        description: 'The percentages apply once the account owns at least this many items.',
      },
    },
    description: 'Refuse a plan that changes too much of what the account owns (--allow-bulk overrides for one run).',
  },
} as const;

export const DEFAULT_SAFETY = { max_update_percent: 30, max_delete_percent: 30, min_owned: 10 } as const;

/** A value written as one environment reference: `${NAME}`, replaced before statusform validates. */
export const ENV_REFERENCE = '^\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$';

/**
 * The schema with every number and boolean also allowed as `${NAME}` (editors and validators see
 * the raw file; statusform substitutes the environment before it validates).
 */
function allowEnv(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(allowEnv);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'const' || k === 'enum' || k === 'default' ? v : allowEnv(v);
  const type = out['type'];
  if (type === 'number' || type === 'integer' || type === 'boolean') {
    const { description, default: dflt, ...value } = out;
    return {
      ...(description !== undefined ? { description } : {}),
      ...(dflt !== undefined ? { default: dflt } : {}),
      anyOf: [value, { type: 'string', pattern: ENV_REFERENCE }],
    };
  }
  return out;
}

const TOP_PROPERTIES = {
  version: { const: 1 },
  categories: {
    type: 'array',
    minItems: 1,
    uniqueItems: true,
    items: { type: 'string', pattern: '^[a-z][a-z0-9_-]*$' },
    description: `The canonical categories; default ${DEFAULT_CATEGORIES.join(', ')}.`,
  },
  state: {
    anyOf: [{ type: 'string', minLength: 1 }, { $ref: '#/definitions/postgres_state' }],
    description:
      'Where the state is, relative to the config: a directory (one file per account; ' +
      'a path ending in / or naming a directory) or a single state file (a path ending in .json or naming a file). ' +
      'Default: statusform.state.json beside the config if it exists, else the directory statusform.state/. ' +
      'Or a PostgreSQL database: a mapping with backend: postgres and url: ${STATUSFORM_PG_URL}.',
  },
  accounts: {
    type: 'object',
    propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_-]*$' },
    additionalProperties: { $ref: '#/definitions/account' },
  },
};

const POSTGRES_STATE = {
  type: 'object',
  additionalProperties: false,
  required: ['backend', 'url'],
  properties: {
    backend: { enum: ['postgres'], description: 'Keep the state in PostgreSQL: one row per account, locks held by the database.' },
    url: {
      type: 'string',
      minLength: 1,
      description: 'The connection URL, postgres://user:password@host:5432/db: a secret, so write it as ${VARIABLE}.',
    },
    schema: {
      type: 'string',
      pattern: '^[a-z_][a-z0-9_]{0,62}$',
      description: "The database schema of statusform's tables (default statusform): one per configuration sharing a database.",
    },
  },
};

export function buildSchema(adapters: readonly VendorAdapter[], opts: { envReferences?: boolean } = {}): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_ID,
    title: 'statusform configuration (version 1)',
    type: 'object',
    additionalProperties: false,
    required: ['version', 'accounts'],
    properties: TOP_PROPERTIES,
    definitions: {
      postgres_state: POSTGRES_STATE,
      account: anyAccount(adapters),
      ...vendorAccounts(adapters, opts.envReferences !== false),
    },
  };
}

/** Each vendor's account: the settings every account has, and the vendor's own. */
function vendorAccounts(adapters: readonly VendorAdapter[], envReferences: boolean): Record<string, unknown> {
  const definitions: Record<string, unknown> = {};
  for (const a of adapters) {
    const account = {
      type: 'object',
      additionalProperties: false,
      required: ['vendor', ...a.accountSchema.required],
      properties: { vendor: { const: a.vendor }, ...commonAccountProperties, ...a.accountSchema.properties },
    };
    definitions[`${a.vendor}_account`] = envReferences ? allowEnv(account) : account;
  }
  return definitions;
}

/**
 * An account of any vendor. Standard JSON Schema only (no `discriminator`): an unknown vendor is
 * one enum error, and a known one is checked against its own definition alone.
 */
function anyAccount(adapters: readonly VendorAdapter[]): Record<string, unknown> {
  return {
    type: 'object',
    required: ['vendor'],
    properties: { vendor: { enum: adapters.map((a) => a.vendor), description: 'Which vendor this account is at.' } },
    allOf: adapters.map((a) => ({
      if: { type: 'object', required: ['vendor'], properties: { vendor: { const: a.vendor } } },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword
      then: { $ref: `#/definitions/${a.vendor}_account` },
    })),
  };
}
