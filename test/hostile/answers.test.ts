// A vendor that does not behave: every answer is checked, every wait and loop is bounded, and
// no credential comes back out in any form. Each case runs the CLI (or the engine) over real
// HTTP against a hostile server in front of a simulator and asserts the exit code, one clear
// line, the state file untouched (or exactly what the vendor processed), and no unexpected write.
// Waits the vendor asks for are read off an injected clock, never slept through.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigWithState } from '../../src/state/config-with-state.js';
import { applyPlan, loadState, makePlan, type RunOptions } from '../../src/engine/manager.js';
import { closeDefaultAgent } from '../../src/http/client.js';
import { PD_ACCOUNT, SERIES_ACCOUNT, SPACEBRING_ACCOUNT, TH_ACCOUNT, TT_ACCOUNT, world, type World } from '../e2e/fixtures.js';
import { ZENDESK_SANDBOX_API_TOKEN, ZENDESK_SANDBOX_EMAIL } from '../../src/vendors/zendesk/simulator.js';
import { fakeClock } from '../helpers.js';
import { hostile, json, type HostileVendor, type Rule } from './proxy.js';

let w: World | undefined;
let vendor: HostileVendor | undefined;
afterEach(async () => {
  await vendor?.close();
  await w?.close();
  await closeDefaultAgent();
  vendor = undefined;
  w = undefined;
});

const FAST = '    rate_limit: { requests: 200, seconds: 1 }\n';
const FAST_SIM = { rateLimits: { propertydeck: false as const, serieshr: false as const, spacebring: false as const } };
const status = (label: string) => `      - { label: "${label}", type: property, maps_to: open }\n`;

/** A world whose `urlVar` points at a hostile vendor in front of its simulator, after `setup` ran against the real one. */
async function behind(urlVar: string, rule: Rule): Promise<HostileVendor> {
  vendor = await hostile(w!.env[urlVar]!, rule);
  w!.env[urlVar] = vendor.url;
  return vendor;
}

const stateText = () => {
  const p = join(w!.dir, 'statusform.state.json');
  return existsSync(p) ? readFileSync(p, 'utf8') : '';
};

describe('a list read that is not what the docs say stops the plan, never plans on a wrong list', () => {
  const listPage = (ex: { method: string; path: string }) => ex.method === 'GET' && ex.path.endsWith('/statuses');
  const cases: { name: string; answer: (real: Record<string, unknown>) => ReturnType<typeof json>; says: RegExp }[] = [
    {
      name: 'an HTML maintenance page',
      answer: () => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><h1>Down for maintenance</h1>' }),
      says: /answered 200, but the body is an HTML page, not JSON/,
    },
    {
      name: 'JSON cut short',
      answer: (real) => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(real).slice(0, 40) }),
      says: /answered 200, but the JSON is cut short or broken/,
    },
    { name: 'an empty body', answer: () => ({ status: 200, body: '' }), says: /answered 200, but the body is empty/ },
    {
      name: 'another envelope',
      answer: (real) => json(200, { statuses: real['data'], meta: real['meta'] }),
      says: /it is not a page of Property Deck statuses: the body lacks "data"/,
    },
    { name: 'an object where the list belongs', answer: (real) => json(200, { ...real, data: { a: 1 } }), says: /\/data must be array/ },
    {
      name: 'a null entry',
      answer: (real) => json(200, { ...real, data: [...(real['data'] as unknown[]), null] }),
      says: /\/data\/2 must be object \(got null\)/,
    },
    {
      name: 'an entry without its id',
      answer: (real) => json(200, { ...real, data: [...(real['data'] as object[]), { label: 'Ghost', type: { code: 2 } }] }),
      says: /\/data\/2 lacks "uuid"/,
    },
    {
      name: 'a numeric label',
      answer: (real) => json(200, { ...real, data: [...(real['data'] as object[]), { uuid: 'u-9', label: 42, type: { code: 2 } }] }),
      says: /\/data\/2\/label must be string \(got 42\)/,
    },
    {
      name: 'one id twice, with different labels',
      answer: (real) => {
        const data = real['data'] as { uuid: string; label: string }[];
        return json(200, { ...real, data: [...data, { ...data[0]!, label: 'Impostor' }] });
      },
      says: /page 1 of statuses \(\/statuses\?page=1&per_page=100\) lists id "[^"]+" a second time, with different content/,
    },
  ];

  for (const c of cases) {
    it(`${c.name}: plan exits 1 naming the account and request; apply writes nothing; the state file is untouched`, async () => {
      w = await world(PD_ACCOUNT(status('Alpha') + status('Beta'), FAST), FAST_SIM);
      // The same vendor throughout (the state file is bound to its origin); it turns hostile after the first apply.
      let hostileNow = false;
      await behind('PROPERTYDECK_URL', async (ex, forward) =>
        hostileNow && listPage(ex) ? c.answer((await forward()).json() as Record<string, unknown>) : undefined,
      );
      expect((await w.run('apply', '--auto-approve')).code).toBe(0);
      const before = stateText();
      const writesBefore = vendor!.writes().length;
      hostileNow = true;
      const plan = await w.run('plan');
      expect(plan.code).toBe(1);
      expect(plan.stderr).toMatch(/estate\.statuses: cannot read live state: .*\/statuses\?page=1&per_page=100/);
      expect(plan.stderr).toMatch(c.says);
      expect(plan.stderr.split('\n').filter((l) => l.includes('cannot read live state'))).toHaveLength(1);
      const apply = await w.run('apply', '--auto-approve');
      expect(apply.code).toBe(1);
      expect(vendor!.writes()).toHaveLength(writesBefore);
      expect(stateText()).toBe(before);
    });
  }
});

