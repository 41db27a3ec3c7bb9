// TimeTap over real HTTP: forking the shared defaults, ordering by depends_on, soft delete
// with hidden rows remembered in state, and session tokens.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigWithState } from '../../src/state/config-with-state.js';
import { loadState, makePlan } from '../../src/engine/manager.js';
import { realClock } from '../../src/http/pacer.js';
import { TT_ACCOUNT, world, type World } from './fixtures.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const st = (sub: string, order: number, extra = '') =>
  `      - { sub_status: ${sub}, status: OPEN, sort_order: ${order}, user_selectable: true, maps_to: open${extra} }\n`;
const writes = (w: World) => w.sandbox.simulators.timetap.requests.filter((r) => r.method !== 'GET' && r.status < 300);

describe('TimeTap, end to end', () => {
  it('forks the shared defaults on first customisation, warns what they leave behind, and never writes a shared row', async () => {
    w = await world(TT_ACCOUNT(st('CHECKEDIN', 1) + st('RUNNING_LATE', 2, ', depends_on: [CHECKEDIN]')));
    const plan = await w.run('plan');
    expect(plan.stdout).toContain('first customisation');
    expect(plan.stdout).toMatch(/no longer be offered: OPEN, PENDING, CONFIRMED, INPROGRESS, COMPLETED, NO_SHOW, CANCELLED/);
    expect(plan.stdout).toContain('side effect at the vendor — first customisation');
    // In the PR comment it is in the warning block at the top, once, not in the account's details.
    const md = (await w.run('plan', '--format', 'markdown')).stdout;
    expect(md.indexOf('first customisation')).toBeGreaterThan(md.indexOf('> **A side effect at the vendor**'));
    expect(md.indexOf('first customisation')).toBeLessThan(md.indexOf('<details>'));
    expect(md.match(/first customisation/g)).toHaveLength(1);
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);

    const posts = writes(w).map((r) => r.body as { statusId: unknown; businessId: unknown; subStatus: string });
    expect(posts.map((p) => p.subStatus)).toEqual(['CHECKEDIN', 'RUNNING_LATE']); // depends_on first
    expect(posts.every((p) => p.statusId === null && p.businessId === 43111)).toBe(true);
    expect(w.sandbox.simulators.timetap.requests.filter((r) => r.method !== 'GET' && r.status >= 400)).toEqual([]);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('deactivates dependents first, remembers hidden rows, and reactivates the same row instead of creating a duplicate', async () => {
    const both = TT_ACCOUNT(st('CHECKEDIN', 1) + st('RUNNING_LATE', 2, ', depends_on: [CHECKEDIN]') + st('OPEN', 3), '    prune: true\n');
    w = await world(both);
    await w.run('apply', '--auto-approve');
    const sim = w.sandbox.simulators.timetap;
    sim.resetRequests();
    writeFileSync(join(w.dir, 'statusform.yaml'), TT_ACCOUNT(st('OPEN', 3), '    prune: true\n'));
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const puts = writes(w).map((r) => r.body as { subStatus: string; active: boolean });
    expect(puts).toEqual([
      expect.objectContaining({ subStatus: 'RUNNING_LATE', active: false }),
      expect.objectContaining({ subStatus: 'CHECKEDIN', active: false }),
    ]);
    expect(w.state().accounts['salon']!.items['CHECKEDIN']).toMatchObject({ active: false, id: expect.any(Number) });
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);

    writeFileSync(join(w.dir, 'statusform.yaml'), both);
    const back = await w.run('apply', '--auto-approve');
    expect(back.stdout).toContain('salon.statuses["CHECKEDIN"] will be reactivated');
    expect([...sim.store.creates.values()].every((n) => n === 1)).toBe(true);
    expect(
      sim.store.own
        .filter((r) => r.active)
        .map((r) => r.subStatus)
        .sort(),
    ).toEqual(['CHECKEDIN', 'OPEN', 'RUNNING_LATE']);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('updates with a PUT of the full object, and signs in again once when the session token expires', async () => {
    w = await world(TT_ACCOUNT(st('OPEN', 1) + st('CONFIRMED', 2)));
    await w.run('apply', '--auto-approve');
    w.sandbox.simulators.timetap.store.expireSessions();
    writeFileSync(join(w.dir, 'statusform.yaml'), TT_ACCOUNT(st('OPEN', 1) + st('CONFIRMED', 5)));
    const r = await w.run('apply', '--auto-approve', '--verbose');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('~ sort_order      : 2 → 5');
    // The verbose log shows the sign-in request, with the signature and the session token redacted.
    expect(r.stderr).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/live\/sessionToken\?apiKey=%5Bredacted%5D|apiKey=\[redacted\]/);
    for (const token of w.sandbox.simulators.timetap.store.sessions) expect(r.stdout + r.stderr).not.toContain(token);
    expect(r.stdout + r.stderr).not.toMatch(/signature=[0-9a-f]{32}/);
    const put = writes(w).find((q) => q.method === 'PUT')!.body;
    expect(put).toMatchObject({
      statusId: expect.any(Number),
      businessId: 43111,
      subStatus: 'CONFIRMED',
      sortOrder: 5,
      status: 'OPEN',
      statusType: 'APPOINTMENT',
      active: true,
      userSelectable: true,
    });
    expect(w.sandbox.simulators.timetap.requests.filter((q) => q.path === '/live/sessionToken')).toHaveLength(2);
    expect(r.stdout + r.stderr).not.toMatch(/tt_sandbox_(api|private)_key/);
  });

  it('reorders through free temporary values, so a vendor that refuses duplicate sort orders never sees one', async () => {
    w = await world(TT_ACCOUNT(st('OPEN', 1) + st('CONFIRMED', 2) + st('CHECKEDIN', 3)));
    await w.run('apply', '--auto-approve');
    const sim = w.sandbox.simulators.timetap;
    sim.store.uniqueSortOrder = true;
    sim.resetRequests();
    // A rotation: every new value is held by another status until it moves.
    writeFileSync(join(w.dir, 'statusform.yaml'), TT_ACCOUNT(st('OPEN', 2) + st('CONFIRMED', 3) + st('CHECKEDIN', 1)));
    const plan = await w.run('plan');
    expect(plan.stdout).toMatch(/~ sort_order\s+: 1 → 2 \(via \d+, to keep it unique\)/);
    const r = await w.run('apply', '--auto-approve');
    expect(r.code).toBe(0);
    expect(sim.requests.filter((q) => q.status >= 400)).toEqual([]);
    const order = Object.fromEntries(sim.store.own.map((row) => [row.subStatus, row.sortOrder]));
    expect(order).toEqual({ OPEN: 2, CONFIRMED: 3, CHECKEDIN: 1 });
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it("sends back the vendor's own dependsOn on every PUT, and gives new statuses without sort_order free places", async () => {
    w = await world(TT_ACCOUNT(st('OPEN', 1) + st('CONFIRMED', 2)));
    await w.run('apply', '--auto-approve');
    const sim = w.sandbox.simulators.timetap;
    sim.store.uniqueSortOrder = true;
    sim.store.own.find((r) => r.subStatus === 'CONFIRMED')!.dependsOn = ['OPEN']; // set in TimeTap, not by statusform
    const bare = (sub: string) => `      - { sub_status: ${sub}, status: OPEN, maps_to: open }\n`;
    writeFileSync(
      join(w.dir, 'statusform.yaml'),
      TT_ACCOUNT(st('OPEN', 1) + st('CONFIRMED', 4).replace('status: OPEN', 'status: PENDING') + bare('WAITING') + bare('LATE')),
    );
    const r = await w.run('apply', '--auto-approve');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(sim.requests.filter((q) => q.status >= 400)).toEqual([]);
    const rows = Object.fromEntries(sim.store.own.map((row) => [row.subStatus, row]));
    expect(rows['CONFIRMED']).toMatchObject({ status: 'PENDING', sortOrder: 4, dependsOn: ['OPEN'] });
    // Past both the live orders and the declared ones, one apart.
    expect([rows['WAITING']!.sortOrder, rows['LATE']!.sortOrder].sort()).toEqual([5, 6]);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('gives a new status without sort_order a place that no staged reorder uses', async () => {
    w = await world(TT_ACCOUNT(st('OPEN', 1) + st('CONFIRMED', 2)));
    await w.run('apply', '--auto-approve');
    const sim = w.sandbox.simulators.timetap;
    sim.store.uniqueSortOrder = true;
    // A swap (staged through temporary values) and a new status that leaves its place to statusform.
    writeFileSync(
      join(w.dir, 'statusform.yaml'),
      TT_ACCOUNT(`${st('OPEN', 2) + st('CONFIRMED', 1)}      - { sub_status: NEWONE, status: OPEN, maps_to: open }\n`),
    );
    const r = await w.run('apply', '--auto-approve');
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/\+ sort_order\s+= 3/);
    expect(sim.requests.filter((q) => q.status >= 400)).toEqual([]);
    expect(Object.fromEntries(sim.store.own.map((row) => [row.subStatus, row.sortOrder]))).toEqual({ OPEN: 2, CONFIRMED: 1, NEWONE: 3 });
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('never gives a new status the sort order of a hidden row it brings back', async () => {
    const prune = '    prune: true\n';
    const bare = (sub: string) => `      - { sub_status: ${sub}, status: OPEN, maps_to: open }\n`;
    w = await world(TT_ACCOUNT(st('OPEN', 1) + st('NO_SHOW', 6), prune));
    await w.run('apply', '--auto-approve');
    const sim = w.sandbox.simulators.timetap;
    sim.store.uniqueSortOrder = true;
    writeFileSync(join(w.dir, 'statusform.yaml'), TT_ACCOUNT(st('OPEN', 1), prune));
    expect((await w.run('apply', '--auto-approve')).code).toBe(0); // NO_SHOW hidden, remembered at 6
    writeFileSync(join(w.dir, 'statusform.yaml'), TT_ACCOUNT(st('OPEN', 1) + bare('NO_SHOW') + bare('WAITLIST'), prune));
    const r = await w.run('apply', '--auto-approve');
    expect(r.code, r.stdout).toBe(0);
    const active = sim.store.own.filter((row) => row.active).map((row) => [row.subStatus, row.sortOrder]);
    expect(Object.fromEntries(active)).toEqual({ OPEN: 1, NO_SHOW: 6, WAITLIST: 7 });
  });

  it('never deactivates a row it did not make, even under the sub_status of one it did', async () => {
    const prune = '    prune: true\n';
    w = await world(TT_ACCOUNT(st('OPEN', 1) + st('LATE', 2), prune));
    await w.run('apply', '--auto-approve');
    const sim = w.sandbox.simulators.timetap;
    const ours = sim.store.own.find((r) => r.subStatus === 'LATE')!;
    ours.active = false; // made inactive in TimeTap, and a new LATE row made there by hand
    sim.store.own.push({ ...ours, statusId: 999001, active: true });
    writeFileSync(join(w.dir, 'statusform.yaml'), TT_ACCOUNT(st('OPEN', 1), prune));
    sim.resetRequests();
    const r = await w.run('apply', '--auto-approve');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `the item statusform made (id ${ours.statusId}) is gone; the one now at this key (id 999001) is not statusform's`,
    );
    expect(writes(w)).toEqual([]);
    expect(sim.store.own.find((row) => row.statusId === 999001)!.active).toBe(true);
  });

  it('brings a hidden row back with the dependsOn TimeTap had for it', async () => {
    const prune = '    prune: true\n';
    w = await world(TT_ACCOUNT(st('OPEN', 1) + st('CONFIRMED', 2), prune));
    await w.run('apply', '--auto-approve');
    const sim = w.sandbox.simulators.timetap;
    sim.store.own.find((r) => r.subStatus === 'CONFIRMED')!.dependsOn = ['OPEN'];
    writeFileSync(join(w.dir, 'statusform.yaml'), TT_ACCOUNT(st('OPEN', 1), prune));
    expect((await w.run('apply', '--auto-approve')).code).toBe(0); // deactivated: hidden from GET from now on
    writeFileSync(join(w.dir, 'statusform.yaml'), TT_ACCOUNT(st('OPEN', 1) + st('CONFIRMED', 2), prune));
    const back = await w.run('apply', '--auto-approve');
    expect(back.stdout).toContain('salon.statuses["CONFIRMED"] will be reactivated');
    expect(sim.store.own.find((r) => r.subStatus === 'CONFIRMED')).toMatchObject({ active: true, dependsOn: ['OPEN'] });
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);

    // Cleared in TimeTap since: the next round trip must not bring the old value back.
    sim.store.own.find((r) => r.subStatus === 'CONFIRMED')!.dependsOn = null;
    writeFileSync(join(w.dir, 'statusform.yaml'), TT_ACCOUNT(st('OPEN', 1), prune));
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    writeFileSync(join(w.dir, 'statusform.yaml'), TT_ACCOUNT(st('OPEN', 1) + st('CONFIRMED', 2), prune));
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    expect(sim.store.own.find((r) => r.subStatus === 'CONFIRMED')).toMatchObject({ active: true, dependsOn: null });
  });

  it('warns when the rows TimeTap returns belong to another business than business_id', async () => {
    // Business 43111 has its own rows; the configuration (with no state file yet) names business 999.
    const seed = { own: [{ active: true, dependsOn: null, sortOrder: 1, status: 'OPEN', subStatus: 'OPEN', userSelectable: true }] };
    w = await world(TT_ACCOUNT(st('OPEN', 1)).replace('${TIMETAP_BUSINESS_ID}', '999'), { seeds: { timetap: seed } });
    const plan = await w.run('plan');
    expect(plan.stdout).toContain('TimeTap returned rows of business 43111, not of business_id 999: check business_id');
  });

  it('marks a change made outside statusform as drift, and shows the vendor error body when a write is refused', async () => {
    w = await world(TT_ACCOUNT(st('OPEN', 1) + st('CONFIRMED', 2)));
    await w.run('apply', '--auto-approve');
    const sim = w.sandbox.simulators.timetap;
    sim.store.own.find((r) => r.subStatus === 'OPEN')!.sortOrder = 7; // edited in TimeTap's UI
    const plan = await w.run('plan', '--format', 'json');
    expect(JSON.parse(plan.stdout).actions).toEqual([
      expect.objectContaining({ address: 'salon.statuses["OPEN"]', action: 'update', reason: 'drift' }),
    ]);
    expect((await w.run('plan')).stdout).toContain('(drift: changed outside statusform)');

    // Two statuses asking for one sort order, at a vendor that refuses duplicates.
    sim.store.uniqueSortOrder = true;
    writeFileSync(join(w.dir, 'statusform.yaml'), TT_ACCOUNT(st('OPEN', 1) + st('CONFIRMED', 2) + st('CHECKEDIN', 2)));
    const r = await w.run('apply', '--auto-approve');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('salon.statuses["CHECKEDIN"]: create failed: 400 sortOrder 2 is already used');
  });

  it('reports a depends_on cycle at validation, with both positions', async () => {
    w = await world(TT_ACCOUNT(st('A', 1, ', depends_on: [B]') + st('B', 2, ', depends_on: [A]')));
    const r = await w.run('validate');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /statusform\.yaml:11:9: salon\.statuses: depends_on forms a cycle: A \(statusform\.yaml:11:9\) → B \(statusform\.yaml:12:9\) → A/,
    );
  });

  it("signs the session request with the run's clock, in seconds", async () => {
    w = await world(TT_ACCOUNT(st('CHECKEDIN', 1)));
    const config = loadConfigWithState('.', { cwd: w.dir, env: w.env }).config!;
    const now = Math.floor(Date.now() / 1000) * 1000 - 600_000; // ten minutes behind: still within the vendor's tolerance
    await makePlan(config, await loadState(config), { clock: { now: () => now, sleep: realClock.sleep } });
    const session = w.sandbox.simulators.timetap.requests.find((q) => q.path === '/live/sessionToken')!;
    expect(new URLSearchParams(session.query).get('timestamp')).toBe(String(now / 1000));
  });
});
