// Zendesk custom ticket statuses: wire types, answer schemas, error bodies and plan rate limits
// (vendor-docs zendesk-custom-statuses.md; D = documented, 3P = third-party only, A = assumed).

import type { AnswerShape } from '../../http/answer.js';
import type { RateLimit } from '../../model.js';

/** The five fixed categories (D: CTS). There is no `closed` category: Closed tickets are solved (D). */
export const STATUS_CATEGORIES = ['new', 'open', 'pending', 'hold', 'solved'] as const;
export type StatusCategory = (typeof STATUS_CATEGORIES)[number];

/** Categories a custom status may be created in: `new` holds only its built-in status (D: CTS-a; 3P: Salto). */
export const CREATABLE_CATEGORIES: readonly StatusCategory[] = ['open', 'pending', 'hold', 'solved'];

/** Agent and end-user labels: at most 48 characters of displayed text (D: CTS field table). */
export const MAX_LABEL = 48;
/** 300 custom statuses per account, 100 per category (D: CTS); counted over every listed row, active or not (A). */
export const MAX_PER_ACCOUNT = 300;
export const MAX_PER_CATEGORY = 100;

/** The built-in statuses' raw labels, e.g. `{{zd.status_open}}` (3P: BLOG). */
export const SYSTEM_LABEL = /^\{\{zd\.status_[a-z_]+\}\}$/;

/**
 * The OAuth scope statusform asks for: `read` for the list, the features and the settings, `write`
 * for POST and PUT (D: OAuth Tokens API "Scopes"). No resource scope is documented for custom
 * statuses (A: the global pair, as Salto asks).
 */
export const OAUTH_SCOPE = 'read write';
/** Where a confidential client gets a token by the client-credentials grant (D: "OAuth Tokens for Grant Types"). */
export const OAUTH_TOKEN_PATH = '/oauth/tokens';
/** When Zendesk deactivates every API token (D: "Migrating from API tokens to OAuth access tokens"). */
export const API_TOKENS_END = '30 April 2027';

/**
 * A custom status as statusform reads it. Zendesk's OpenAPI description requires only
 * `agent_label` and `status_category` (CustomStatusObject); statusform also requires `id` and
 * `active` (see STATUS_SHAPE), and reads an absent `default` as false.
 */
export interface CustomStatus {
  id: number;
  status_category: string;
  agent_label: string;
  raw_agent_label?: string;
  end_user_label?: string | null;
  raw_end_user_label?: string | null;
  description?: string | null;
  raw_description?: string | null;
  end_user_description?: string | null;
  raw_end_user_description?: string | null;
  active: boolean;
  default?: boolean;
  created_at?: string;
  updated_at?: string;
}

/** The writable fields of a custom status (D: CTS create and update bodies; `status_category` on create only). */
export interface CustomStatusInput {
  status_category?: string;
  agent_label?: string;
  end_user_label?: string;
  description?: string;
  end_user_description?: string;
  active?: boolean;
}

/**
 * Requests per minute by plan (D: RL, and the Suite/Support plan table; High Volume add-on D: HC-HV;
 * `essential` 3P: rate-limits.apis.io only). Without `plan`, Team's 200 (A: the lowest current plan).
 */
export const PLAN_LIMITS: Record<string, number> = {
  essential: 10,
  team: 200,
  growth: 400,
  professional: 400,
  enterprise: 700,
  enterprise_plus: 2500,
  high_volume: 2500,
};
export const DEFAULT_RATE_LIMIT: RateLimit = { requests: 200, seconds: 60 };

const text = { type: ['string', 'null'] } as const;

