// The Zendesk simulator follows the vendor brief — auth (the client-credentials grant, expiring
// tokens, scopes), the built-in rows with On-hold off, one unpaginated list with its filters, 201
// on create, both 403 bodies, the 422/404 bodies, limits, defaults, DELETE as Zendesk's own client
// finds it, the rate headers, rows without optional fields — and answers in exactly the shapes
// the adapter checks.

import { afterEach, describe, expect, it } from 'vitest';
import { answerProblem, type AnswerShape } from '../../src/http/answer.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { zendesk } from '../../src/vendors/zendesk/adapter.js';
import {
  ACCOUNT_FEATURES,
  ACCOUNT_SETTINGS,
  OAUTH_TOKEN,
  ONE_STATUS,
  STATUS_LIST,
  ZENDESK_ERROR,
  describeZendeskError,
} from '../../src/vendors/zendesk/api.js';
import {
  ZENDESK_SANDBOX_AGENT_EMAIL,
  ZENDESK_SANDBOX_API_TOKEN,
  ZENDESK_SANDBOX_CLIENT_ID,
  ZENDESK_SANDBOX_CLIENT_SECRET,
  ZENDESK_SANDBOX_EMAIL,
  ZENDESK_SANDBOX_OAUTH_TOKEN,
  ZENDESK_SANDBOX_READ_TOKEN,
  startZendeskSimulator,
  type ZendeskStore,
} from '../../src/vendors/zendesk/simulator.js';