describe("every vendor read is checked, not only Property Deck's", () => {
  it('TimeTap: an object where the list of statuses belongs', async () => {
    w = await world(TT_ACCOUNT('      - { sub_status: CHECKEDIN, status: OPEN, maps_to: open }\n'));
    await behind('TIMETAP_URL', (ex) => (ex.method === 'GET' && ex.path.endsWith('/status') ? json(200, { statuses: [] }) : undefined));
    const r = await w.run('apply', '--auto-approve');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'salon.statuses: cannot read live state: GET /live/status answered 200, ' +
        'but it is not a list of TimeTap statuses: the body must be array (got {"statuses":[]})',
    );
    expect(vendor!.writes()).toEqual([]);
  });

  it('TimeTap: a row without its statusId', async () => {
    w = await world(TT_ACCOUNT('      - { sub_status: CHECKEDIN, status: OPEN, maps_to: open }\n'));
    await behind('TIMETAP_URL', async (ex, forward) => {
      if (ex.method !== 'GET' || !ex.path.endsWith('/status')) return undefined;
      const rows = (await forward()).json() as Record<string, unknown>[];
      return json(
        200,
        rows.map((r, i) => (i === 0 ? { ...r, statusId: undefined } : r)),
      );
    });
    const r = await w.run('plan');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\/0 lacks "statusId"/);
  });

  it('series.hr: a ticket answered with data null', async () => {
    w = await world(SERIES_ACCOUNT('      - { id: T-1, status: closed }\n'), { seeds: { serieshr: [{ id: 'T-1', status: 'open' }] } });
    await behind('SERIES_URL', (ex) => (ex.method === 'GET' ? json(200, { success: true, data: null }) : undefined));
    const r = await w.run('apply', '--auto-approve');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'helpdesk.tickets["T-1"]: cannot read live state: GET /tickets/get/T-1 answered 200, ' +
        'but it is not a series.hr ticket: /data must be object (got null)',
    );
    expect(vendor!.writes()).toEqual([]);
  });

  it('series.hr: a ticket answered for another ticket is an error for its address, never a move of the wrong one', async () => {
    w = await world(SERIES_ACCOUNT('      - { id: T-1, status: closed }\n'), {
      seeds: {
        serieshr: [
          { id: 'T-1', status: 'open' },
          { id: 'T-2', status: 'open' },
        ],
      },
    });
    await behind('SERIES_URL', async (ex, forward) => {
      if (ex.method !== 'GET') return undefined;
      const real = (await forward()).json() as { data: { Ticket: Record<string, unknown> } };
      return json(200, { ...real, data: { Ticket: { ...real.data.Ticket, TicketId: 'T-2' } } });
    });
    const r = await w.run('apply', '--auto-approve');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('helpdesk.tickets["T-1"]: series.hr answered for another ticket ("T-2")');
    expect(vendor!.writes()).toEqual([]);
  });

  it('Spacebring: a page of tickets whose list is null', async () => {
    const rules = '    rules:\n      - { where: { location: loc-1, status: solved }, set: { status: closed } }\n';
    w = await world(SPACEBRING_ACCOUNT('      - { id: sb-1, status: new }\n').replace('    mappings:', `${rules}    mappings:`), {
      seeds: { spacebring: [{ id: 'sb-1', status: 'new', locationRef: 'loc-1' }] },
    });
    await behind('SPACEBRING_URL', (ex) =>
      ex.method === 'GET' && ex.path.endsWith('/support/tickets/v1') ? json(200, { tickets: null }) : undefined,
    );
    const r = await w.run('plan');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'coworking.tickets: cannot read live state: GET /support/tickets/v1?locationRef=loc-1&limit=100&order=updateDate%3Adesc ' +
        'answered 200, but it is not a page of Spacebring tickets: /tickets must be array (got null)',
    );
  });
});

