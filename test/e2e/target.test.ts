// `--target` end to end: a plan and an apply limited to some items and what they depend on,
// saved plans that replay their targets, and targets that name nothing.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PD_ACCOUNT, TT_ACCOUNT, world, type World } from './fixtures.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const SIM = { rateLimits: { propertydeck: false, timetap: false } } as const;
const FAST = '    rate_limit: { requests: 1000, seconds: 1 }\n';
const pd = (label: string, type = 'contact') => `      - { label: "${label}", type: ${type}, maps_to: open }\n`;
const tt = (sub: string, order: number, extra = '') =>
  `      - { sub_status: ${sub}, status: OPEN, sort_order: ${order}, user_selectable: true, maps_to: open${extra} }\n`;
const pdCreates = (w: World) =>
  w.sandbox.simulators.propertydeck.requests.filter((r) => r.method === 'POST').map((r) => (r.body as { label: string }).label);

describe('--target', () => {
  it('plans and applies one item only; the next plan shows the rest', async () => {
    w = await world(PD_ACCOUNT(pd('Hot Lead') + pd('Cold Lead') + pd('Sold', 'property'), FAST), SIM);
    const plan = await w.run('plan', '--target', 'estate.statuses["contact:Hot Lead"]');
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('Targeted: only estate.statuses["contact:Hot Lead"] and what it depends on.');
    expect(plan.stdout).toContain('+ estate.statuses["contact:Hot Lead"]');
    expect(plan.stdout).not.toContain('Cold Lead');
    expect(plan.stdout).toContain('Plan: 1 to create');
    const apply = await w.run('apply', '--auto-approve', '--target', 'estate.statuses["contact:Hot Lead"]');
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/estate\.statuses\["contact:Hot Lead"\]: create done after \d+\.\d s \[id=[0-9a-f-]+\]/);
    expect(pdCreates(w)).toEqual(['Hot Lead']);
    const rest = await w.run('plan');
    expect(rest.stdout).toContain('Plan: 2 to create');
  });

  it('takes a pattern: every contact status, no property status', async () => {
    w = await world(PD_ACCOUNT(pd('Hot Lead') + pd('Cold Lead') + pd('Sold', 'property'), FAST), SIM);
    const apply = await w.run('apply', '--auto-approve', '--target', 'estate.statuses["contact:*"]');
    expect(apply.code, apply.stderr).toBe(0);
    expect(pdCreates(w).sort()).toEqual(['Cold Lead', 'Hot Lead']);
    expect(Object.keys(w.state().accounts['estate']!.items).sort()).toEqual(['contact:Cold Lead', 'contact:Hot Lead']);
  });

  it('pulls in what a target depends on (TimeTap depends_on), shown as such', async () => {
    w = await world(TT_ACCOUNT(tt('CHECKEDIN', 1) + tt('RUNNING_LATE', 2, ', depends_on: [CHECKEDIN]') + tt('OPEN', 3)), SIM);
    const plan = await w.run('plan', '--target', 'salon.statuses["RUNNING_LATE"]', '--format', 'json');
    expect(plan.code, plan.stderr).toBe(0);
    const json = JSON.parse(plan.stdout) as { options: { targets: string[] }; actions: { address: string; dependency_of?: string[] }[] };
    expect(json.options.targets).toEqual(['salon.statuses["RUNNING_LATE"]']);
    expect(json.actions.map((a) => [a.address, a.dependency_of])).toEqual([
      ['salon.statuses["CHECKEDIN"]', ['salon.statuses["RUNNING_LATE"]']],
      ['salon.statuses["RUNNING_LATE"]', undefined],
    ]);
    const text = await w.run('plan', '--target', 'salon.statuses["RUNNING_LATE"]');
    expect(text.stdout).toContain('# salon.statuses["CHECKEDIN"] will be created (dependency of salon.statuses["RUNNING_LATE"])');
    expect((await w.run('apply', '--auto-approve', '--target', 'salon.statuses["RUNNING_LATE"]')).code).toBe(0);
    const posts = w.sandbox.simulators.timetap.requests
      .filter((r) => r.method === 'POST' && r.status < 300)
      .map((r) => (r.body as { subStatus: string }).subStatus);
    expect(posts).toEqual(['CHECKEDIN', 'RUNNING_LATE']);
    expect((await w.run('plan')).stdout).toContain('Plan: 1 to create');
  });

  it('saves its targets in the plan file, and apply PLANFILE replays them', async () => {
    w = await world(PD_ACCOUNT(pd('Hot Lead') + pd('Cold Lead'), FAST), SIM);
    const plan = await w.run('plan', '--target', 'estate.statuses["contact:Cold*"]', '--out', 'plan.json');
    expect(plan.code, plan.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(join(w.dir, 'plan.json'), 'utf8')) as { options: { targets?: string[] }; actions: unknown[] };
    expect(saved.options.targets).toEqual(['estate.statuses["contact:Cold*"]']);
    expect(saved.actions).toHaveLength(1);
    const apply = await w.run('apply', 'plan.json');
    expect(apply.code, apply.stderr).toBe(0);
    expect(pdCreates(w)).toEqual(['Cold Lead']);
    expect((await w.run('apply', 'plan.json', '--target', 'estate')).code).toBe(1); // a saved plan's targets are its own
  });

  it('refuses a target that names nothing, with the nearest addresses (an unknown account before any request)', async () => {
    w = await world(PD_ACCOUNT(pd('Hot Lead') + pd('Cold Lead'), FAST), SIM);
    const typo = await w.run('plan', '--target', 'estate.statuses["contact:Hot Led"]');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain(
      '--target estate.statuses["contact:Hot Led"] matches no address in the plan; the nearest: estate.statuses["contact:Hot Lead"]',
    );
    w.sandbox.simulators.propertydeck.resetRequests();
    const account = await w.run('plan', '--target', 'estat.statuses["contact:Hot Lead"]');
    expect(account.code).toBe(1);
    expect(account.stderr).toContain('--target estat.statuses["contact:Hot Lead"] names no account of the configuration (estate)');
    expect(w.sandbox.simulators.propertydeck.requests).toEqual([]);
    expect((await w.run('plan', '--target', 'not an address')).code).toBe(1);
  });
});
