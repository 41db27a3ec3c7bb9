// series.hr and Spacebring over real HTTP: transitions only when needed, paths, mappings, and errors per address.

import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigWithState } from '../../src/state/config-with-state.js';
import { loadState, makePlan } from '../../src/engine/manager.js';
import { realClock, type Clock } from '../../src/http/pacer.js';
import { SERIES_ACCOUNT, SPACEBRING_ACCOUNT, arrivalSpanMs, expectPaced, world, type World } from './fixtures.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const seedSeries = [
  { id: 'T-1', status: 'open' },
  { id: 'T-2', status: 'in-progress' },
  { id: 'T-3', status: 'resolved' },
];

describe('series.hr tickets', () => {
  it('posts only real changes (each adds a system message), and a category already satisfied moves nothing', async () => {
    w = await world(
      SERIES_ACCOUNT('      - { id: T-1, status: resolved }\n      - { id: T-2, category: open }\n      - { id: T-3, status: resolved }\n'),
      { seeds: { serieshr: seedSeries } },
    );
    const plan = await w.run('plan');
    // T-2 and T-3 are as declared already: adopted, with no message posted.
    expect(plan.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete, 1 ticket transition, 2 to adopt.');
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const tickets = w.sandbox.simulators.serieshr.store.tickets;
    expect(tickets.get('T-1')).toMatchObject({ Status: 'resolved' });
    expect(tickets.get('T-1')!.messages).toHaveLength(1);
    expect(tickets.get('T-2')!.messages).toHaveLength(0);
    expect(tickets.get('T-3')!.messages).toHaveLength(0);
    expect(w.sandbox.simulators.serieshr.requests.filter((r) => r.method === 'POST')[0]!.body).toEqual({
      status: 'resolved',
      staffUserId: 987654321,
    });
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('walks the documented path step by step with strict_transitions, and reopens in one step', async () => {
    w = await world(
      SERIES_ACCOUNT('      - { id: T-1, status: closed }\n      - { id: T-3, status: open }\n', '    strict_transitions: true\n'),
      { seeds: { serieshr: seedSeries } },
    );
    const plan = await w.run('plan');
    expect(plan.stdout).toContain('helpdesk.tickets["T-1"] will move through in-progress → resolved → closed');
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const t = w.sandbox.simulators.serieshr.store.tickets;
    expect(t.get('T-1')!.messages.map((m) => m.text)).toEqual([
      'Status changed to in-progress',
      'Status changed to resolved',
      'Status changed to closed',
    ]);
    expect(t.get('T-3')!.messages.map((m) => m.text)).toEqual(['Status changed to open']);
  });

  it('makes a missing ticket a plan error for its address, and apply writes nothing', async () => {
    w = await world(SERIES_ACCOUNT('      - { id: T-1, status: resolved }\n      - { id: T-404, status: closed }\n'), {
      seeds: { serieshr: seedSeries },
    });
    const plan = await w.run('plan');
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain('helpdesk.tickets["T-404"]: ticket not found at series.hr (404 Ticket not found)');
    expect(plan.stdout).toContain('~ helpdesk.tickets["T-1"]');
    const apply = await w.run('apply', '--auto-approve');
    expect(apply.code).toBe(1);
    expect(w.sandbox.simulators.serieshr.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('keeps to 25 requests a second, so the vendor has no reason to answer 429', async () => {
    const seed = Array.from({ length: 30 }, (_, i) => ({ id: `R-${i}`, status: 'open' }));
    w = await world(SERIES_ACCOUNT(seed.map((t) => `      - { id: ${t.id}, status: closed }\n`).join('')), { seeds: { serieshr: seed } });
    expect((await w.run('apply', '--auto-approve', '--parallelism', '10')).code).toBe(0);
    expect(arrivalSpanMs(w.sandbox.simulators.serieshr.requests)).toBeGreaterThanOrEqual(2300); // 60 requests at 25/s
    expectPaced(w.sandbox.simulators.serieshr.requests);
    const tickets = [...w.sandbox.simulators.serieshr.store.tickets.values()];
    expect(tickets.every((t) => t.Status === 'closed' && t.messages.length === 1)).toBe(true);
  });

  it('reads a 403 as the missing subscription, not as a bad key', async () => {
    w = await world(SERIES_ACCOUNT('      - { id: T-1, status: resolved }\n'), { seeds: { serieshr: seedSeries } });
    w.sandbox.simulators.serieshr.store.premium = false;
    const r = await w.run('plan');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('403 Tickets module requires a Premium or Enterprise subscription');
  });

  it('refuses a category that maps to no vendor status, and mappings that leave a status out', async () => {
    w = await world(
      `version: 1
accounts:
  helpdesk:
    vendor: serieshr
    api_key: k
    staff_user_id: 1
    mappings: { open: open, in-progress: open, resolved: solved }
    tickets:
      - { id: T-1, category: hold }
      - { id: T-2, status: resolved, category: solved }
`,
    );
    const r = await w.run('validate');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('statusform.yaml:7:15: accounts.helpdesk.mappings: missing required field "closed"');
  });
});

describe('Spacebring tickets', () => {
  it('moves tickets with Basic auth, and with a bearer token plus network id', async () => {
    const seeds = {
      spacebring: [
        { id: 'sb-1', status: 'new' },
        { id: 'sb-2', status: 'inProgress' },
      ],
    };
    w = await world(SPACEBRING_ACCOUNT('      - { id: sb-1, status: solved }\n      - { id: sb-2, category: open }\n'), { seeds });
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const store = w.sandbox.simulators.spacebring.store;
    expect(store.tickets.get('sb-1')!.status).toBe('solved');
    expect(store.tickets.get('sb-2')!.activities).toEqual([]);
    expect(w.sandbox.simulators.spacebring.requests.find((r) => r.method === 'PUT')!.body).toEqual({ ticket: { status: 'solved' } });
    await w.close();

    w = await world(
      SPACEBRING_ACCOUNT(
        '      - { id: sb-1, status: closed }\n',
        '    token: sb_sandbox_oauth_token_0000000000\n    network_id: 7f1f0c1e-55a4-4a58-9d5f-1b6f3c9a2e10\n',
      ),
      { seeds },
    );
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    expect(w.sandbox.simulators.spacebring.store.tickets.get('sb-1')!.status).toBe('closed');
  });

  it('makes a ticket answered without a documented status a plan error, never a transition sent on every apply', async () => {
    w = await world(SPACEBRING_ACCOUNT('      - { id: sb-odd, status: solved }\n      - { id: sb-ok, status: solved }\n'), {
      seeds: {
        spacebring: [
          { id: 'sb-odd', status: 'new' },
          { id: 'sb-ok', status: 'new' },
        ],
      },
    });
    (w.sandbox.simulators.spacebring.store.tickets.get('sb-odd') as { status?: string }).status = undefined; // the API left it out
    const plan = await w.run('plan');
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain(
      'coworking.tickets["sb-odd"]: Spacebring gave this ticket the status null, which is none of new, inProgress, solved, closed',
    );
    expect((await w.run('apply', '--auto-approve')).code).toBe(1);
    expect(w.sandbox.simulators.spacebring.requests.filter((q) => q.method === 'PUT')).toEqual([]);
  });

  it('reads the vendor error body ({message,type}) for a ticket that does not exist', async () => {
    w = await world(SPACEBRING_ACCOUNT('      - { id: sb-missing, status: closed }\n'));
    const r = await w.run('plan');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('coworking.tickets["sb-missing"]: ticket not found at Spacebring (404 Ticket not found (not_found))');
  });

  it('keeps to 10 requests a second, so the vendor has no reason to answer 429', async () => {
    const seed = Array.from({ length: 12 }, (_, i) => ({ id: `r-${i}`, status: 'new' }));
    w = await world(SPACEBRING_ACCOUNT(seed.map((t) => `      - { id: ${t.id}, status: solved }\n`).join('')), {
      seeds: { spacebring: seed },
    });
    expect((await w.run('apply', '--auto-approve', '--parallelism', '8')).code).toBe(0);
    // 12 reads and 12 writes at 10/s reach the vendor over at least 2.3 s; none may be refused.
    expect(arrivalSpanMs(w.sandbox.simulators.spacebring.requests)).toBeGreaterThanOrEqual(2200);
    expectPaced(w.sandbox.simulators.spacebring.requests);
    expect([...w.sandbox.simulators.spacebring.store.tickets.values()].every((t) => t.status === 'solved')).toBe(true);
  });

  it('asks for exactly one way to authenticate', async () => {
    w = await world(SPACEBRING_ACCOUNT('      - { id: sb-1, status: closed }\n', '    client_id: x\n    token: y\n'));
    const r = await w.run('validate');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('accounts.coworking: give either client_id and client_secret (Basic auth) or token and network_id (OAuth2)');
  });
});

describe('selector rules', () => {
  const days = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

  it('closes every series.hr ticket resolved for 14 days, listing each, refusing more than max without --allow-bulk', async () => {
    const seed = [
      ...Array.from({ length: 30 }, (_, i) => ({ id: `OLD-${i}`, status: 'resolved', updatedAt: days(20) })),
      { id: 'NEW-1', status: 'resolved', updatedAt: days(2) },
      { id: 'OPEN-1', status: 'open', updatedAt: days(40) },
    ];
    const rules =
      '    rules:\n      - { name: close-stale, where: { status: resolved, ' +
      'not_updated_for_days: 14 }, set: { status: closed }, max: 25 }\n';
    w = await world(SERIES_ACCOUNT('      - { id: OPEN-1, status: open }\n', rules), {
      seeds: { serieshr: seed },
      rateLimits: { serieshr: false },
    });
    const plan = await w.run('plan');
    expect(plan.stdout).toContain('~ helpdesk.tickets["OLD-29"]');
    expect(plan.stdout).not.toContain('NEW-1');
    expect(plan.stdout).toContain(
      'helpdesk: rule "close-stale" matches 30 items, 30 to change — more than its max of 25: apply needs --allow-bulk',
    );
    // The listing walked every page of resolved tickets (10 a page, as documented), not one read per ticket.
    expect(w.sandbox.simulators.serieshr.requests.filter((r) => r.path === '/tickets/list').map((r) => r.query)).toEqual(
      [1, 2, 3, 4].map((n) => `?page=${n}&status=resolved`),
    );

    const refused = await w.run('apply', '--auto-approve');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('rule "close-stale" would change 30 items, more than its max of 25');
    expect(w.sandbox.simulators.serieshr.requests.filter((r) => r.method === 'POST')).toEqual([]);

    expect((await w.run('apply', '--auto-approve', '--allow-bulk')).code).toBe(0);
    const tickets = w.sandbox.simulators.serieshr.store.tickets;
    expect([...tickets.values()].filter((t) => t.Status === 'closed')).toHaveLength(30);
    expect(tickets.get('NEW-1')!.Status).toBe('resolved');
    const after = await w.run('plan', '--detailed-exitcode');
    expect(after.code).toBe(0);
    expect(after.stdout).not.toContain('no longer exists'); // closed tickets leave the rule, they are not gone
  });

  it("counts a rule's not_updated_for_days back from the run's clock, not the machine's", async () => {
    const seed = [
      { id: 'STALE', status: 'resolved', updatedAt: '2020-01-01T00:00:00Z' },
      { id: 'RECENT', status: 'resolved', updatedAt: '2020-01-20T00:00:00Z' },
    ];
    const rules =
      '    rules:\n      - { name: close-stale, where: { status: resolved, not_updated_for_days: 14 }, set: { status: closed } }\n';
    w = await world(SERIES_ACCOUNT('      []\n', rules), { seeds: { serieshr: seed }, rateLimits: { serieshr: false } });
    const config = loadConfigWithState('.', { cwd: w.dir, env: w.env }).config!;
    const selectedAt = async (now: string) => {
      const clock: Clock = { now: () => Date.parse(now), sleep: realClock.sleep };
      const { plan } = await makePlan(config, await loadState(config), { clock });
      return plan.actions.map((a) => a.address);
    };
    // On 25 January 2020, only the ticket resolved 24 days before is stale; the machine's clock would say both are.
    expect(await selectedAt('2020-01-25T00:00:00Z')).toEqual(['helpdesk.tickets["STALE"]']);
    expect(await selectedAt('2020-01-10T00:00:00Z')).toEqual([]);
    expect((await selectedAt('2020-02-10T00:00:00Z')).sort()).toEqual(['helpdesk.tickets["RECENT"]', 'helpdesk.tickets["STALE"]']);
  });

  it('selects Spacebring tickets of a location through every page', async () => {
    const location = '0b7e3c1a-9f2d-4e7b-8a51-3d2c1b0a9f88';
    const seed = Array.from({ length: 120 }, (_, i) => ({ id: `sb-${i}`, status: i % 2 === 0 ? 'solved' : 'new' }));
    const config = SPACEBRING_ACCOUNT('      []\n').replace(
      '    tickets:\n      []\n',
      `    tickets: []\n    rules:\n      - { where: { location: ${location}, status: solved }, set: { category: closed }, max: 100 }\n`,
    );
    w = await world(config, { seeds: { spacebring: seed }, rateLimits: { spacebring: false } });
    const r = await w.run('apply', '--auto-approve');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('rule "rules[0]" matches 60 items, 60 to change');
    expect([...w.sandbox.simulators.spacebring.store.tickets.values()].filter((t) => t.status === 'closed')).toHaveLength(60);
    expect(w.sandbox.simulators.spacebring.requests.filter((q) => q.path === '/support/tickets/v1')).toHaveLength(2);
  });
});