describe('a write answer that is not what the docs say is never recorded as done', () => {
  it('Thalamus: an upsert answered 200 with an HTML page fails, is not recorded, and is sent again by the next apply', async () => {
    w = await world(TH_ACCOUNT('      - { id: a, label: Alpha, maps_to: open }\n', FAST));
    let broken = true;
    await behind('THALAMUS_URL', async (ex, forward) => {
      if (ex.method !== 'POST' || !broken) return undefined;
      await forward(); // the vendor did process it: the outcome is unknown to statusform
      return { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>gateway</html>' };
    });
    const r = await w.run('apply', '--auto-approve');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /nerds\.status_variants\["a"\]: create failed: POST \/api\/v1\/partner\/reference\/status answered 200, but the body is an HTML page/,
    );
    expect(stateText()).not.toContain('"a"');
    broken = false;
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    expect(vendor!.writes()).toHaveLength(2); // an upsert is safe to send again
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('Property Deck: a create answered 201 without an id is resolved by re-reading — one status, its real uuid recorded', async () => {
    w = await world(PD_ACCOUNT(status('Fresh'), FAST), FAST_SIM);
    await behind('PROPERTYDECK_URL', async (ex, forward) => {
      if (ex.method !== 'POST') return undefined;
      const real = (await forward()).json() as { data: Record<string, unknown> };
      return json(201, { data: { ...real.data, uuid: undefined } });
    });
    const r = await w.run('apply', '--auto-approve');
    expect(r.code).toBe(0);
    const sim = w.sandbox.simulators.propertydeck;
    const made = [...sim.store.statuses.values()].filter((s) => s.label === 'Fresh');
    expect(made).toHaveLength(1);
    expect(vendor!.writes()).toHaveLength(1);
    expect(w.state().accounts['estate']!.items['property:Fresh']!.id).toBe(made[0]!.uuid);
  });

  it('series.hr: 200 {"success": false} is a failed transition with the vendor message, never "done"', async () => {
    w = await world(SERIES_ACCOUNT('      - { id: T-1, status: closed }\n'), { seeds: { serieshr: [{ id: 'T-1', status: 'open' }] } });
    await behind('SERIES_URL', (ex) =>
      ex.method === 'POST' ? json(200, { success: false, error: { code: 409, message: 'Ticket is locked by another agent' } }) : undefined,
    );
    const r = await w.run('apply', '--auto-approve');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'helpdesk.tickets["T-1"]: transition failed: POST /tickets/T-1/status answered 200 but refused: Ticket is locked by another agent',
    );
    expect(r.stdout).not.toMatch(/T-1"\]: transition done/);
    expect(vendor!.writes()).toHaveLength(1); // a refusal is not retried
    expect((await w.run('plan')).stdout).toContain('helpdesk.tickets["T-1"]');
  });
});

describe('every wait is bounded and said', () => {
  /** The configuration of the world, loaded as the CLI would. */
  const configOf = () => loadConfigWithState('.', { cwd: w!.dir, env: w!.env }).config!;

  /** Plans in-process on an injected clock: what the run waited is read off the clock, and its notices collected. */
  async function planOnClock(opts: Omit<RunOptions, 'clock' | 'notify'> = {}) {
    const clock = fakeClock();
    const notices: string[] = [];
    const config = configOf();
    const planned = await makePlan(config, await loadState(config), { ...opts, clock, notify: (line) => notices.push(line) });
    return { planned, clock, notices, config };
  }

  it('a Retry-After of a day fails at once with what the vendor asked and the limit', async () => {
    w = await world(PD_ACCOUNT(status('Alpha'), FAST), FAST_SIM);
    await behind('PROPERTYDECK_URL', () => json(429, { message: 'Too Many Attempts.' }, { 'retry-after': '99999' }));
    const r = await w.run('plan');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /127\.0\.0\.1:\d+ asked to wait 99999 s \(Retry-After\); the limit is 300 s \(max_wait_seconds on the account, or --max-wait\)/,
    );
    expect(vendor!.requests).toHaveLength(1); // nothing waited, nothing tried again
  });

  it('an X-RateLimit-Reset far in the future stops the run before its next request, not after a day', async () => {
    w = await world(PD_ACCOUNT(status('Alpha') + status('Beta'), FAST), FAST_SIM);
    await behind('PROPERTYDECK_URL', async (ex, forward) => {
      if (ex.method !== 'GET') return undefined;
      const real = await forward();
      return {
        ...real,
        headers: {
          ...real.headers,
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 86_400 * 365 * 50),
        },
      };
    });
    const r = await w.run('apply', '--auto-approve');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/asked to wait \d+ s \(X-RateLimit-Reset\); the limit is 300 s/);
    expect(vendor!.writes()).toEqual([]);
    expect(vendor!.requests.map((ex) => ex.method)).toEqual(['GET']);
  });

  it('--max-wait lowers the limit, and a wait is announced on stderr without a TTY', async () => {
    w = await world(PD_ACCOUNT(status('Alpha'), FAST), FAST_SIM);
    let quotaOnly = false;
    await behind('PROPERTYDECK_URL', async (_ex, forward) => {
      if (!quotaOnly) return json(429, { message: 'Too Many Attempts.' }, { 'retry-after': '6' });
      const real = await forward();
      return { ...real, headers: { ...real.headers, 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '6' } };
    });
    const refused = await w.run('plan', '--max-wait', '5');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/asked to wait 6 s \(Retry-After\); the limit is 5 s/);
    // A spent quota is announced with the answer that spends it; this plan needs no request after it, so nothing is waited.
    quotaOnly = true;
    const announced = await w.run('plan');
    expect(announced.code).toBe(0);
    expect(announced.stderr).toMatch(/^estate: 127\.0\.0\.1:\d+ asked to wait 6 s \(X-RateLimit-Reset\), resuming at \d\d:\d\d:\d\d UTC$/m);
  });

  it('a wait within the limit is kept: the next request starts when the time given has passed, and the wait is announced', async () => {
    w = await world(PD_ACCOUNT(status('Alpha'), FAST), FAST_SIM);
    let asked = 0;
    await behind('PROPERTYDECK_URL', () =>
      asked++ === 0 ? json(429, { message: 'Too Many Attempts.' }, { 'retry-after': '6' }) : undefined,
    );
    const { planned, clock, notices } = await planOnClock();
    expect(planned.plan.errors).toEqual([]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^estate: 127\.0\.0\.1:\d+ asked to wait 6 s \(Retry-After\), resuming at \d\d:\d\d:\d\d UTC$/);
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(6000);
    expect(vendor!.requests).toHaveLength(2);
  }, 20_000);

  it('a 429 on one create holds the whole account: nothing else is sent until the time given, and the pause is announced once', async () => {
    // Paced to 10/s, the creates queued behind the first wait for their slots when its 429 comes.
    w = await world(
      PD_ACCOUNT(['A', 'B', 'C', 'D', 'E', 'F'].map(status).join(''), '    rate_limit: { requests: 10, seconds: 1 }\n'),
      FAST_SIM,
    );
    const clock = fakeClock();
    const arrivals: { method: string; at: number }[] = [];
    let told: number | undefined;
    await behind('PROPERTYDECK_URL', (ex) => {
      arrivals.push({ method: ex.method, at: clock.now() });
      if (ex.method !== 'POST' || told !== undefined) return undefined;
      told = clock.now();
      return json(429, { message: 'Too Many Attempts.' }, { 'retry-after': '5' });
    });
    const notices: string[] = [];
    const config = configOf();
    // No backoff of its own: the clock then moves only by pacing and by the pause, so a request's
    // arrival time is the time it was sent.
    const retry = { baseDelayMs: 0, maxDelayMs: 0 };
    const planned = await makePlan(config, await loadState(config), { clock, retry, notify: (line) => notices.push(line) });
    const result = await applyPlan(config, await loadState(config), planned, { parallelism: 4 });
    expect(result.failed).toBe(0);
    expect(w.sandbox.simulators.propertydeck.store.statuses.size).toBe(6);
    // Requests already on their way when the 429 came finish; none starts within the time given.
    const during = arrivals.filter((a) => a.at > told! && a.at < told! + 5000);
    expect(during).toEqual([]);
    expect(arrivals.filter((a) => a.at >= told! + 5000).length).toBeGreaterThan(0);
    expect(notices.filter((n) => /asked to wait 5 s \(Retry-After\)/.test(n))).toHaveLength(1);
  }, 20_000);

  it('retries say so from the second on, and the final error names the host', async () => {
    w = await world(PD_ACCOUNT(status('Alpha'), FAST), FAST_SIM);
    await behind('PROPERTYDECK_URL', () => json(503, { message: 'Service Unavailable' }));
    const r = await w.run('plan');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^estate: GET \/statuses failed \(503 Service Unavailable\), retry 2 of 5 in \d+\.\d s$/m);
    expect(r.stderr).not.toMatch(/retry 1 of/);
    expect(r.stderr).toMatch(/gave up after 6 attempts at 127\.0\.0\.1:\d+: 503 Service Unavailable/);
  }, 30_000);

  it('a refused connection to this machine fails at once with a hint about the sandbox', async () => {
    w = await world(PD_ACCOUNT(status('Alpha'), FAST), FAST_SIM);
    await w.sandbox.simulators.propertydeck.close();
    const { planned, clock } = await planOnClock();
    expect(planned.plan.errors[0]?.message).toMatch(
      /cannot connect to 127\.0\.0\.1:\d+ \(connection refused\): nothing listens there\. If this is the sandbox, is `statusform sandbox` running/,
    );
    expect(planned.stats.requests).toBe(1);
    expect(clock.sleeps.filter((ms) => ms > 0)).toEqual([]); // no backoff: it is not tried again
    const r = await w.run('plan');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot connect to 127\.0\.0\.1:\d+ \(connection refused\)/);
  });

  // The deadline is kept by real timers (a server that trickles or stays silent is real), so these
  // run on a short one; the test's own timeout is only a guard against a hang.
  const engineRun = { timeoutMs: 1000, deadlineMs: 1500, retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10 } };
  it('a body that trickles in a byte at a time fails within the total deadline, which retries do not multiply', async () => {
    w = await world(PD_ACCOUNT(status('Alpha'), FAST), FAST_SIM);
    await behind('PROPERTYDECK_URL', async (ex, forward) => (ex.method === 'GET' ? { trickle: await forward(), everyMs: 100 } : undefined));
    const config = configOf();
    const err = await makePlan(config, await loadState(config), engineRun).then((p) => p.plan.errors[0]);
    expect(err?.message).toMatch(/no complete answer within 2 s to GET \/statuses\?page=1&per_page=100 \(its deadline, retries included\)/);
    expect(vendor!.requests).toHaveLength(1);
  }, 15_000);

  it('a server that never answers fails within the deadline', async () => {
    w = await world(PD_ACCOUNT(status('Alpha'), FAST), FAST_SIM);
    await behind('PROPERTYDECK_URL', () => ({ hang: true }));
    const config = configOf();
    const err = await makePlan(config, await loadState(config), engineRun).then((p) => p.plan.errors[0]);
    expect(err?.message).toMatch(/gave up after 2 attempts/);
    expect(vendor!.requests).toHaveLength(2);
  }, 15_000);
});

