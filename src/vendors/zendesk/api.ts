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
  default: boolean;
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

/** A custom status as every answer carries it (D: CTS field table). Unknown keys are ignored (A). */
const statusShape = {
  type: 'object',
  required: ['id', 'status_category', 'agent_label', 'active', 'default'],
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
  },
} as const;

/**
 * GET /api/v2/custom_statuses: `{custom_statuses: […]}`, one call, not paginated (D). A
 * `next_page`, or `links.next` with `meta.has_more`, is followed should it appear (A: some
 * clients model pagination here, 3P).
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

/** POST (201) and PUT (200) /api/v2/custom_statuses[/{id}]: `{custom_status: {…}}` (D). */
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
 * Error bodies: `{error, description?, details?}` with `details` a map from field to
 * `[{description, error}]` (3P: public client threads); some errors carry `error: {title, message}`
 * (A); some are text/plain or text/html (D: REQ, RLBP), shown as they are.
 */
export const ZENDESK_ERROR: AnswerShape = {
  name: 'a Zendesk error body',
  schema: {
    type: 'object',
    required: ['error'],
    properties: {
      error: { anyOf: [{ type: 'string' }, { type: 'object', properties: { title: { type: 'string' }, message: { type: 'string' } } }] },
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

/**
 * One line from a Zendesk error body: its code and description, then `details` verbatim (A: the codes are
 * unpublished, so never parsed).
 */
export function describeZendeskError(status: number, body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { error?: unknown; description?: unknown; details?: Record<string, { description?: string; error?: string }[]> };
  const parts: string[] = [];
  if (typeof b.error === 'string') parts.push(b.error);
  else if (b.error && typeof b.error === 'object') {
    const e = b.error as { title?: unknown; message?: unknown };
    parts.push([e.title, e.message].filter((x) => typeof x === 'string').join(': '));
  }
  if (typeof b.description === 'string') parts.push(b.description);
  for (const [field, list] of Object.entries(b.details ?? {})) {
    for (const d of Array.isArray(list) ? list : []) parts.push(`${field}: ${d.description ?? ''}${d.error ? ` (${d.error})` : ''}`);
  }
  const line = parts.filter(Boolean).join('; ');
  if (!line) return undefined;
  // Every write is for admins only (D: CTS "Allowed For"); a 403 is a permission, not a bad token (A).
  if (status === 403)
    return (
      `${line} — Zendesk allows writes to custom statuses to admins only: check that the user (email, ` +
      `or the OAuth token's user) is an admin, and that custom ticket statuses are activated`
    );
  return line;
}