let sim: RunningSimulator<ZendeskStore> | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const basic = (email: string, token: string) => ({ authorization: `Basic ${Buffer.from(`${email}/token:${token}`).toString('base64')}` });
const ADMIN = basic(ZENDESK_SANDBOX_EMAIL, ZENDESK_SANDBOX_API_TOKEN);

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = ADMIN,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(`${sim!.url}${path}`, {
    method,
    headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

async function as(
  shape: AnswerShape,
  status: number,
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<unknown> {
  const r = await call(method, path, body, headers);
  expect(r.status, `${method} ${path} → ${JSON.stringify(r.body)}`).toBe(status);
  expect(answerProblem(shape, r.body), `${method} ${path} → ${JSON.stringify(r.body)}`).toBeUndefined();
  return r.body;
}

const create = (fields: Record<string, unknown>) => call('POST', '/api/v2/custom_statuses', { custom_status: fields });
const details = (b: unknown) => (b as { details: Record<string, { error: string }[]> }).details;

describe('Zendesk simulator', () => {
  it('takes an API token as Basic {email}/token:{token} or an OAuth Bearer token, and answers 401 in its own words otherwise', async () => {
    sim = await startZendeskSimulator({ rateLimit: false });
    await as(STATUS_LIST, 200, 'GET', '/api/v2/custom_statuses');
    await as(STATUS_LIST, 200, 'GET', '/api/v2/custom_statuses.json', undefined, {
      authorization: `Bearer ${ZENDESK_SANDBOX_OAUTH_TOKEN}`,
    });
    const bad = await as(ZENDESK_ERROR, 401, 'GET', '/api/v2/custom_statuses', undefined, basic(ZENDESK_SANDBOX_EMAIL, 'wrong'));
    expect(bad).toEqual({ error: "Couldn't authenticate you" });
    // Email + password is not the API token form.
    expect(
      (
        await call('GET', '/api/v2/custom_statuses', undefined, {
          authorization: `Basic ${Buffer.from(`${ZENDESK_SANDBOX_EMAIL}:${ZENDESK_SANDBOX_API_TOKEN}`).toString('base64')}`,
        })
      ).status,
    ).toBe(401);
    // An agent reads, but every write is for admins only.
    const agent = basic(ZENDESK_SANDBOX_AGENT_EMAIL, ZENDESK_SANDBOX_API_TOKEN);
    await as(STATUS_LIST, 200, 'GET', '/api/v2/custom_statuses', undefined, agent);
    const permission = await as(
      ZENDESK_ERROR,
      403,
      'POST',
      '/api/v2/custom_statuses',
      { custom_status: { status_category: 'open', agent_label: 'X' } },
      agent,
    );
    expect(permission).toEqual({ error: { title: 'Forbidden', message: expect.stringMatching(/^You do not have access to this page/) } });
    // A token without the write scope: the other 403 body.
    const read = { authorization: `Bearer ${ZENDESK_SANDBOX_READ_TOKEN}` };
    await as(STATUS_LIST, 200, 'GET', '/api/v2/custom_statuses', undefined, read);
    const scope = await as(
      ZENDESK_ERROR,
      403,
      'POST',
      '/api/v2/custom_statuses',
      { custom_status: { status_category: 'open', agent_label: 'X' } },
      read,
    );
    expect(scope).toEqual({ error: 'Forbidden', description: 'You are missing the following required scopes: write' });
  });

  it('grants a confidential client a token for the scope it asks, which expires, and refuses a revoked client in OAuth words', async () => {
    sim = await startZendeskSimulator({ rateLimit: false, oauth: { lifetimeMs: 300 } });
    const grant = (body: Record<string, unknown>) => call('POST', '/oauth/tokens', body, {});
    const asked = { grant_type: 'client_credentials', client_id: ZENDESK_SANDBOX_CLIENT_ID, client_secret: ZENDESK_SANDBOX_CLIENT_SECRET };
    const ok = await grant({ ...asked, scope: 'read write' });
    expect(ok.status).toBe(200);
    expect(answerProblem(OAUTH_TOKEN, ok.body)).toBeUndefined();
    const { access_token, scope, expires_in, token_type } = ok.body as Record<string, unknown>;
    expect([scope, expires_in, token_type]).toEqual(['read write', 1, 'bearer']);
    const bearer = { authorization: `Bearer ${String(access_token)}` };
    await as(STATUS_LIST, 200, 'GET', '/api/v2/custom_statuses', undefined, bearer);
    await new Promise((r) => setTimeout(r, 350));
    const expired = await as(ZENDESK_ERROR, 401, 'GET', '/api/v2/custom_statuses', undefined, bearer);
    expect(expired).toMatchObject({ error: 'invalid_token' });
    // Only read asked: writes are refused for the scope.
    const reader = (await grant({ ...asked, scope: 'read' })).body as { access_token: string };
    const scoped = await call(
      'PUT',
      '/api/v2/custom_statuses/11',
      { custom_status: { active: true } },
      {
        authorization: `Bearer ${reader.access_token}`,
      },
    );
    expect(scoped).toMatchObject({ status: 403, body: { description: 'You are missing the following required scopes: write' } });
    expect((await grant({ ...asked, client_secret: 'wrong' })).body).toMatchObject({ error: 'invalid_client' });
    expect((await grant({ ...asked, grant_type: 'password' })).status).toBe(400);
    sim.store.oauth.revoked = true;
    const revoked = await grant(asked);
    expect(revoked.status).toBe(401);
    expect(answerProblem(ZENDESK_ERROR, revoked.body)).toBeUndefined();
    expect(sim.store.oauth.grants).toBe(2);
  });

  it('seeds the built-in statuses as defaults, On-hold off as in a new account, and answers the account settings', async () => {
    sim = await startZendeskSimulator({ rateLimit: false });
    const all = (await as(STATUS_LIST, 200, 'GET', '/api/v2/custom_statuses')) as {
      custom_statuses: { status_category: string; default: boolean; active: boolean }[];
    };
    expect(all.custom_statuses.filter((s) => s.default).map((s) => s.status_category)).toEqual(['new', 'open', 'pending', 'solved']);
    expect(all.custom_statuses.find((s) => s.status_category === 'hold')).toMatchObject({ active: false, default: false });
    expect(await as(ACCOUNT_SETTINGS, 200, 'GET', '/api/v2/account/settings')).toMatchObject({
      settings: { tickets: { status_hold: false } },
    });
    // No status goes active in hold while it is off.
    expect(details((await create({ status_category: 'hold', agent_label: 'Parked' })).body)).toHaveProperty('status_category');
  });

  it('seeds the five built-in statuses as defaults with On-hold on, and lists everything in one unpaginated answer with the three filters', async () => {
    sim = await startZendeskSimulator({
      rateLimit: false,
      seed: { hold: true, statuses: [{ agent_label: 'Parked', status_category: 'hold', active: false }] },
    });
    const all = (await as(STATUS_LIST, 200, 'GET', '/api/v2/custom_statuses')) as {
      custom_statuses: { raw_agent_label: string; default: boolean; active: boolean; status_category: string }[];
    };
    expect(all).not.toHaveProperty('next_page');
    expect(all.custom_statuses.filter((s) => s.default).map((s) => [s.status_category, s.raw_agent_label])).toEqual([
      ['new', '{{zd.status_new}}'],
      ['open', '{{zd.status_open}}'],
      ['pending', '{{zd.status_pending}}'],
      ['hold', '{{zd.status_hold}}'],
      ['solved', '{{zd.status_solved}}'],
    ]);
    const filtered = (q: string) =>
      call('GET', `/api/v2/custom_statuses?${q}`).then((r) =>
        (r.body as { custom_statuses: { agent_label: string }[] }).custom_statuses.map((s) => s.agent_label),
      );
    expect(await filtered('active=false')).toEqual(['Parked']);
    expect(await filtered('status_categories=hold,solved&default=true')).toEqual(['On-hold', 'Solved']);
    expect(all.custom_statuses).toHaveLength(6);
  });

  it('creates with 201, updates with PUT keeping the id, and refuses a category change, a default change and a built-in relabel with 422', async () => {
    sim = await startZendeskSimulator({ rateLimit: false });
    const made = (await as(ONE_STATUS, 201, 'POST', '/api/v2/custom_statuses', {
      custom_status: { status_category: 'pending', agent_label: 'Waiting', end_user_label: 'In progress' },
    })) as { custom_status: { id: number } };
    const id = made.custom_status.id;
    const renamed = (await as(ONE_STATUS, 200, 'PUT', `/api/v2/custom_statuses/${id}`, {
      custom_status: { agent_label: 'Waiting on vendor' },
    })) as { custom_status: { id: number; raw_agent_label: string; end_user_label: string } };
    expect(renamed.custom_status).toMatchObject({ id, raw_agent_label: 'Waiting on vendor', end_user_label: 'In progress' });
    const moved = await as(ZENDESK_ERROR, 422, 'PUT', `/api/v2/custom_statuses/${id}`, { custom_status: { status_category: 'hold' } });
    expect(details(moved)['status_category']![0]!.error).toBe('Immutable');
    await as(ZENDESK_ERROR, 422, 'PUT', `/api/v2/custom_statuses/${id}`, { custom_status: { default: true } });
    await as(ZENDESK_ERROR, 422, 'PUT', '/api/v2/custom_statuses/11', { custom_status: { agent_label: 'Mine now' } });
    // A default is always active.
    const off = await as(ZENDESK_ERROR, 422, 'PUT', '/api/v2/custom_statuses/12', { custom_status: { active: false } });
    expect(details(off)).toHaveProperty('active');
    const gone = await as(ZENDESK_ERROR, 404, 'PUT', '/api/v2/custom_statuses/999', { custom_status: { active: false } });
    expect(gone).toEqual({ error: 'RecordNotFound', description: 'Not found' });
  });

  it('refuses duplicate labels (trimmed, any case, inactive rows too), labels over 48 characters, the new category and the limits', async () => {
    sim = await startZendeskSimulator({
      rateLimit: false,
      seed: { hold: true, statuses: [{ agent_label: 'Parked', status_category: 'hold', active: false }] },
    });
    expect(details((await create({ status_category: 'open', agent_label: ' parked ' })).body)['agent_label']![0]!.error).toBe(
      'DuplicateValue',
    );
    expect(details((await create({ status_category: 'open', agent_label: 'OPEN' })).body)['agent_label']![0]!.error).toBe('DuplicateValue');
    expect(details((await create({ status_category: 'open', agent_label: 'x'.repeat(49) })).body)['agent_label']![0]!.error).toBe(
      'TooLong',
    );
    expect((await create({ status_category: 'open', agent_label: 'x'.repeat(48) })).status).toBe(201);
    expect((await create({ status_category: 'open', agent_label: 'A', end_user_label: 'y'.repeat(49) })).status).toBe(422);
    expect(details((await create({ status_category: 'new', agent_label: 'Fresh' })).body)).toHaveProperty('status_category');
    for (let i = 0; i < 99; i++) expect((await create({ status_category: 'solved', agent_label: `S${i}` })).status).toBe(201);
    const full = await create({ status_category: 'solved', agent_label: 'One too many' });
    expect([full.status, details(full.body)['status_category']![0]!.error]).toEqual([422, 'LimitExceeded']);
    for (let i = 0; i < 194; i++)
      expect((await create({ status_category: ['open', 'pending', 'hold'][i % 3], agent_label: `T${i}` })).status).toBe(201);
    expect(sim.store.statuses.size).toBe(300);
    const account = await create({ status_category: 'open', agent_label: 'Over' });
    expect([account.status, details(account.body)['base']![0]!.error]).toEqual([422, 'LimitExceeded']);
  });

  it('sets defaults with one comma-separated string, answering {}, and refuses an inactive default', async () => {
    sim = await startZendeskSimulator({
      rateLimit: false,
      seed: {
        statuses: [
          { agent_label: 'Quick', status_category: 'solved', id: 500 },
          { agent_label: 'Idle', status_category: 'hold', id: 501, active: false },
        ],
      },
    });
    expect(await call('PUT', '/api/v2/custom_status/default', { ids: '500' })).toMatchObject({ status: 200, body: {} });
    expect(sim.store.statuses.get(500)!.default).toBe(true);
    expect(sim.store.statuses.get(14)!.default).toBe(false);
    expect((await call('PUT', '/api/v2/custom_status/default', { ids: '501' })).status).toBe(422);
    // DELETE (one revision of the docs): refused for a default, and while tickets use the status.
    expect((await call('DELETE', '/api/v2/custom_statuses/500')).status).toBe(422);
    sim.store.inUse.add(501);
    expect((await call('DELETE', '/api/v2/custom_statuses/501')).status).toBe(422);
  });

  it("answers DELETE with 204 and still finds the row afterwards, inactive, as Zendesk's own client's live spec does", async () => {
    sim = await startZendeskSimulator({ rateLimit: false, seed: { statuses: [{ agent_label: 'Old', status_category: 'open', id: 600 }] } });
    expect(await call('DELETE', '/api/v2/custom_statuses/600')).toMatchObject({ status: 204, body: null });
    const after = (await as(ONE_STATUS, 200, 'GET', '/api/v2/custom_statuses/600')) as { custom_status: { active: boolean } };
    expect(after.custom_status.active).toBe(false);
  });

  it('leaves optional fields out of some rows, as the OpenAPI description allows, never id or active', async () => {
    sim = await startZendeskSimulator({
      rateLimit: false,
      seed: { statuses: [0, 1, 2, 3, 4, 5].map((i) => ({ agent_label: `S${i}`, status_category: 'open' })) },
    });
    const rows = ((await as(STATUS_LIST, 200, 'GET', '/api/v2/custom_statuses')) as { custom_statuses: Record<string, unknown>[] })
      .custom_statuses;
    const custom = rows.filter((r) => String(r['agent_label']).startsWith('S'));
    expect(custom.some((r) => !('raw_description' in r))).toBe(true);
    expect(custom.some((r) => !('default' in r))).toBe(true);
    expect(custom.some((r) => !('updated_at' in r))).toBe(true);
    for (const r of rows) expect(Object.keys(r)).toEqual(expect.arrayContaining(['id', 'active', 'agent_label', 'status_category']));
  });

  it('sends X-Rate-Limit and X-Rate-Limit-Remaining, and 429 with Retry-After past the limit', async () => {
    sim = await startZendeskSimulator({ rateLimit: { limit: 2, windowMs: 60_000 } });
    const first = await call('GET', '/api/v2/custom_statuses');
    expect([first.headers.get('x-rate-limit'), first.headers.get('x-rate-limit-remaining')]).toEqual(['2', '1']);
    await call('GET', '/api/v2/custom_statuses');
    const over = await call('GET', '/api/v2/custom_statuses');
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(answerProblem(ZENDESK_ERROR, over.body)).toBeUndefined();
  });

  it('answers the features pre-flight, and 403 on custom statuses while the feature is off', async () => {
    sim = await startZendeskSimulator({ rateLimit: false, featureEnabled: false });
    expect(await as(ACCOUNT_FEATURES, 200, 'GET', '/api/v2/account/features')).toEqual({
      features: { custom_statuses_enabled: { enabled: false } },
    });
    await as(ZENDESK_ERROR, 403, 'GET', '/api/v2/custom_statuses');
  });
});

describe('Zendesk adapter settings and errors', () => {
  it('builds the base URL from the subdomain and the rate limit from the plan (Team’s 200 a minute by default)', () => {
    expect(zendesk.accountDefaults!({ subdomain: 'Acme' })).toEqual({ baseUrl: 'https://acme.zendesk.com' });
    expect(zendesk.accountDefaults!({ subdomain: 'acme', plan: 'enterprise' })).toEqual({
      baseUrl: 'https://acme.zendesk.com',
      rateLimit: { requests: 700, seconds: 60 },
    });
    expect(zendesk.defaultRateLimit).toEqual({ requests: 200, seconds: 60 });
  });

  it("reads the OpenAPI description's {errors: [{code, title}]} and OAuth's {error, error_description} in their own words", () => {
    const errors = {
      errors: [
        { code: 'InvalidValue', title: 'Agent label is too long', detail: 'maximum is 48' },
        { code: 'Other', title: 'x' },
      ],
    };
    expect(answerProblem(ZENDESK_ERROR, errors)).toBeUndefined();
    expect(describeZendeskError(422, errors)).toBe('InvalidValue: Agent label is too long (maximum is 48); Other: x');
    const oauth = { error: 'invalid_client', error_description: 'Client authentication failed' };
    expect(answerProblem(ZENDESK_ERROR, oauth)).toBeUndefined();
    expect(describeZendeskError(401, oauth)).toBe('invalid_client; Client authentication failed');
    expect(answerProblem(ZENDESK_ERROR, { message: 'neither' })).toBeDefined();
  });

  it('reads an error body as code, description and details verbatim, and names the admin rule on 403', () => {
    expect(
      describeZendeskError(422, {
        error: 'RecordInvalid',
        description: 'Record validation errors',
        details: { agent_label: [{ description: 'is too long', error: 'TooLong' }] },
      }),
    ).toBe('RecordInvalid; Record validation errors; agent_label: is too long (TooLong)');
    expect(describeZendeskError(403, { error: { title: 'Forbidden', message: 'no' } })).toMatch(
      /^Forbidden: no — Zendesk allows writes to custom statuses to admins only/,
    );
    expect(describeZendeskError(403, { error: 'Forbidden', description: 'You are missing the following required scopes: write' })).toBe(
      'Forbidden; You are missing the following required scopes: write — the OAuth token lacks a scope: statusform needs "read write" ' +
        '(read for plans, write for applies); a fixed token must have been created with both',
    );
    expect(describeZendeskError(500, 'plain text')).toBeUndefined();
  });
});