describe('pagination cannot loop', () => {
  it('Property Deck: a next link back to the first page is an error naming the loop', async () => {
    w = await world(PD_ACCOUNT(status('Alpha'), FAST), FAST_SIM);
    let hostileNow = false;
    await behind('PROPERTYDECK_URL', async (ex, forward) => {
      if (ex.method !== 'GET' || !hostileNow) return undefined;
      const real = (await forward()).json() as { meta: { pagination: Record<string, unknown> } };
      const loop = `${vendor!.url}/statuses?page=1&per_page=100`;
      return json(200, { ...real, meta: { pagination: { ...real.meta.pagination, total_pages: 2, links: { next: loop } } } });
    });
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    hostileNow = true;
    const seen = vendor!.requests.length;
    const r = await w.run('plan');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /estate\.statuses: cannot read live state: the vendor's pagination loops: page 2 of statuses is .*page=1.* again/,
    );
    expect(vendor!.requests.length - seen).toBe(1);
  });

  const rules = (location: string) => `    rules:\n      - { where: { location: ${location}, status: solved }, set: { status: closed } }\n`;
  const spacebringWithRule = (location: string) =>
    SPACEBRING_ACCOUNT('      - { id: sb-1, status: new }\n').replace('    mappings:', `${rules(location)}    mappings:`);
  const seed = Array.from({ length: 3 }, (_, i) => ({ id: `sb-${i}`, status: i === 0 ? 'new' : 'solved', locationRef: 'loc-1' }));

  it('Spacebring: the same page token again is a loop, not an endless read', async () => {
    w = await world(spacebringWithRule('loc-1'), { ...FAST_SIM, seeds: { spacebring: seed } });
    await behind('SPACEBRING_URL', async (ex, forward) => {
      if (ex.method !== 'GET' || !ex.path.endsWith('/support/tickets/v1')) return undefined;
      const real = (await forward()).json() as { tickets: { id: string }[] };
      // A new ticket each time, but always the same token.
      return json(200, { tickets: [...real.tickets, { id: `extra-${vendor!.requests.length}`, status: 'solved' }], nextPageToken: 'same' });
    });
    const r = await w.run('plan');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /coworking\.tickets: cannot read live state: the vendor's pagination loops: page 3 of tickets is .*nextPageToken=same.* again/,
    );
  });

  it('Spacebring: a server that ignores the page token (same page, new token) stops on the page that brings nothing new', async () => {
    w = await world(spacebringWithRule('loc-1'), { ...FAST_SIM, seeds: { spacebring: seed } });
    await behind('SPACEBRING_URL', async (ex, forward) => {
      if (ex.method !== 'GET' || !ex.path.endsWith('/support/tickets/v1')) return undefined;
      const real = (await forward()).json() as { tickets: unknown[] };
      return json(200, { tickets: real.tickets, nextPageToken: `t${vendor!.requests.length}` });
    });
    const r = await w.run('plan');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /page 2 of tickets \(.*nextPageToken=t\d+.*\) brought no new tickets but points to another page: the vendor may be ignoring the page parameter/,
    );
    expect(vendor!.requests.filter((q) => q.path.endsWith('/support/tickets/v1'))).toHaveLength(2);
  });

  it('Spacebring: the page token goes back as nextPageToken, as documented, and every page is read', async () => {
    const many = Array.from({ length: 230 }, (_, i) => ({ id: `sb-${i}`, status: 'solved', locationRef: 'loc-1' }));
    w = await world(spacebringWithRule('loc-1'), { ...FAST_SIM, seeds: { spacebring: many } });
    const r = await w.run('plan');
    expect(r.stdout).toContain('matches 230 items');
    const lists = w.sandbox.simulators.spacebring.requests
      .filter((q) => q.path === '/support/tickets/v1')
      .map((q) => new URLSearchParams(q.query).get('nextPageToken'));
    expect(lists).toEqual([null, '100', '200']);
  });
});

