// `apply --json`: newline-delimited JSON events on stdout — nothing else there — each one valid
// against schemas/apply-events.schema.json, so bots and dashboards can follow an apply.

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock } from '../../src/state/lock.js';
import { Ajv, type ValidateFunction } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { applyEventsSchemaText } from '../../scripts/apply-events-schema.js';
import { closeDefaultAgent } from '../../src/http/client.js';
import { hostile, json, type HostileVendor } from '../hostile/proxy.js';
import { PD_ACCOUNT, TT_ACCOUNT, world, type World } from './fixtures.js';

let w: World | undefined;
let vendor: HostileVendor | undefined;
afterEach(async () => {
  await vendor?.close();
  await w?.close();
  await closeDefaultAgent();
  vendor = undefined;
  w = undefined;
});

const SIM = { rateLimits: { propertydeck: false, timetap: false } } as const;
const FAST = '    rate_limit: { requests: 1000, seconds: 1 }\n';
const pd = (label: string) => `      - { label: "${label}", type: contact, maps_to: open }\n`;
const tt = (sub: string, order: number, extra = '') =>
  `      - { sub_status: ${sub}, status: OPEN, sort_order: ${order}, user_selectable: true, maps_to: open${extra} }\n`;

type Event = { type: string; [k: string]: unknown };

let validator: ValidateFunction | undefined;

/** Every line of stdout as an event, each checked against the published schema. */
function events(stdout: string): Event[] {
  validator ??= new Ajv({ strict: true, allErrors: true }).compile(
    JSON.parse(readFileSync(new URL('../../schemas/apply-events.schema.json', import.meta.url), 'utf8')) as object,
  );
  expect(stdout.endsWith('\n')).toBe(true);
  return stdout
    .slice(0, -1)
    .split('\n')
    .map((line, i) => {
      const e = JSON.parse(line) as Event;
      if (!validator!(e))
        throw new Error(`line ${i + 1} does not match schemas/apply-events.schema.json: ${JSON.stringify(validator!.errors)}\n${line}`);
      return e;
    });
}

