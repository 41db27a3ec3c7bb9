// The Zendesk simulator follows the vendor brief — auth, the built-in rows, one unpaginated list
// with its filters, 201 on create, the 422/404 bodies, limits, read-only defaults, the rate
// headers — and answers in exactly the shapes the adapter checks.

import { afterEach, describe, expect, it } from 'vitest';
import { answerProblem, type AnswerShape } from '../../src/http/answer.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { zendesk } from '../../src/vendors/zendesk/adapter.js';
import { ACCOUNT_FEATURES, ONE_STATUS, STATUS_LIST, ZENDESK_ERROR, describeZendeskError } from '../../src/vendors/zendesk/api.js';
import {
  ZENDESK_SANDBOX_AGENT_EMAIL,
  ZENDESK_SANDBOX_API_TOKEN,
  ZENDESK_SANDBOX_EMAIL,
  ZENDESK_SANDBOX_OAUTH_TOKEN,
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
    await as(
      ZENDESK_ERROR,
      403,
      'POST',
      '/api/v2/custom_statuses',
      { custom_status: { status_category: 'open', agent_label: 'X' } },
      agent,
    );
  });

  it('seeds the five built-in statuses as read-only defaults, and lists everything in one unpaginated answer with the three filters', async () => {
    sim = await startZendeskSimulator({
      rateLimit: false,
      seed: { statuses: [{ agent_label: 'Parked', status_category: 'hold', active: false }] },
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
      seed: { statuses: [{ agent_label: 'Parked', status_category: 'hold', active: false }] },
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
    expect(describeZendeskError(500, 'plain text')).toBeUndefined();
  });
});
