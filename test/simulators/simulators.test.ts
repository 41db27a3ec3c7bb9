// The simulators enforce what the vendor docs say, over real HTTP.

import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { PROPERTYDECK_SANDBOX_TOKEN, startPropertyDeckSimulator } from '../../src/vendors/propertydeck/simulator.js';
import { THALAMUS_SANDBOX_TOKEN, startThalamusSimulator } from '../../src/vendors/thalamus/simulator.js';

let sim: RunningSimulator<unknown> | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

// biome-ignore lint/suspicious/noExplicitAny: the tests read whatever shape each simulator answers
const json = async (r: Response | Promise<Response>): Promise<any> => (await r).json();
const auth = (t: string) => ({ authorization: `Bearer ${t}`, 'content-type': 'application/json' });

describe('Thalamus simulator', () => {
  it('refuses a missing token and upserts by id, keeping the uuid', async () => {
    const s = await startThalamusSimulator();
    sim = s;
    const url = `${s.url}/partner/reference/status`;
    const denied = await fetch(url, { method: 'POST', body: '{}' });
    expect(denied.status).toBe(401);
    expect(await json(denied)).toEqual({ success: false, message: 'Unauthenticated.' });

    const body = { id: 'waiting_on_customer', label: 'Waiting on Customer', mapped_status: 'pending', source_system: 'freshdesk' };
    const first = await json(fetch(url, { method: 'POST', headers: auth(THALAMUS_SANDBOX_TOKEN), body: JSON.stringify(body) }));
    expect(first).toMatchObject({
      success: true,
      message: 'Status variant created successfully',
      data: { id: 'waiting_on_customer', status: 'active', mapped_status: { value: 'pending', label: 'Pending', sort_order: 4 } },
    });
    const second = await json(
      fetch(url, { method: 'POST', headers: auth(THALAMUS_SANDBOX_TOKEN), body: JSON.stringify({ ...body, status: 'inactive' }) }),
    );
    expect(second.data.uuid).toBe(first.data.uuid);
    expect(second.message).toBe('Status variant updated successfully');
  });

  it('validates the documented fields with a 422', async () => {
    const s = await startThalamusSimulator();
    sim = s;
    const r = await fetch(`${s.url}/partner/reference/status`, {
      method: 'POST',
      headers: auth(THALAMUS_SANDBOX_TOKEN),
      body: JSON.stringify({ id: '', label: 'x'.repeat(129), mapped_status: 'done' }),
    });
    expect(r.status).toBe(422);
    expect(Object.keys((await json(r)).errors).sort()).toEqual(['id', 'label', 'mapped_status']);
  });
});

describe('Property Deck simulator', () => {
  it('pages with meta.pagination and absolute links, and filters by uuid', async () => {
    const s = await startPropertyDeckSimulator({
      seed: { statuses: Array.from({ length: 25 }, (_, i) => ({ label: `S${i}`, type: 'contact' as const })) },
    });
    sim = s;
    const page1 = await json(fetch(`${s.url}/statuses`, { headers: auth(PROPERTYDECK_SANDBOX_TOKEN) }));
    expect(page1.meta.pagination).toMatchObject({ total: 25, count: 10, per_page: 10, current_page: 1, total_pages: 3 });
    const page2 = await json(fetch(page1.meta.pagination.links.next, { headers: auth(PROPERTYDECK_SANDBOX_TOKEN) }));
    expect(page2.meta.pagination.current_page).toBe(2);
    const one = await json(fetch(`${s.url}/statuses?uuid=${page1.data[0].uuid}`, { headers: auth(PROPERTYDECK_SANDBOX_TOKEN) }));
    expect(one.data).toHaveLength(1);
  });

  it('answers 429 with Retry-After and X-RateLimit-* past its limit', async () => {
    const s = await startPropertyDeckSimulator({ rateLimit: { limit: 3, windowMs: 2000 } });
    sim = s;
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await fetch(`${s.url}/statuses`, { headers: auth(PROPERTYDECK_SANDBOX_TOKEN) }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers[2]!.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(answers[3]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await json(answers[3]!)).toEqual({ message: 'Too Many Attempts.' });
  });

  it('creates with 201, renames with PUT keeping the uuid, and hard-deletes with 204', async () => {
    const s = await startPropertyDeckSimulator({
      seed: { statuses: [{ label: 'Old', type: 'property' }], records: [{ kind: 'property', statusLabel: 'Old' }] },
    });
    sim = s;
    const h = auth(PROPERTYDECK_SANDBOX_TOKEN);
    const created = await fetch(`${s.url}/statuses`, {
      method: 'POST',
      headers: h,
      body: JSON.stringify({ label: 'New', type: { code: 1 } }),
    });
    expect(created.status).toBe(201);
    expect((await json(created)).data.type).toEqual({ code: 1, name: 'Contact' });
    const old = [...s.store.statuses.values()].find((x) => x.label === 'Old')!;
    const renamed = await json(
      fetch(`${s.url}/statuses/${old.uuid}`, { method: 'PUT', headers: h, body: JSON.stringify({ label: 'Renamed' }) }),
    );
    expect(renamed.data).toMatchObject({ uuid: old.uuid, label: 'Renamed' });
    expect((await fetch(`${s.url}/statuses/${old.uuid}`, { method: 'DELETE', headers: h })).status).toBe(204);
    expect(s.store.records[0]!.status).toBeNull();
    expect((await fetch(`${s.url}/statuses/${old.uuid}`, { headers: h })).status).toBe(404);
  });

  it('injects faults before and after processing', async () => {
    const s = await startPropertyDeckSimulator({ rateLimit: false });
    sim = s;
    const h = auth(PROPERTYDECK_SANDBOX_TOKEN);
    s.faults = { errorRate: 1 };
    expect(
      (await fetch(`${s.url}/statuses`, { method: 'POST', headers: h, body: JSON.stringify({ label: 'A', type: { code: 1 } }) })).status,
    ).toBe(503);
    expect(s.store.statuses.size).toBe(0);
    s.faults = { errorAfterProcessRate: 1 };
    expect(
      (await fetch(`${s.url}/statuses`, { method: 'POST', headers: h, body: JSON.stringify({ label: 'A', type: { code: 1 } }) })).status,
    ).toBe(503);
    expect(s.store.statuses.size).toBe(1);
    s.faults = { hangAfterProcessRate: 1 };
    await expect(fetch(`${s.url}/statuses`, { headers: h, signal: AbortSignal.timeout(200) })).rejects.toThrow();
    s.faults = { latencyMs: 50 };
    const t = Date.now();
    await fetch(`${s.url}/statuses`, { headers: h });
    expect(Date.now() - t).toBeGreaterThanOrEqual(45);
  });
});
