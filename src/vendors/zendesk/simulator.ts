// The Zendesk sandbox: custom ticket statuses under /api/v2, authenticated by an OAuth client's
// client-credentials grant at /oauth/tokens (tokens that expire), a fixed OAuth Bearer token or an
// API token's Basic `{email}/token:{api_token}`; the five built-in statuses, with On-hold off as in
// a new account; one unpaginated list with its three filters, POST (201), PUT of the writable
// fields, the bulk default call, DELETE as Zendesk's own client finds it, both 403 bodies,
// Zendesk's other error bodies, per-minute limits with X-Rate-Limit / X-Rate-Limit-Remaining, the
// account features and settings. Rows sometimes leave optional fields out, as the OpenAPI
// description allows. Every rule the docs do not state is marked (A) where it is made
// (vendor-docs zendesk-custom-statuses.md).

import { startSimulator, type RunningSimulator, type SimRequest, type SimResponse, type SimulatorOptions } from '../../simulator/server.js';
import {
  ZENDESK_SANDBOX_CLIENT_ID,
  ZENDESK_SANDBOX_CLIENT_SECRET,
  ZENDESK_SANDBOX_EMAIL,
  ZENDESK_SANDBOX_API_TOKEN,
  ZENDESK_SANDBOX_OAUTH_TOKEN,
  ZENDESK_SANDBOX_READ_TOKEN,
  ZENDESK_SANDBOX_AGENT_EMAIL,
} from './sandbox-credentials.js';
import { errorBody, forbidden, notFound } from './simulator-answers.js';
import { callerOf, grant, scopeRefusal, type SandboxCredentials } from './simulator-auth.js';
import { create, features, list, one, remove, setDefaults, settings, update } from './simulator-statuses.js';
import { newAccount, type ZendeskAccount, type ZendeskSandboxOptions, type ZendeskSeed, type ZendeskStore } from './simulator-store.js';

// The credentials it accepts by default, for whoever starts it directly (tests, the bench).
export {
  ZENDESK_SANDBOX_CLIENT_ID,
  ZENDESK_SANDBOX_CLIENT_SECRET,
  ZENDESK_SANDBOX_EMAIL,
  ZENDESK_SANDBOX_API_TOKEN,
  ZENDESK_SANDBOX_OAUTH_TOKEN,
  ZENDESK_SANDBOX_READ_TOKEN,
  ZENDESK_SANDBOX_AGENT_EMAIL,
};
export type { IssuedToken, ZendeskOAuthOptions, ZendeskSeed, ZendeskStore } from './simulator-store.js';

type Body = Record<string, unknown>;

/** One status by id: read, changed, retired or deleted. */
function routeStatus(acct: ZendeskAccount, method: string, id: number, b: Body): SimResponse {
  const s = acct.store.statuses.get(id);
  if (!s) return notFound();
  if (method === 'GET') return one(acct.store, 200, s);
  if (method === 'PUT') return update(acct.store, s, b);
  if (method === 'DELETE') return remove(acct.store, s);
  return notFound();
}

/** The custom-status paths, for a caller already let in: the list, one status, and the bulk default call. */
function routeStatuses(acct: ZendeskAccount, req: SimRequest, path: string, who: 'admin' | 'agent'): SimResponse {
  const isDefault = path === '/api/v2/custom_status/default';
  const m = /^\/api\/v2\/custom_statuses(?:\/(\d+))?$/.exec(path);
  if (!m && !isDefault) return notFound();
  // With the feature off the answer is undocumented (A: 403).
  if (!acct.store.featureEnabled) return { status: 403, body: errorBody(403, 'Custom ticket statuses are not enabled for this account') };
  if (req.method !== 'GET' && who !== 'admin') return forbidden.permission();
  if (isDefault) return req.method === 'PUT' ? setDefaults(acct.store, (req.body ?? {}) as Body) : notFound();
  const b = ((req.body as { custom_status?: unknown } | undefined)?.custom_status ?? {}) as Body;
  if (m![1]) return routeStatus(acct, req.method, Number(m![1]), b);
  if (req.method === 'GET') return list(acct.store, req);
  if (req.method === 'POST') return create(acct, b);
  return notFound();
}

/** Every API path: the caller and its scope first, then the account's features and settings, then the statuses. */
function route(acct: ZendeskAccount, creds: SandboxCredentials, req: SimRequest): SimResponse {
  const c = callerOf(acct.store, creds, req);
  if ('refuse' in c) return c.refuse;
  const scoped = scopeRefusal(c, req.method);
  if (scoped) return scoped;
  // A `.json` suffix is accepted (3P: BLOG).
  const path = req.path.replace(/\.json$/, '').replace(/\/$/, '');
  if (path === '/api/v2/account/features' && req.method === 'GET') return features(acct.store);
  if (path === '/api/v2/account/settings' && req.method === 'GET') return settings(acct.store);
  return routeStatuses(acct, req, path, c.who);
}

/** X-Rate-Limit / X-Rate-Limit-Remaining on every answer (D: RL), counted in the same window as the limiter. */
function quotaHeaders(sim: () => RunningSimulator<ZendeskStore>): () => Record<string, string> {
  let window = { start: 0, count: 0 };
  return (): Record<string, string> => {
    const rl = sim().rateLimit;
    if (!rl) return {};
    const t = Date.now();
    if (t - window.start >= rl.windowMs) window = { start: t, count: 0 };
    window.count++;
    return { 'x-rate-limit': String(rl.limit), 'x-rate-limit-remaining': String(Math.max(0, rl.limit - window.count)) };
  };
}

export async function startZendeskSimulator(
  opts: SimulatorOptions<ZendeskSeed> & Omit<ZendeskSandboxOptions, 'seed'> = {},
): Promise<RunningSimulator<ZendeskStore>> {
  const [email, apiToken, oauthToken] = opts.tokens ?? [];
  const creds: SandboxCredentials = {
    email: email ?? ZENDESK_SANDBOX_EMAIL,
    apiToken: apiToken ?? ZENDESK_SANDBOX_API_TOKEN,
    oauthToken: oauthToken ?? ZENDESK_SANDBOX_OAUTH_TOKEN,
  };
  const acct = newAccount(opts);
  const quota = quotaHeaders(() => sim);
  const handle = (req: SimRequest): SimResponse => {
    const headers = quota();
    const answer = req.path === '/oauth/tokens' && req.method === 'POST' ? grant(acct.store, req) : route(acct, creds, req);
    return { ...answer, headers: { ...headers, ...answer.headers } };
  };
  // Team plan's 200 a minute by default (D: RL), one bucket for the account (D: account-wide).
  const sim = await startSimulator({ vendor: 'zendesk', errorBody, handle }, acct.store, opts, { limit: 200, windowMs: 60_000 });
  return sim;
}
