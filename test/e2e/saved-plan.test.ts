// Saved plans: made in a pull request, applied on merge exactly as reviewed — or refused.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROPERTYDECK_SANDBOX_TOKEN } from '../../src/vendors/propertydeck/simulator.js';
import { THALAMUS_SANDBOX_TOKEN } from '../../src/vendors/thalamus/simulator.js';
import { PD_ACCOUNT, SERIES_ACCOUNT, world, type World } from './fixtures.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const FAST = '    rate_limit: { requests: 100, seconds: 1 }\n';
const status = (label: string) => `      - { label: "${label}", type: property, maps_to: open }\n`;
const writes = (w: World) => w.sandbox.simulators.propertydeck.requests.filter((r) => r.method !== 'GET');

async function planned(): Promise<World> {
  const made = await world(PD_ACCOUNT(status('For Sale') + status('Let Agreed'), FAST), { rateLimits: { propertydeck: false }, seeds: { propertydeck: { statuses: [{ label: 'For Sale', type: 'property' }] } } });
  const r = await made.run('plan', '--out', 'plan.json');
  expect(r.code).toBe(0);
  return made;
}

describe('saved plans', () => {
  it('applies exactly the saved actions, without asking again, and holds no secret', async () => {
    w = await planned();
    const file = readFileSync(join(w.dir, 'plan.json'), 'utf8');
    expect(file).not.toContain(PROPERTYDECK_SANDBOX_TOKEN);
    expect(file).not.toContain(THALAMUS_SANDBOX_TOKEN);
    const r = await w.run('apply', 'plan.json');
    expect(r.code).toBe(0);
    expect(writes(w).map((q) => `${q.method} ${JSON.stringify(q.body)}`)).toEqual(['POST {"label":"Let Agreed","type":{"code":2}}']);
  });

  it('refuses (exit 3) when the configuration changed since', async () => {
    w = await planned();
    writeFileSync(join(w.dir, 'statusform.yaml'), PD_ACCOUNT(status('For Sale') + status('Let Agreed') + status('Sold'), FAST));
    const r = await w.run('apply', 'plan.json');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('the configuration changed since the plan was made');
    expect(writes(w)).toEqual([]);
  });

  it('refuses when an account setting changed since, such as the series.hr staff user, but not when only a secret did', async () => {
    const config = SERIES_ACCOUNT('      - { id: T-1, status: resolved }\n');
    w = await world(config, { seeds: { serieshr: [{ id: 'T-1', status: 'open' }] } });
    expect((await w.run('plan', '--out', 'plan.json')).code).toBe(0);
    writeFileSync(join(w.dir, 'statusform.yaml'), config.replace('staff_user_id: 987654321', 'staff_user_id: 5'));
    const r = await w.run('apply', 'plan.json');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('the configuration changed since the plan was made');
    expect(w.sandbox.simulators.serieshr.requests.filter((q) => q.method === 'POST')).toEqual([]);

    writeFileSync(join(w.dir, 'statusform.yaml'), config.replace('${SERIES_API_KEY}', '${ROTATED_KEY}'));
    w.env['ROTATED_KEY'] = w.env['SERIES_API_KEY'];
    expect((await w.run('apply', 'plan.json')).code).toBe(0);
  });

  it('refuses when a live item the plan touches moved, naming it', async () => {
    w = await planned();
    // Someone creates the planned status by hand in the meantime.
    const sim = w.sandbox.simulators.propertydeck;
    await fetch(`${sim.url}/statuses`, { method: 'POST', headers: { authorization: `Bearer ${PROPERTYDECK_SANDBOX_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ label: 'Let Agreed', type: { code: 2 } }) });
    sim.resetRequests();
    const r = await w.run('apply', 'plan.json');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('estate.statuses["property:Let Agreed"]: live state changed; the planned create is no longer needed');
    expect(writes(w)).toEqual([]);
  });

  it('refuses when another apply changed the state file, and ignores live changes it does not touch', async () => {
    w = await planned();
    const sim = w.sandbox.simulators.propertydeck;
    await fetch(`${sim.url}/statuses`, { method: 'POST', headers: { authorization: `Bearer ${PROPERTYDECK_SANDBOX_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ label: 'Unrelated', type: { code: 1 } }) });
    expect((await w.run('apply', 'plan.json')).code).toBe(0);
    // The same plan again: the state file has moved on.
    const again = await w.run('apply', 'plan.json');
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/the state file changed since the plan was made \(serial 0 → \d+\)/);
  });
});