describe('credentials never come back out, in any encoding a vendor may echo', () => {
  const secret = 'sb-secret-9f8e7d6c5b4a39281706';
  for (const idLength of [1, 2, 3, 7, 20, 41]) {
    it(`a Spacebring 401 that echoes the Basic credential, whole or cut short, with a client id of ${idLength} characters`, async () => {
      const clientId = 'c'.repeat(idLength);
      const basic = Buffer.from(`${clientId}:${secret}`).toString('base64');
      w = await world(SPACEBRING_ACCOUNT('      - { id: sb-1, status: new }\n'), {
        seeds: { spacebring: [{ id: 'sb-1', status: 'new' }] },
      });
      w.env['SPACEBRING_CLIENT_ID'] = clientId;
      w.env['SPACEBRING_CLIENT_SECRET'] = secret;
      // Every cut of the echo: the bare base64, and "Basic " with it.
      const cuts = [basic.length, basic.length - 1, Math.ceil(basic.length / 2), Math.ceil((idLength + 4) / 3) * 4];
      for (const cut of cuts) {
        const echo = basic.slice(0, cut);
        await vendor?.close();
        w.env['SPACEBRING_URL'] = w.sandbox.simulators.spacebring.url;
        await behind('SPACEBRING_URL', () =>
          json(401, { message: `invalid credentials ${echo} (Authorization: Basic ${echo})`, type: 'unauthorized' }),
        );
        const r = await w.run('plan', '--verbose');
        expect(r.code).toBe(1);
        const out = r.stdout + r.stderr;
        expect(out).toContain('refused the credentials (401');
        expect(out).not.toContain(secret);
        // What is left of the echo decodes to no character of the secret.
        for (const token of out.match(/[A-Za-z0-9+/=]{4,}/g) ?? []) {
          const decoded = Buffer.from(token, 'base64').toString('latin1');
          expect(decoded.includes(`:${secret.slice(0, 1)}`), `"${token}" decodes to part of the secret`).toBe(false);
        }
      }
    });
  }
});

