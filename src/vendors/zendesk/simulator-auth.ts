// Who calls the Zendesk sandbox: the client-credentials grant at /oauth/tokens (tokens that expire,
// a client that can be revoked), a fixed OAuth Bearer token, or an API token's Basic
// `{email}/token:{api_token}`; and the scope a route needs (vendor-docs zendesk-custom-statuses.md §1).

import { randomBytes } from 'node:crypto';
import { bearer, type SimRequest, type SimResponse } from '../../simulator/server.js';
import {
  ZENDESK_SANDBOX_AGENT_EMAIL,
  ZENDESK_SANDBOX_CLIENT_ID,
  ZENDESK_SANDBOX_CLIENT_SECRET,
  ZENDESK_SANDBOX_READ_TOKEN,
} from './sandbox-credentials.js';
import { errorBody, forbidden, oauthError } from './simulator-answers.js';
import type { ZendeskStore } from './simulator-store.js';

export type Caller = { who: 'admin' | 'agent'; scopes?: string[] } | { refuse: SimResponse };

/** The credentials the sandbox accepts besides its OAuth client's. */
export interface SandboxCredentials {
  email: string;
  apiToken: string;
  oauthToken: string;
}

/** An issued token: live, or refused as expired (its life, its request budget, a revoked client). */
function issued(store: ZendeskStore, token: string): Caller | undefined {
  const t = store.oauth.tokens.get(token);
  if (!t) return undefined;
  const spent = t.requestsLeft !== undefined && t.requestsLeft <= 0;
  if (store.oauth.revoked || spent || Date.now() >= t.expiresAt) return { refuse: oauthError.token() };
  if (t.requestsLeft !== undefined) t.requestsLeft--;
  return { who: 'admin', scopes: t.scopes };
}

/** Who is calling (D: Basic `{email}/token:{api_token}`, or Bearer); a client-credentials token acts as the client's admin owner (A). */
export function callerOf(store: ZendeskStore, creds: SandboxCredentials, req: SimRequest): Caller {
  const none = { refuse: { status: 401, body: errorBody(401, '') } };
  const token = bearer(req.headers);
  if (token !== undefined) {
    if (token === creds.oauthToken) return { who: 'admin', scopes: ['read', 'write'] };
    if (token === ZENDESK_SANDBOX_READ_TOKEN) return { who: 'admin', scopes: ['read'] };
    return issued(store, token) ?? none;
  }
  const h = req.headers['authorization'];
  if (typeof h !== 'string' || !h.startsWith('Basic ')) return none;
  const decoded = Buffer.from(h.slice(6), 'base64').toString('utf8');
  const at = decoded.indexOf('/token:');
  if (at < 0 || decoded.slice(at + 7) !== creds.apiToken) return none; // email + password is not offered (A)
  const user = decoded.slice(0, at).toLowerCase();
  // The API token is the account's, paired with any verified user (D: TOKEN).
  return user === creds.email.toLowerCase() ? { who: 'admin' } : user === ZENDESK_SANDBOX_AGENT_EMAIL ? { who: 'agent' } : none;
}

/**
 * POST /oauth/tokens, the client-credentials grant (D: "OAuth Tokens for Grant Types"): a JSON
 * body with the client's identifier and secret; the token carries the scopes asked for (D: an
 * unknown scope still gets a token, refused at use). `expires_in` when announced.
 */
export function grant(store: ZendeskStore, req: SimRequest): SimResponse {
  const b = (req.body ?? {}) as Record<string, unknown>;
  if (b['grant_type'] !== 'client_credentials') return oauthError.grantType();
  if (store.oauth.revoked || b['client_id'] !== ZENDESK_SANDBOX_CLIENT_ID || b['client_secret'] !== ZENDESK_SANDBOX_CLIENT_SECRET)
    return oauthError.client();
  const scope = typeof b['scope'] === 'string' && b['scope'].trim() !== '' ? b['scope'].trim() : 'read'; // A: read when none asked
  const access = `zd_sim_access_${randomBytes(16).toString('hex')}`;
  const o = store.oauth.options;
  store.oauth.tokens.set(access, {
    scopes: scope.split(/\s+/),
    expiresAt: Date.now() + o.lifetimeMs,
    ...(o.requestsPerToken !== undefined ? { requestsLeft: o.requestsPerToken } : {}),
  });
  store.oauth.grants++;
  const expires = o.announce ? { expires_in: Math.max(1, Math.floor(o.lifetimeMs / 1000)) } : {};
  return { status: 200, body: { access_token: access, token_type: 'bearer', scope, ...expires } };
}

/** Reads need the `read` scope, everything else `write` (D: OAuth Tokens API "Scopes"); API tokens carry no scopes. */
export function scopeRefusal(c: { scopes?: string[] }, method: string): SimResponse | undefined {
  const need = method === 'GET' ? 'read' : 'write';
  return c.scopes && !c.scopes.includes(need) ? forbidden.scope(need) : undefined;
}
