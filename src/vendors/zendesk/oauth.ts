// Zendesk OAuth with client credentials: an access token obtained through the account's own HTTP
// client (paced and retried like any request) at most once per run until it nears its end or
// Zendesk refuses it, then once more; never printed (registered for scrubbing as soon as it exists).

import { VendorError } from '../../errors.js';
import type { AuthProvider, HttpClient } from '../../http/client.js';
import type { Clock } from '../../http/pacer.js';
import { registerSecrets } from '../../http/redact.js';
import { OAUTH_SCOPE, OAUTH_TOKEN, OAUTH_TOKEN_PATH } from './api.js';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

interface Token {
  value: string;
  /** When Zendesk said it ends (`expires_in`), else undefined: renewed only when refused. */
  endsAt: number | undefined;
}

/** How long before its announced end a token is renewed: a minute, or half its life when that is shorter. */
const renewalMargin = (lifeMs: number) => Math.min(60_000, lifeMs / 2);

/** The error of a grant Zendesk refused, naming the client and the scope asked for; terminal for the run. */
function refusedGrant(account: string, clientId: string, err: VendorError): VendorError {
  return new VendorError(
    account,
    `OAuth client ${JSON.stringify(clientId)} got no access token (client-credentials grant at ${OAUTH_TOKEN_PATH}, ` +
      `scope "${OAUTH_SCOPE}"): ${err.reason}; the client must exist, not be revoked, and be confidential ` +
      '(Admin Center → Apps and integrations → APIs → OAuth clients)',
    { ...(err.status !== undefined ? { status: err.status } : {}), code: 'E_OAUTH_CLIENT' },
  );
}

/**
 * An AuthProvider for one account's session. The HttpClient calls `headers()` before each request
 * and `refresh()` once after a 401; concurrent callers share one grant, and a refusal of a token
 * already replaced renews nothing. `grants()` counts the tokens obtained (for tests and notices).
 */
export function clientCredentialsAuth(
  account: string,
  creds: ClientCredentials,
  client: () => HttpClient,
  clock: Clock,
): AuthProvider & { grants(): number } {
  let token: Token | undefined;
  let pending: Promise<void> | undefined;
  /** A refused grant stays refused for the run: one clear error, not one per request. */
  let refused: VendorError | undefined;
  let grants = 0;

  const grant = async (): Promise<void> => {
    if (refused) throw refused;
    const asked = clock.now();
    let res: Awaited<ReturnType<HttpClient['request']>>;
    try {
      res = await client().request<{ access_token: string; expires_in?: number | null }>({
        method: 'POST',
        path: OAUTH_TOKEN_PATH,
        // JSON, as the grant-type reference shows its bodies (D).
        body: { grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret, scope: OAUTH_SCOPE },
        // The account's own address: a read that fails here is that account's failure.
        address: account,
        skipAuth: true,
        // A second grant only makes a second token; the first is never used.
        idempotent: true,
        answer: OAUTH_TOKEN,
      });
    } catch (err) {
      if (err instanceof VendorError && [400, 401, 403].includes(err.status ?? 0)) refused = refusedGrant(account, creds.clientId, err);
      throw refused ?? err;
    }
    const body = res.body as { access_token: string; expires_in?: number | null };
    registerSecrets([body.access_token]);
    grants++;
    const lifeMs = typeof body.expires_in === 'number' ? body.expires_in * 1000 : undefined;
    token = { value: body.access_token, endsAt: lifeMs === undefined ? undefined : asked + lifeMs - renewalMargin(lifeMs) };
  };
  const obtain = () => (pending ??= grant().finally(() => (pending = undefined)));
  const usable = () => token !== undefined && (token.endsAt === undefined || clock.now() < token.endsAt);

  return {
    headers: async () => {
      if (!usable()) await obtain();
      return { authorization: `Bearer ${token!.value}` };
    },
    refresh: async (sent) => {
      if (pending) return pending;
      // Refused with a token that has been replaced since: the retry takes the new one.
      if (token && sent['authorization'] !== `Bearer ${token.value}`) return;
      await obtain();
    },
    secrets: () => (token ? [token.value] : []),
    grants: () => grants,
  };
}
