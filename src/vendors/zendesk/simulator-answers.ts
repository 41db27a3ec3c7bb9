// What the Zendesk sandbox answers in Zendesk's shapes: its error bodies (both 403s, OAuth's own,
// 422 `RecordInvalid` with `details`), and a row as it goes on the wire, optional fields sometimes
// left out as the OpenAPI description allows (vendor-docs zendesk-custom-statuses.md §3–§4).

import type { SimResponse } from '../../simulator/server.js';
import type { CustomStatus } from './api.js';
import { isSystemRow } from './simulator-store.js';

const FORBIDDEN_PAGE = 'You do not have access to this page. Please contact the account owner of this help desk for further help.';

/** `{error, description}` (3P: public client threads); 401's body is D (brief, checked 2026-12-07). */
export const errorBody = (status: number, message: string) => {
  if (status === 401) return { error: "Couldn't authenticate you" };
  if (status === 404) return { error: 'RecordNotFound', description: 'Not found' };
  if (status === 403) return { error: 'Forbidden', description: message };
  return { error: status === 429 ? 'TooManyRequests' : status >= 500 ? 'ServerError' : 'InvalidRequest', description: message };
};

export const notFound = (): SimResponse => ({ status: 404, body: errorBody(404, '') });

/** The two 403 bodies (D): a permission, and a missing OAuth scope. */
export const forbidden = {
  permission: (): SimResponse => ({ status: 403, body: { error: { title: 'Forbidden', message: FORBIDDEN_PAGE } } }),
  scope: (scope: string): SimResponse => ({
    status: 403,
    body: { error: 'Forbidden', description: `You are missing the following required scopes: ${scope}` },
  }),
};

/** OAuth's own error bodies (A: RFC 6749 §5.2 and RFC 6750 §3.1 codes, in Doorkeeper's words; Zendesk's are unpublished). */
export const oauthError = {
  client: (): SimResponse => ({
    status: 401,
    body: {
      error: 'invalid_client',
      error_description:
        'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
    },
  }),
  grantType: (): SimResponse => ({
    status: 400,
    body: {
      error: 'unsupported_grant_type',
      error_description: 'The authorization grant type is not supported by the authorization server.',
    },
  }),
  token: (): SimResponse => ({
    status: 401,
    body: {
      error: 'invalid_token',
      error_description: 'The access token provided is expired, revoked, malformed or invalid for other reasons.',
    },
  }),
};

/** 422 `RecordInvalid` with `details` (3P: the envelope; A: the codes — Zendesk does not publish them for custom statuses). */
export const invalid = (field: string, description: string, error: string): SimResponse => ({
  status: 422,
  body: { error: 'RecordInvalid', description: 'Record validation errors', details: { [field]: [{ description, error }] } },
});

/**
 * A row as it goes on the wire. Custom rows sometimes leave out fields the OpenAPI description
 * marks optional (CustomStatusObject requires only agent_label and status_category), so clients
 * are tested with them absent: by id, one in three without its raw_* descriptions and timestamps,
 * one in three without `default` when false and without empty descriptions. `id` and `active`
 * are always sent (A: statusform requires them). Built-in rows keep everything (their raw labels
 * are how a client tells them).
 */
export function wire(s: CustomStatus, omit: boolean): CustomStatus {
  if (!omit || isSystemRow(s)) return s;
  const out: Record<string, unknown> = { ...s };
  if (s.id % 3 === 1) for (const k of ['raw_description', 'raw_end_user_description', 'created_at', 'updated_at']) delete out[k];
  if (s.id % 3 === 2) {
    if (s.default === false) delete out['default'];
    for (const k of ['description', 'raw_description', 'end_user_description', 'raw_end_user_description'])
      if (out[k] === '') delete out[k];
  }
  return out as unknown as CustomStatus;
}