describe('a create is recorded only as the item it made, never as another', () => {
  it('Property Deck: a 201 that names a status someone else has is not recorded; prune later leaves that status alone', async () => {
    w = await world(PD_ACCOUNT(status('Mine'), `${FAST}    prune: true\n    allow_delete: true\n`), {
      ...FAST_SIM,
      seeds: { propertydeck: { statuses: [{ label: 'Theirs', type: 'property' }] } },
    });
    const sim = w.sandbox.simulators.propertydeck;
    const theirs = [...sim.store.statuses.values()].find((s) => s.label === 'Theirs')!;
    let lying = true;
    await behind('PROPERTYDECK_URL', async (ex, forward) => {
      if (ex.method !== 'POST' || !lying) return undefined;
      await forward(); // the vendor makes "Mine" …
      lying = false;
      return json(201, { data: theirs }); // … but answers with "Theirs"
    });
    const r = await w.run('apply', '--auto-approve');
    expect(r.code).toBe(0);
    const mine = [...sim.store.statuses.values()].find((s) => s.label === 'Mine')!;
    expect(w.state().accounts['estate']!.items['property:Mine']!.id).toBe(mine.uuid); // found by re-reading, not taken from the answer
    expect(vendor!.writes()).toHaveLength(1); // and not sent twice
    writeFileSync(
      join(w.dir, 'statusform.yaml'),
      PD_ACCOUNT('', `${FAST}    prune: true\n    allow_delete: true\n`).replace('statuses:\n', 'statuses: []\n'),
    );
    expect((await w.run('apply', '--auto-approve', '--allow-destroy')).code).toBe(0);
    expect(sim.store.statuses.has(theirs.uuid)).toBe(true);
    expect(sim.store.statuses.has(mine.uuid)).toBe(false);
  });

  const ZD = (statuses: string) =>
    `version: 1\naccounts:\n  support:\n    vendor: zendesk\n    base_url: \${ZENDESK_URL}\n    client_id: \${ZENDESK_CLIENT_ID}\n    client_secret: \${ZENDESK_CLIENT_SECRET}\n    rate_limit: { requests: 200, seconds: 1 }\n    prune: true\n    statuses:\n${statuses}`;

  it('Zendesk: after a 503, a status of another case that was already there is not taken for the one asked for', async () => {
    w = await world(ZD('      - { agent_label: Waiting on vendor, maps_to: pending }\n'), {
      ...FAST_SIM,
      seeds: { zendesk: { statuses: [{ agent_label: 'waiting on vendor', status_category: 'pending' }] } },
    });
    const sim = w.sandbox.simulators.zendesk;
    await behind('ZENDESK_URL', (ex) =>
      ex.method === 'POST' && ex.path !== '/oauth/tokens' ? json(503, { error: 'ServiceUnavailable', description: 'busy' }) : undefined,
    );
    const r = await w.run('apply', '--auto-approve');
    expect(r.code).toBe(1); // never created, and nothing else recorded as it
    const stranger = [...sim.store.statuses.values()].find((s) => s.agent_label === 'waiting on vendor')!;
    expect(JSON.stringify(existsSync(join(w.dir, 'statusform.state')) ? w.state() : {})).not.toContain(String(stranger.id));
    expect(stranger.active).toBe(true);
  });

  it("TimeTap: a create answered with a shared default row is not recorded as the business's own", async () => {
    w = await world(TT_ACCOUNT('      - { sub_status: CHECKEDIN, status: OPEN, maps_to: open }\n'));
    const sim = w.sandbox.simulators.timetap;
    const shared = sim.store.shared.find((r) => r.subStatus === 'OPEN')!;
    let lying = true;
    await behind('TIMETAP_URL', async (ex, forward) => {
      if (ex.method !== 'POST' || !lying) return undefined;
      await forward();
      lying = false;
      return json(200, shared);
    });
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const own = sim.store.own.find((r) => r.subStatus === 'CHECKEDIN')!;
    expect(w.state().accounts['salon']!.items['CHECKEDIN']!.id).toBe(own.statusId);
    expect(sim.store.own.filter((r) => r.subStatus === 'CHECKEDIN')).toHaveLength(1);
  });
});