describe('apply --json', () => {
  it('schemas/apply-events.schema.json is what src/render/apply-events.ts builds (run `npm run schema` after changing it)', () => {
    expect(readFileSync(new URL('../../schemas/apply-events.schema.json', import.meta.url), 'utf8')).toBe(applyEventsSchemaText());
  });

  it('prints version, plan, each action started and done (vendor id, duration), and the summary; the text goes to stderr', async () => {
    w = await world(TT_ACCOUNT(tt('CHECKEDIN', 1) + tt('RUNNING_LATE', 2, ', depends_on: [CHECKEDIN]')), SIM);
    const r = await w.run('apply', '--auto-approve', '--json');
    expect(r.code, r.stderr).toBe(0);
    const ev = events(r.stdout);
    expect(ev.map((e) => e.type)).toEqual([
      'version',
      'plan',
      'action_started',
      'action_done',
      'action_started',
      'action_done',
      'account',
      'summary',
    ]);
    expect(ev[0]).toMatchObject({ format_version: '1.1', statusform: expect.any(String) });
    expect(ev[1]).toMatchObject({
      summary: { create: 2 },
      actions: [
        { address: 'salon.statuses["CHECKEDIN"]', action: 'create' },
        { address: 'salon.statuses["RUNNING_LATE"]', depends_on: ['salon.statuses["CHECKEDIN"]'] },
      ],
    });
    const ids = Object.fromEntries(Object.entries(w.state().accounts['salon']!.items).map(([k, it]) => [k, it.id]));
    expect(ev[3]).toMatchObject({
      address: 'salon.statuses["CHECKEDIN"]',
      account: 'salon',
      action: 'create',
      vendor_id: ids['CHECKEDIN'],
      duration_ms: expect.any(Number),
    });
    expect(ev[6]).toMatchObject({ account: 'salon', outcome: 'applied', reasons: [], done: 2, failed: 0, skipped: 0 });
    expect(ev[7]).toMatchObject({
      outcome: 'complete',
      done: 2,
      failed: 0,
      skipped: 0,
      accounts: { applied: 1, unchanged: 0, refused: 0, failed: 0 },
    });
    expect(r.stderr).toContain('salon.statuses["CHECKEDIN"] will be created');
    expect(r.stderr).toMatch(/salon\.statuses\["CHECKEDIN"\]: create done after \d+\.\d s \[id=\d+\]/);
    expect(r.stderr).toContain('Apply complete: 2 done, 0 failed, 0 skipped.');
  });

  it('reports retries as wait events, a failed action with its message and what it skips, and an incomplete summary', async () => {
    w = await world(TT_ACCOUNT(tt('CHECKEDIN', 1) + tt('RUNNING_LATE', 2, ', depends_on: [CHECKEDIN]') + tt('OPEN', 3)), SIM);
    let reads = 0;
    vendor = await hostile(w.env['TIMETAP_URL']!, (ex) => {
      if (ex.method === 'GET' && ex.path.includes('/status') && reads++ < 2) return json(503, { errorMessage: 'Service Unavailable' });
      if (ex.method === 'POST' && JSON.stringify(ex.body ?? '').includes('CHECKEDIN'))
        return json(400, { errorMessage: 'sub status refused' });
      return undefined;
    });
    w.env['TIMETAP_URL'] = vendor.url;
    const r = await w.run('apply', '--auto-approve', '--json');
    expect(r.code).toBe(1);
    const ev = events(r.stdout);
    expect(ev.filter((e) => e.type === 'wait')).toEqual([
      expect.objectContaining({
        kind: 'retry',
        account: 'salon',
        attempt: 2,
        request: 'GET /live/status',
        reason: '503 Service Unavailable',
        seconds: expect.any(Number),
        message: expect.stringMatching(/^salon: GET \/live\/status failed \(503 Service Unavailable\), retry 2 of 5 in \d+\.\d s$/),
      }),
    ]);
    expect(ev.find((e) => e.type === 'action_failed')).toMatchObject({
      address: 'salon.statuses["CHECKEDIN"]',
      message: expect.stringContaining('sub status refused'),
    });
    expect(ev.find((e) => e.type === 'action_skipped')).toMatchObject({
      address: 'salon.statuses["RUNNING_LATE"]',
      reason: 'dependency',
      detail: 'salon.statuses["CHECKEDIN"]',
    });
    expect(ev.at(-1)).toMatchObject({ type: 'summary', outcome: 'incomplete', done: 1, failed: 1, skipped: 1 });
  }, 30_000);

  it('ends with an error event when it cannot start, an account event when an account is refused, and needs --auto-approve or a saved plan', async () => {
    w = await world(PD_ACCOUNT(pd('Hot Lead'), `${FAST}    prune: true\n`), SIM);
    const usage = await w.run('apply', '--json');
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('apply --json cannot ask for confirmation');
    const wrong = await w.run('apply', '--json', '--auto-approve', '--target', 'nerds');
    expect(wrong.code).toBe(1);
    const ev = events(wrong.stdout);
    expect(ev.map((e) => e.type)).toEqual(['version', 'error']);
    expect(ev[1]!.message).toContain('--target nerds names no account of the configuration');
    mkdirSync(join(w.dir, 'statusform.state'));
    const release = acquireLock(join(w.dir, 'statusform.state', 'estate.json'), 'statusform apply (another run)');
    try {
      const locked = await w.run('apply', '--json', '--auto-approve');
      expect(locked.code).toBe(3);
      const ev = events(locked.stdout);
      expect(ev.at(-2)).toMatchObject({
        type: 'account',
        account: 'estate',
        outcome: 'refused',
        reasons: [expect.stringMatching(/^the state of account estate .* is locked by pid \d+/)],
      });
      expect(ev.at(-1)).toMatchObject({ type: 'summary', outcome: 'incomplete', accounts: { refused: 1 } });
      expect(w.sandbox.simulators.propertydeck.requests).toEqual([]);
    } finally {
      release();
    }
  });

  it('applies a saved plan with --json', async () => {
    w = await world(PD_ACCOUNT(pd('Hot Lead'), FAST), SIM);
    expect((await w.run('plan', '--out', 'plan.json')).code).toBe(0);
    const r = await w.run('apply', 'plan.json', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(events(r.stdout).map((e) => e.type)).toEqual(['version', 'plan', 'action_started', 'action_done', 'account', 'summary']);
  });
});
