// The simulators answer in the very shapes the adapters accept: every documented endpoint's
// success and error bodies, checked against the adapters' own answer schemas, so the two can
// never drift apart unnoticed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerProblem, type AnswerShape } from '../../src/http/answer.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { LARAVEL_ERROR } from '../../src/vendors/laravel-errors.js';
import { ONE_STATUS, STATUS_PAGE } from '../../src/vendors/propertydeck/api.js';
import { PROPERTYDECK_SANDBOX_TOKEN } from '../../src/vendors/propertydeck/simulator.js';
import {
  LIST_ANSWER as SERIES_LIST,
  SERIES_ERROR,
  STATUS_CHANGE_ANSWER,
  TICKET_ANSWER as SERIES_TICKET,
} from '../../src/vendors/serieshr/api.js';
import { SERIESHR_SANDBOX_API_KEY } from '../../src/vendors/serieshr/simulator.js';
import { LIST_ANSWER as SPACEBRING_LIST, SPACEBRING_ERROR, TICKET_ANSWER as SPACEBRING_TICKET } from '../../src/vendors/spacebring/api.js';
import { SPACEBRING_SANDBOX_CLIENT_ID, SPACEBRING_SANDBOX_CLIENT_SECRET } from '../../src/vendors/spacebring/simulator.js';
import { UPSERT_ANSWER } from '../../src/vendors/thalamus/api.js';
import { THALAMUS_SANDBOX_TOKEN } from '../../src/vendors/thalamus/simulator.js';
import { SESSION_TOKEN, STATUS_LIST, STATUS_ROW, TIMETAP_ERROR, signature } from '../../src/vendors/timetap/api.js';
import { TIMETAP_SANDBOX_API_KEY, TIMETAP_SANDBOX_PRIVATE_KEY } from '../../src/vendors/timetap/simulator.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({
    seeds: {
      serieshr: [{ id: 'T-1', status: 'open', updatedAt: '2026-01-01T00:00:00Z' }],
      spacebring: [{ id: 'sb-1', status: 'new', locationRef: 'loc-1' }],
    },
  });
});
afterAll(() => sandbox.close());

/** Sends one request and checks that the body is of `shape`; returns the body for the next step. */
async function answersAs(shape: AnswerShape, expectStatus: number, url: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(url, init);
  const body: unknown = await res.json();
  expect(res.status, `${init.method ?? 'GET'} ${url}`).toBe(expectStatus);
  expect(answerProblem(shape, body), `${init.method ?? 'GET'} ${url} → ${JSON.stringify(body)}`).toBeUndefined();
  return body;
}

