// Zendesk's credentials: which of the three modes an account's settings give (checked, with the
// API tokens' retirement warned of), and the account's one way to send a request, authenticated by
// that mode (vendor-docs zendesk-custom-statuses.md §1).

import { VendorError } from '../../errors.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../http/client.js';
import type { Clock } from '../../http/pacer.js';
import type { AccountConfig } from '../../model.js';
import type { DesiredContext, HttpClientFactory } from '../adapter.js';
import { API_TOKENS_END, OAUTH_SCOPE, ZENDESK_ERROR, describeZendeskError } from './api.js';
import { clientCredentialsAuth } from './oauth.js';

type AuthMode = 'client' | 'token' | 'api_token';

/** Which credentials the settings give, one mode each (several or none: a problem of `checkAuth`). */
function authModes(settings: Readonly<Record<string, unknown>>): AuthMode[] {
  const has = (k: string) => settings[k] !== undefined;
  return [
    ...(has('client_id') || has('client_secret') ? ['client' as const] : []),
    ...(has('token') ? ['token' as const] : []),
    ...(has('email') || has('api_token') ? ['api_token' as const] : []),
  ];
}

const MODES_TEXT =
  'give client_id and client_secret (an OAuth client, the way Zendesk now requires), or token (a fixed OAuth access token), ' +
  'or email and api_token (until Zendesk deactivates API tokens)';

/** The credential settings: one complete mode; API tokens get a warning naming Zendesk's date and the migration. */
export function checkAuth(settings: Readonly<Record<string, unknown>>, ctx: DesiredContext): void {
  const modes = authModes(settings);
  if (modes.length !== 1) {
    ctx.problem([], modes.length === 0 ? MODES_TEXT : `${MODES_TEXT}; only one of them`);
    return;
  }
  const pair = { client: ['client_id', 'client_secret'], api_token: ['email', 'api_token'], token: ['token'] }[modes[0]!];
  const missing = pair.filter((k) => settings[k] === undefined);
  if (missing.length > 0) {
    ctx.problem([], `${pair.join(' and ')} go together: ${missing.join(' and ')} is missing`);
    return;
  }
  if (modes[0] === 'api_token')
    ctx.warn?.(
      ['api_token'],
      `Zendesk deactivates every API token on ${API_TOKENS_END} (none can be created since 27 October 2026, and one unused ` +
        'for 30 days goes sooner): create an OAuth client (Admin Center → Apps and integrations → APIs → OAuth clients, ' +
        'kind confidential) and give client_id and client_secret instead of email and api_token; ' +
        `statusform asks for scope "${OAUTH_SCOPE}"`,
    );
}

/** A fixed Authorization header: a Bearer token, or the API token's Basic `{email}/token:{api_token}` (D: AUTH, TOKEN). */
function fixedAuthHeader(settings: Readonly<Record<string, unknown>>): string {
  if (typeof settings['token'] === 'string') return `Bearer ${settings['token']}`;
  return `Basic ${Buffer.from(`${String(settings['email'])}/token:${String(settings['api_token'])}`).toString('base64')}`;
}

/** Sends one request through the account's client; the session's only way out. */
export type Send = <T>(req: HttpRequest<T>) => Promise<HttpResponse<T>>;

/**
 * The account's client, authenticated by its mode. For an OAuth client, a 401 that survives a
 * fresh token names the client and the scope: the HttpClient has already re-obtained once.
 */
export function accountClient(account: AccountConfig, http: HttpClientFactory, clock: Clock): Send {
  const s = account.settings;
  const common = { describeError: describeZendeskError, errorShape: ZENDESK_ERROR };
  if (authModes(s)[0] !== 'client') {
    const client = http({ ...common, headers: { authorization: fixedAuthHeader(s) } });
    return (req) => client.request(req);
  }
  const clientId = String(s['client_id']);
  let client: HttpClient;
  const auth = clientCredentialsAuth(account.name, { clientId, clientSecret: String(s['client_secret']) }, () => client, clock);
  client = http({ ...common, auth });
  return async (req) => {
    try {
      return await client.request(req);
    } catch (err) {
      if (!(err instanceof VendorError) || err.status !== 401 || err.code === 'E_OAUTH_CLIENT') throw err;
      throw new VendorError(
        err.address,
        `${err.reason} — Zendesk refused a fresh access token of OAuth client ${JSON.stringify(clientId)} ` +
          `(scope "${OAUTH_SCOPE}") as well: check that the client is not revoked and its owner is still an admin`,
        { status: 401, code: 'E_OAUTH_CLIENT' },
      );
    }
  };
}