describe('a secret a vendor hands back inside live data never reaches an output', () => {
  it('Zendesk: a token pasted into a description is scrubbed from the text, markdown and JSON plans, the saved plan and apply --json', async () => {
    const basic = Buffer.from(`${ZENDESK_SANDBOX_EMAIL}/token:${ZENDESK_SANDBOX_API_TOKEN}`).toString('base64');
    const pasted = `call us; token ${ZENDESK_SANDBOX_API_TOKEN}, header Basic ${basic}`;
    const config =
      'version: 1\naccounts:\n  support:\n    vendor: zendesk\n    base_url: ${ZENDESK_URL}\n    email: ${ZENDESK_EMAIL}\n' +
      '    api_token: ${ZENDESK_API_TOKEN}\n    statuses:\n      - { agent_label: Pasted, maps_to: pending, description: Fine }\n';
    w = await world(config, {
      ...FAST_SIM,
      seeds: { zendesk: { statuses: [{ agent_label: 'Pasted', status_category: 'pending', description: pasted }] } },
    });
    // API token auth, whose Basic header is a credential of its own (the sandbox hands out an OAuth client).
    Object.assign(w.env, { ZENDESK_EMAIL: ZENDESK_SANDBOX_EMAIL, ZENDESK_API_TOKEN: ZENDESK_SANDBOX_API_TOKEN });
    const outputs: string[] = [];
    for (const format of ['text', 'markdown', 'json']) {
      const r = await w.run('plan', '--format', format, '--out', `plan-${format}.json`);
      expect(r.code, r.stderr).toBe(0);
      outputs.push(r.stdout, r.stderr, readFileSync(join(w.dir, `plan-${format}.json`), 'utf8'));
    }
    const applied = await w.run('apply', '--auto-approve', '--json');
    outputs.push(applied.stdout, applied.stderr);
    const all = outputs.join('\n');
    expect(all).toContain('[redacted]'); // the description was shown, scrubbed
    expect(all).not.toContain(ZENDESK_SANDBOX_API_TOKEN);
    expect(all).not.toContain(basic);
  });
});
