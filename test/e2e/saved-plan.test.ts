// Saved plans: made in a pull request, applied on merge exactly as reviewed — or refused.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROPERTYDECK_SANDBOX_TOKEN } from '../../src/vendors/propertydeck/simulator.js';
import { THALAMUS_SANDBOX_TOKEN } from '../../src/vendors/thalamus/simulator.js';
import { cli } from '../helpers.js';
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
  const made = await world(PD_ACCOUNT(status('For Sale') + status('Let Agreed'), FAST), {
    rateLimits: { propertydeck: false },
    seeds: { propertydeck: { statuses: [{ label: 'For Sale', type: 'property' }] } },
  });
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

  it('is self-contained: applied from another directory, it finds the configuration it was made from', async () => {
    const made = await world(PD_ACCOUNT(status('Let Agreed'), FAST), { rateLimits: { propertydeck: false } });
    w = made;
    mkdirSync(join(made.dir, 'plans'));
    mkdirSync(join(made.dir, 'elsewhere'));
    expect((await cli(['plan', '--out', 'plans/plan.json'], { cwd: made.dir, env: made.env })).code).toBe(0);
    expect(JSON.parse(readFileSync(join(made.dir, 'plans', 'plan.json'), 'utf8')).config_path).toBe('../statusform.yaml');
    // No -c, from a directory with no configuration of its own.
    const r = await cli(['apply', '../plans/plan.json'], { cwd: join(made.dir, 'elsewhere'), env: made.env });
    expect(r.code, r.stderr).toBe(0);
    expect(writes(made).map((q) => `${q.method} ${JSON.stringify(q.body)}`)).toEqual(['POST {"label":"Let Agreed","type":{"code":2}}']);
  });

  it('refuses (exit 3) when the configuration changed since', async () => {
    w = await planned();
    writeFileSync(join(w.dir, 'statusform.yaml'), PD_ACCOUNT(status('For Sale') + status('Let Agreed') + status('Sold'), FAST));
    const r = await w.run('apply', 'plan.json');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      'Refused: estate: the saved plan is stale (the configuration of account estate changed since the plan was made)',
    );
    expect(writes(w)).toEqual([]);
  });

  it('refuses when an account setting changed since, such as the series.hr staff user, but not when only a secret did', async () => {
    const config = SERIES_ACCOUNT('      - { id: T-1, status: resolved }\n');
    w = await world(config, { seeds: { serieshr: [{ id: 'T-1', status: 'open' }] } });
    expect((await w.run('plan', '--out', 'plan.json')).code).toBe(0);
    writeFileSync(join(w.dir, 'statusform.yaml'), config.replace('staff_user_id: 987654321', 'staff_user_id: 5'));
    const r = await w.run('apply', 'plan.json');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      'Refused: helpdesk: the saved plan is stale (the configuration of account helpdesk changed since the plan was made)',
    );
    expect(w.sandbox.simulators.serieshr.requests.filter((q) => q.method === 'POST')).toEqual([]);

    writeFileSync(join(w.dir, 'statusform.yaml'), config.replace('${SERIES_API_KEY}', '${ROTATED_KEY}'));
    w.env['ROTATED_KEY'] = w.env['SERIES_API_KEY'];
    expect((await w.run('apply', 'plan.json')).code).toBe(0);
  });

  it('refuses when a live item the plan touches moved, naming it', async () => {
    w = await planned();
    // Someone creates the planned status by hand in the meantime.
    const sim = w.sandbox.simulators.propertydeck;
    await fetch(`${sim.url}/statuses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PROPERTYDECK_SANDBOX_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'Let Agreed', type: { code: 2 } }),
    });
    sim.resetRequests();
    const r = await w.run('apply', 'plan.json');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      'estate.statuses["property:Let Agreed"]: live state changed; the planned create is no longer needed, an adoption is instead',
    );
    expect(writes(w)).toEqual([]);
  });

  it('refuses when another apply changed the state file, and ignores live changes it does not touch', async () => {
    w = await planned();
    const sim = w.sandbox.simulators.propertydeck;
    await fetch(`${sim.url}/statuses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PROPERTYDECK_SANDBOX_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'Unrelated', type: { code: 1 } }),
    });
    expect((await w.run('apply', 'plan.json')).code).toBe(0);
    // The same plan again: the state file has moved on.
    const again = await w.run('apply', 'plan.json');
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/the state of account estate changed since the plan was made \(serial 0 → \d+\)/);
  });

  it('refuses (exit 1, before the lock or any request) a file that is not a statusform plan of this format, and says how to make one', async () => {
    w = await planned();
    const saved = JSON.parse(readFileSync(join(w.dir, 'plan.json'), 'utf8'));
    const cases: [string, unknown, RegExp][] = [
      [
        'other.json',
        { hello: 'world' },
        /other\.json is not a statusform plan \(it has no format_version\); make one with: statusform plan --out FILE/,
      ],
      // What statusform wrote before the wire format: the in-memory plan, format 1.0.
      [
        'old.json',
        {
          ...saved,
          format_version: '1.0',
          actions: saved.actions.map((a: Record<string, unknown>) => ({ ...a, id: a['vendor_id'], phase: 1 })),
        },
        /old\.json is plan format 1\.0; this statusform reads format 2\.x: make one with: statusform plan --out FILE/,
      ],
      [
        'broken.json',
        { ...saved, actions: [{ ...saved.actions[0], address: undefined }] },
        /broken\.json is not a valid statusform plan: \/actions\/0 lacks "address".*; make one with/,
      ],
      [
        'wrong.json',
        { ...saved, actions: [{ ...saved.actions[0], action: 'explode' }] },
        /wrong\.json is not a valid statusform plan: \/actions\/0\/action must be equal to one of the allowed values/,
      ],
    ];
    w.sandbox.simulators.propertydeck.resetRequests();
    for (const [name, content, message] of cases) {
      writeFileSync(join(w.dir, name), JSON.stringify(content));
      const r = await w.run('apply', name);
      expect(r.code, name).toBe(1);
      expect(r.stderr).toMatch(message);
    }
    expect(w.sandbox.simulators.propertydeck.requests).toEqual([]);
  });

  it('applies a plan from a later 2.x that added fields, ignoring them', async () => {
    w = await planned();
    const saved = JSON.parse(readFileSync(join(w.dir, 'plan.json'), 'utf8'));
    const newer = {
      ...saved,
      format_version: '2.9',
      produced_by: 'statusform 9',
      actions: saved.actions.map((a: object) => ({ ...a, risk: 'low' })),
    };
    writeFileSync(join(w.dir, 'newer.json'), JSON.stringify(newer));
    const r = await w.run('apply', 'newer.json');
    expect(r.code, r.stderr).toBe(0);
    expect(writes(w).map((q) => q.method)).toEqual(['POST']);
  });

  it('compares the wire actions: a saved action edited by hand is refused', async () => {
    w = await planned();
    const saved = JSON.parse(readFileSync(join(w.dir, 'plan.json'), 'utf8'));
    saved.actions[0].after.label = 'Let Agreed!';
    writeFileSync(join(w.dir, 'edited.json'), JSON.stringify(saved));
    const r = await w.run('apply', 'edited.json');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('estate.statuses["property:Let Agreed"]: live state changed since the plan was made');
    expect(writes(w)).toEqual([]);
  });
});
