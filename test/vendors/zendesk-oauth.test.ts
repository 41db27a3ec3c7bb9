// A Zendesk OAuth client's token, as one account's session keeps it: obtained on first use,
// reused, renewed a minute before the end Zendesk announced (on the run's clock, not a timer),
// and renewed once however many requests are refused with it — against the simulator over HTTP.

import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/http/client.js';
import type { Clock } from '../../src/http/pacer.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { clientCredentialsAuth } from '../../src/vendors/zendesk/oauth.js';
import {
  ZENDESK_SANDBOX_CLIENT_ID,
  ZENDESK_SANDBOX_CLIENT_SECRET,
  startZendeskSimulator,
  type ZendeskStore,
} from '../../src/vendors/zendesk/simulator.js';

let sim: RunningSimulator<ZendeskStore> | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** A clock the test moves; waits are real (and short). */
function movableClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 10))),
    advance: (ms) => {
      offset += ms;
    },
  };
}

async function session(lifetimeMs: number) {
  sim = await startZendeskSimulator({ rateLimit: false, oauth: { lifetimeMs } });
  const clock = movableClock();
  let client: HttpClient;
  const creds = { clientId: ZENDESK_SANDBOX_CLIENT_ID, clientSecret: ZENDESK_SANDBOX_CLIENT_SECRET };
  const auth = clientCredentialsAuth('support', creds, () => client, clock);
  client = new HttpClient({ baseUrl: sim.url, rateLimit: { requests: 1000, seconds: 1 }, clock, auth, retry: { baseDelayMs: 1 } });
  const list = () => client.request({ method: 'GET', path: '/api/v2/custom_statuses', address: 'support.statuses' });
  return { auth, clock, list, sim };
}

describe('a Zendesk OAuth client token', () => {
  it('is obtained on first use and reused, then renewed a minute before the end Zendesk announced, with no refusal', async () => {
    const { auth, clock, list, sim } = await session(3600_000);
    await list();
    await list();
    expect(auth.grants()).toBe(1);
    clock.advance(3600_000 - 61_000);
    await list();
    expect(auth.grants()).toBe(1);
    clock.advance(2_000);
    await list();
    expect(auth.grants()).toBe(2);
    expect(sim.requests.filter((q) => q.status === 401)).toEqual([]);
    expect(auth.secrets!()).toEqual([...sim.store.oauth.tokens.keys()].slice(-1));
  });

  it('is renewed once when several requests are refused with it, the ones refused later finding it renewed', async () => {
    const { auth, list, sim } = await session(3600_000);
    await list();
    const [old] = [...sim.store.oauth.tokens.values()];
    old!.expiresAt = 0; // Zendesk ends it early (revoked, or a shorter life than announced)
    await Promise.all([list(), list(), list(), list()]);
    expect(auth.grants()).toBe(2);
    // A refusal reported late, of the token already replaced, renews nothing.
    await auth.refresh!({ authorization: 'Bearer the-old-one' });
    expect(auth.grants()).toBe(2);
  });
});