/**
 * A custom status in an answer. Zendesk's OpenAPI description (CustomStatusObject) requires
 * `agent_label` and `status_category` only; statusform requires two more, because the engine cannot
 * plan without them and a guess would be a silent lie: `id` (the identity recorded in the state and
 * used in every PUT path) and `active` (what decides a reactivation or a retirement — an absent
 * one read as true would hide a retired status, read as false would reactivate a live one).
 * `default` stays optional, read as false: at worst statusform plans a retirement Zendesk refuses
 * with its own message (D: a default cannot be deactivated). `status_category` is any text here,
 * not the five-value enum: a category statusform does not know is a warning, not an unreadable
 * account. Unknown keys are ignored (A).
 */
const statusShape = {
  type: 'object',
  required: ['id', 'status_category', 'agent_label', 'active'],
  properties: {
    id: { type: 'integer', minimum: 1 },
    status_category: { type: 'string', minLength: 1 },
    agent_label: { type: 'string' },
    raw_agent_label: { type: 'string' },
    end_user_label: text,
    raw_end_user_label: text,
    description: text,
    raw_description: text,
    end_user_description: text,
    raw_end_user_description: text,
    active: { type: 'boolean' },
    default: { type: 'boolean' },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
} as const;

/**
 * GET /api/v2/custom_statuses: `{custom_statuses: […]}`, one call, not paginated (D). The
 * description leaves `custom_statuses` optional; statusform requires it (a missing list is never
 * read as an empty one). A `next_page`, or `links.next` with `meta.has_more`, is followed should it
 * appear (A: some clients model pagination here, 3P).
 */
export const STATUS_LIST: AnswerShape = {
  name: 'a list of Zendesk custom statuses',
  schema: {
    type: 'object',
    required: ['custom_statuses'],
    properties: {
      custom_statuses: { type: 'array', items: statusShape },
      next_page: { type: ['string', 'null'] },
      links: { type: 'object', properties: { next: { type: ['string', 'null'] } } },
      meta: { type: 'object', properties: { has_more: { type: 'boolean' } } },
    },
  },
};

/** POST (201) and PUT (200) /api/v2/custom_statuses[/{id}]: `{custom_status: {…}}` (D; `custom_status` required here, as above). */
export const ONE_STATUS: AnswerShape = {
  name: 'a Zendesk custom status',
  schema: { type: 'object', required: ['custom_status'], properties: { custom_status: statusShape } },
};

/** GET /api/v2/account/features: `features.custom_statuses_enabled.enabled` (3P: Salto). The flag may be absent (A). */
export const ACCOUNT_FEATURES: AnswerShape = {
  name: 'the Zendesk account features',
  schema: {
    type: 'object',
    required: ['features'],
    properties: {
      features: {
        type: 'object',
        properties: { custom_statuses_enabled: { type: 'object', required: ['enabled'], properties: { enabled: { type: 'boolean' } } } },
      },
    },
  },
};

/**
 * GET /api/v2/account/settings: `settings.tickets.status_hold`, whether the On-hold status is on
 * (D: Account Settings reference, AccountSettingsTicketObject). Every part may be absent (A).
 */
export const ACCOUNT_SETTINGS: AnswerShape = {
  name: 'the Zendesk account settings',
  schema: {
    type: 'object',
    required: ['settings'],
    properties: {
      settings: {
        type: 'object',
        properties: { tickets: { type: 'object', properties: { status_hold: { type: 'boolean' } } } },
      },
    },
  },
};

/**
 * POST /oauth/tokens (client-credentials grant): `{access_token, token_type, scope, expires_in?}`
 * (D: "OAuth Tokens for Grant Types"; `expires_in` in seconds, A: absent means Zendesk gave no end).
 */
export const OAUTH_TOKEN: AnswerShape = {
  name: 'a Zendesk OAuth access token',
  schema: {
    type: 'object',
    required: ['access_token'],
    properties: {
      access_token: { type: 'string', minLength: 1 },
      token_type: { type: 'string' },
      scope: { type: 'string' },
      expires_in: { type: ['integer', 'null'], minimum: 1 },
    },
  },
};

/**
 * Error bodies, in every shape Zendesk uses: `{error, description?, details?}` with `details` a map
 * from field to `[{description, error}]` (3P: public client threads); `{error: {title, message}}`
 * for a permission refusal and `{error, description}` for a missing scope (D: the two 403s);
 * `{errors: [{code, title, detail?}]}` (D: the OpenAPI description's Errors); OAuth's
 * `{error, error_description}` (A: RFC 6749 §5.2, RFC 6750 §3.1). Some are text/plain or
 * text/html (D: REQ, RLBP), shown as they are.
 */
const errorField = {
  anyOf: [{ type: 'string' }, { type: 'object', properties: { title: { type: 'string' }, message: { type: 'string' } } }],
} as const;
const errorsField = {
  type: 'array',
  items: {
    type: 'object',
    required: ['code', 'title'],
    properties: { code: { type: 'string' }, title: { type: 'string' }, detail: { type: 'string' } },
  },
} as const;

export const ZENDESK_ERROR: AnswerShape = {
  name: 'a Zendesk error body',
  schema: {
    type: 'object',
    // One of the two envelopes at least: `error` (Zendesk's own, and OAuth's) or `errors` (the description's).
    anyOf: [
      { required: ['error'], properties: { error: errorField } },
      { required: ['errors'], properties: { errors: errorsField } },
    ],
    properties: {
      error: errorField,
      errors: errorsField,
      error_description: { type: 'string' },
      description: { type: 'string' },
      details: {
        type: 'object',
        additionalProperties: {
          type: 'array',
          items: { type: 'object', properties: { description: { type: 'string' }, error: { type: 'string' } } },
        },
      },
    },
  },
};

interface ErrorBody {
  error?: unknown;
  error_description?: unknown;
  description?: unknown;
  details?: Record<string, { description?: string; error?: string }[]>;
  errors?: { code?: string; title?: string; detail?: string }[];
}

/** The parts of an error body, in Zendesk's own words and order (A: the codes are unpublished, so never parsed). */
function errorParts(b: ErrorBody): string[] {
  const parts: string[] = [];
  if (typeof b.error === 'string') parts.push(b.error);
  else if (b.error && typeof b.error === 'object') {
    const e = b.error as { title?: unknown; message?: unknown };
    parts.push([e.title, e.message].filter((x) => typeof x === 'string').join(': '));
  }
  for (const x of [b.error_description, b.description]) if (typeof x === 'string') parts.push(x);
  for (const [field, list] of Object.entries(b.details ?? {})) {
    for (const d of Array.isArray(list) ? list : []) parts.push(`${field}: ${d.description ?? ''}${d.error ? ` (${d.error})` : ''}`);
  }
  for (const e of Array.isArray(b.errors) ? b.errors : []) parts.push(`${e.code}: ${e.title}${e.detail ? ` (${e.detail})` : ''}`);
  return parts.filter(Boolean);
}

/**
 * What a 403 means, by its shape (D: the two 403 bodies): `{error: "Forbidden", description}` is
 * a missing OAuth scope; any other is a permission — writes are for admins only (D: CTS "Allowed For").
 */
function forbiddenHint(b: ErrorBody): string {
  if (typeof b.error === 'string' && typeof b.description === 'string')
    return (
      `the OAuth token lacks a scope: statusform needs "${OAUTH_SCOPE}" (read for plans, write for applies); ` +
      'a fixed token must have been created with both'
    );
  return (
    'Zendesk allows writes to custom statuses to admins only: check that the user (email, or the OAuth ' +
    "token's user or client owner) is an admin, and that custom ticket statuses are activated"
  );
}

/** One line from a Zendesk error body: its codes and descriptions, then `details` verbatim; a 403 says which kind it is. */
export function describeZendeskError(status: number, body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const line = errorParts(body as ErrorBody).join('; ');
  if (!line) return undefined;
  return status === 403 ? `${line} — ${forbiddenHint(body as ErrorBody)}` : line;
}