const jsonBody = (headers: Record<string, string>, method: string, body: unknown): RequestInit => ({
  method,
  headers: { ...headers, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('every simulator answers in the shapes its adapter checks', () => {
  it('Thalamus: the upsert and its error bodies', async () => {
    const url = `${sandbox.simulators.thalamus.url}/partner/reference/status`;
    const auth = { authorization: `Bearer ${THALAMUS_SANDBOX_TOKEN}` };
    await answersAs(UPSERT_ANSWER, 200, url, jsonBody(auth, 'POST', { id: 'x', label: 'X', mapped_status: 'open' }));
    await answersAs(LARAVEL_ERROR, 422, url, jsonBody(auth, 'POST', { id: '', label: 'X', mapped_status: 'nope' }));
    await answersAs(LARAVEL_ERROR, 401, url, jsonBody({}, 'POST', {}));
  });

  it('Property Deck: pages, a created and a renamed status, and its error bodies', async () => {
    const base = sandbox.simulators.propertydeck.url;
    const auth = { authorization: `Bearer ${PROPERTYDECK_SANDBOX_TOKEN}` };
    const created = (await answersAs(
      ONE_STATUS,
      201,
      `${base}/statuses`,
      jsonBody(auth, 'POST', { label: 'Shape', type: { code: 1 } }),
    )) as { data: { uuid: string } };
    await answersAs(ONE_STATUS, 200, `${base}/statuses/${created.data.uuid}`, jsonBody(auth, 'PUT', { label: 'Shaped' }));
    await answersAs(STATUS_PAGE, 200, `${base}/statuses?page=1&per_page=1`, { headers: auth });
    await answersAs(LARAVEL_ERROR, 401, `${base}/statuses`);
    await answersAs(LARAVEL_ERROR, 404, `${base}/statuses/no-such-uuid`, jsonBody(auth, 'PUT', { label: 'x' }));
  });

  it('TimeTap: the session token, the list, a created and an updated row, and its error bodies', async () => {
    const base = sandbox.simulators.timetap.url;
    const sig = signature(TIMETAP_SANDBOX_API_KEY, TIMETAP_SANDBOX_PRIVATE_KEY);
    const now = Math.floor(Date.now() / 1000);
    const { sessionToken } = (await answersAs(
      SESSION_TOKEN,
      200,
      `${base}/sessionToken?apiKey=${TIMETAP_SANDBOX_API_KEY}&timestamp=${now}&signature=${sig}`,
    )) as { sessionToken: string };
    await answersAs(TIMETAP_ERROR, 401, `${base}/sessionToken?apiKey=${TIMETAP_SANDBOX_API_KEY}&timestamp=${now * 1000}&signature=${sig}`);
    const auth = { authorization: `Bearer ${sessionToken}` };
    const row = {
      active: true,
      businessId: 43111,
      dependsOn: null,
      sortOrder: 50,
      status: 'OPEN',
      statusId: null,
      statusType: 'APPOINTMENT',
      subStatus: 'SHAPE',
      userSelectable: true,
    };
    const made = (await answersAs(STATUS_ROW, 200, `${base}/status`, jsonBody(auth, 'POST', row))) as { statusId: number };
    await answersAs(STATUS_ROW, 200, `${base}/status`, jsonBody(auth, 'PUT', { ...row, statusId: made.statusId, sortOrder: 51 }));
    await answersAs(STATUS_LIST, 200, `${base}/status`, { headers: auth });
    await answersAs(TIMETAP_ERROR, 400, `${base}/status`, jsonBody(auth, 'PUT', { ...row, statusId: 1900 }));
  });

  it('series.hr: a ticket, a page of tickets, a status change, and its error bodies', async () => {
    const base = sandbox.simulators.serieshr.url;
    const auth = { apikey: SERIESHR_SANDBOX_API_KEY };
    await answersAs(SERIES_TICKET, 200, `${base}/tickets/get/T-1`, { headers: auth });
    await answersAs(SERIES_LIST, 200, `${base}/tickets/list?page=1`, { headers: auth });
    await answersAs(
      STATUS_CHANGE_ANSWER,
      200,
      `${base}/tickets/T-1/status`,
      jsonBody(auth, 'POST', { status: 'in-progress', staffUserId: 1 }),
    );
    await answersAs(SERIES_ERROR, 400, `${base}/tickets/T-1/status`, jsonBody(auth, 'POST', { status: 'done', staffUserId: 1 }));
    await answersAs(SERIES_ERROR, 404, `${base}/tickets/get/T-404`, { headers: auth });
    await answersAs(SERIES_ERROR, 401, `${base}/tickets/get/T-1`);
  });

  it('Spacebring: a ticket, a page of tickets, a status change, and its error bodies', async () => {
    const base = sandbox.simulators.spacebring.url;
    const auth = {
      authorization: `Basic ${Buffer.from(`${SPACEBRING_SANDBOX_CLIENT_ID}:${SPACEBRING_SANDBOX_CLIENT_SECRET}`).toString('base64')}`,
    };
    await answersAs(SPACEBRING_TICKET, 200, `${base}/support/tickets/v1/sb-1`, { headers: auth });
    await answersAs(SPACEBRING_LIST, 200, `${base}/support/tickets/v1?locationRef=loc-1&limit=100`, { headers: auth });
    await answersAs(
      SPACEBRING_TICKET,
      200,
      `${base}/support/tickets/v1/sb-1/status`,
      jsonBody(auth, 'PUT', { ticket: { status: 'inProgress' } }),
    );
    await answersAs(SPACEBRING_ERROR, 400, `${base}/support/tickets/v1?limit=100`, { headers: auth });
    await answersAs(SPACEBRING_ERROR, 401, `${base}/support/tickets/v1/sb-1`);
  });
});
