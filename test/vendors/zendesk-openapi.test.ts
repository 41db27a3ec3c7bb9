// Zendesk's answers and statusform's requests, held to Zendesk's own OpenAPI description (the
// parts transcribed in test/fixtures/zendesk-openapi.ts): every body statusform sends to custom
// statuses is one the description allows, every answer the simulator gives is one it allows, and
// statusform's answer schemas accept what it allows, but for the two fields statusform requires.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerProblem } from '../../src/http/answer.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { ONE_STATUS, STATUS_LIST, ZENDESK_ERROR } from '../../src/vendors/zendesk/api.js';
import {
  ZENDESK_SANDBOX_CLIENT_ID,
  ZENDESK_SANDBOX_CLIENT_SECRET,
  ZENDESK_SANDBOX_OAUTH_TOKEN,
  startZendeskSimulator,
  type ZendeskStore,
} from '../../src/vendors/zendesk/simulator.js';
import {
  CustomStatusCreateRequest,
  CustomStatusResponse,
  CustomStatusUpdateRequest,
  CustomStatusesResponse,
  Errors,
  WRITABLE_PROPERTIES,
} from '../fixtures/zendesk-openapi.js';
import { cli, tree } from '../helpers.js';

// ajv-formats is CommonJS: its function is the default export, or that export's own `default`.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: true, allErrors: true });
addFormats(ajv);
const described = {
  createRequest: ajv.compile(CustomStatusCreateRequest),
  updateRequest: ajv.compile(CustomStatusUpdateRequest),
  one: ajv.compile(CustomStatusResponse),
  list: ajv.compile(CustomStatusesResponse),
  errors: ajv.compile(Errors),
};

/** What the description says is wrong with `body`, or undefined. */
function problems(validate: ValidateFunction, body: unknown): string | undefined {
  if (validate(body)) return undefined;
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
}

let sim: RunningSimulator<ZendeskStore>;
beforeAll(async () => {
  sim = await startZendeskSimulator({
    rateLimit: false,
    seed: { hold: true, statuses: [{ agent_label: 'Theirs', status_category: 'pending', end_user_label: 'Waiting on us' }] },
  });
});
afterAll(() => sim.close());

const account = (statuses: string, prune = true) =>
  'version: 1\naccounts:\n  support:\n    vendor: zendesk\n    base_url: ${ZENDESK_URL}\n' +
  '    client_id: ${ZENDESK_CLIENT_ID}\n    client_secret: ${ZENDESK_CLIENT_SECRET}\n' +
  `    rate_limit: { requests: 500, seconds: 1 }\n    prune: ${prune}\n    statuses:${statuses === '' ? ' []' : ''}\n${statuses}`;

describe("statusform's requests, as Zendesk's OpenAPI description allows them", () => {
  it('every create, rename, relabel, retirement and reactivation sends a body the description allows, and nothing it lacks', async () => {
    const dir = tree({});
    const env = {
      ZENDESK_URL: sim.url,
      ZENDESK_CLIENT_ID: ZENDESK_SANDBOX_CLIENT_ID,
      ZENDESK_CLIENT_SECRET: ZENDESK_SANDBOX_CLIENT_SECRET,
    };
    const steps = [
      '      - { agent_label: Waiting on vendor, maps_to: pending, end_user_label: On its way, description: Parts ordered, end_user_description: Soon }\n' +
        '      - { agent_label: Parked, maps_to: hold }\n',
      '      - { agent_label: Waiting on supplier, maps_to: pending, renamed_from: [Waiting on vendor] }\n' +
        '      - { agent_label: Parked, maps_to: hold, end_user_label: With a partner }\n',
      '      - { agent_label: Waiting on supplier, maps_to: pending }\n',
      '      - { agent_label: Waiting on supplier, maps_to: pending }\n      - { agent_label: Parked, maps_to: hold }\n',
    ];
    sim.resetRequests();
    for (const step of steps) {
      writeFileSync(join(dir, 'statusform.yaml'), account(step));
      const r = await cli(['apply', '--auto-approve'], { cwd: dir, env });
      expect(r.code, r.stdout + r.stderr).toBe(0);
    }
    const sent = sim.requests.filter((q) => q.path.startsWith('/api/v2/custom_statuses') && q.method !== 'GET');
    expect(sent.map((q) => q.method).sort()).toEqual(['POST', 'POST', 'PUT', 'PUT', 'PUT', 'PUT']);
    for (const q of sent) {
      const validate = q.method === 'POST' ? described.createRequest : described.updateRequest;
      expect(problems(validate, q.body), `${q.method} ${q.path} ${JSON.stringify(q.body)}`).toBeUndefined();
      const keys = Object.keys((q.body as { custom_status: Record<string, unknown> }).custom_status);
      expect(WRITABLE_PROPERTIES).toEqual(expect.arrayContaining(keys));
      if (q.method === 'PUT') expect(keys).toContain('agent_label');
    }
  });
});

describe("the simulator's answers, as Zendesk's OpenAPI description allows them", () => {
  const bearer = { authorization: `Bearer ${ZENDESK_SANDBOX_OAUTH_TOKEN}`, 'content-type': 'application/json' };
  const send = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sim.url}${path}`, { method, headers: bearer, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  it('the list, a created, a shown and an updated status — optional fields left out or not', async () => {
    const made = await send('POST', '/api/v2/custom_statuses', { custom_status: { status_category: 'open', agent_label: 'Described' } });
    expect(made.status).toBe(201);
    expect(problems(described.one, made.body)).toBeUndefined();
    const id = (made.body as { custom_status: { id: number } }).custom_status.id;
    const shown = await send('GET', `/api/v2/custom_statuses/${id}`);
    expect(problems(described.one, shown.body)).toBeUndefined();
    const updated = await send('PUT', `/api/v2/custom_statuses/${id}`, {
      custom_status: { agent_label: 'Described', end_user_label: 'Seen' },
    });
    expect(problems(described.one, updated.body)).toBeUndefined();
    const list = await send('GET', '/api/v2/custom_statuses');
    expect(problems(described.list, list.body)).toBeUndefined();
    // The same answers pass statusform's own, stricter checks.
    for (const body of [made.body, shown.body, updated.body]) expect(answerProblem(ONE_STATUS, body)).toBeUndefined();
    expect(answerProblem(STATUS_LIST, list.body)).toBeUndefined();
  });
});

describe("statusform's answer schemas against the description", () => {
  const minimal = { agent_label: 'Bare', status_category: 'open' };

  it('accept the least a status may carry, plus the id and active the engine needs; `default` may be absent', () => {
    const least = { custom_statuses: [{ ...minimal, id: 7, active: true }] };
    expect(problems(described.list, least)).toBeUndefined();
    expect(answerProblem(STATUS_LIST, least)).toBeUndefined();
    expect(answerProblem(ONE_STATUS, { custom_status: { ...minimal, id: 7, active: false } })).toBeUndefined();
  });

  it('refuse, on purpose, what the description allows without an id or without active: a guess would plan wrong', () => {
    for (const row of [
      { ...minimal, active: true },
      { ...minimal, id: 7 },
    ]) {
      expect(problems(described.list, { custom_statuses: [row] })).toBeUndefined();
      expect(answerProblem(STATUS_LIST, { custom_statuses: [row] })).toBeDefined();
    }
  });

  it("read the description's error body", () => {
    const body = { errors: [{ code: 'RecordInvalid', title: 'Agent label is too long' }] };
    expect(problems(described.errors, body)).toBeUndefined();
    expect(answerProblem(ZENDESK_ERROR, body)).toBeUndefined();
  });
});
