// Identity is the vendor's id, over real HTTP: an owned status renamed in the vendor's UI is
// renamed back (one PUT, same id), pruned by its id, and a business's own TimeTap row is never
// mistaken for a missing one because a shared default has the same sub_status.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PD_ACCOUNT, TT_ACCOUNT, world, type World } from './fixtures.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const FAST = '    rate_limit: { requests: 100, seconds: 1 }\n';
const FAST_SIM = { rateLimits: { propertydeck: { limit: 100, windowMs: 1000 } } };
const status = (label: string) => `      - { label: "${label}", type: property, maps_to: open }\n`;
const st = (sub: string, order: number) =>
  `      - { sub_status: ${sub}, status: OPEN, sort_order: ${order}, user_selectable: true, maps_to: open }\n`;
const writesTo = (w: World, vendor: 'propertydeck' | 'timetap') => w.sandbox.simulators[vendor].requests.filter((r) => r.method !== 'GET');

describe("an owned status renamed at the vendor is still statusform's", () => {
  it('Property Deck: a label changed in the UI is renamed back with one PUT of the same uuid, marked drift', async () => {
    w = await world(PD_ACCOUNT(status('Sold STC') + status('For Sale'), FAST), FAST_SIM);
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const sim = w.sandbox.simulators.propertydeck;
    const ours = [...sim.store.statuses.values()].find((s) => s.label === 'Sold STC')!;
    ours.label = 'Sold subject to contract'; // edited in Property Deck's UI
    sim.resetRequests();

    const plan = await w.run('plan');
    expect(plan.stdout).toContain(
      '# estate.statuses["property:Sold STC"] will be renamed in place from ' +
        '"property:Sold subject to contract" (drift: changed outside statusform)',
    );
    expect(plan.stdout).toContain('Plan: 0 to create, 1 to update, 0 to delete');
    expect(plan.stdout).not.toContain('unmanaged');
    expect(plan.stdout).not.toContain('missing at the vendor');

    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    expect(writesTo(w, 'propertydeck').map((r) => `${r.method} ${r.path}`)).toEqual([`PUT /statuses/${ours.uuid}`]);
    expect(sim.store.statuses.get(ours.uuid)!.label).toBe('Sold STC');
    expect(sim.store.creates.get('property:Sold STC')).toBe(1);
    expect(w.state().accounts['estate']!.items['property:Sold STC']!.id).toBe(ours.uuid);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('Property Deck: an owned status that left the config and was renamed in the UI is deleted by its uuid, not left as unmanaged', async () => {
    const config = (s: string) => PD_ACCOUNT(s, `${FAST}    prune: true\n    allow_delete: true\n`);
    w = await world(config(status('Keep') + status('Drop')), FAST_SIM);
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const sim = w.sandbox.simulators.propertydeck;
    const drop = [...sim.store.statuses.values()].find((s) => s.label === 'Drop')!;
    drop.label = 'Dropped';
    writeFileSync(join(w.dir, 'statusform.yaml'), config(status('Keep')));
    sim.resetRequests();

    const plan = await w.run('plan');
    expect(plan.stdout).toContain(
      '# estate.statuses["property:Drop"] will be DELETED (hard delete); it is "property:Dropped" at the vendor now',
    );
    expect(plan.stdout).not.toContain('unmanaged');
    expect(plan.stdout).not.toContain('is gone');
    expect((await w.run('apply', '--auto-approve', '--allow-destroy')).code).toBe(0);
    expect(writesTo(w, 'propertydeck').map((r) => `${r.method} ${r.path}`)).toEqual([`DELETE /statuses/${drop.uuid}`]);
    expect(Object.keys(w.state().accounts['estate']!.items)).toEqual(['property:Keep']);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('TimeTap: a sub_status changed in the UI is changed back by a PUT of the same statusId, never created again', async () => {
    w = await world(TT_ACCOUNT(st('OPEN', 1) + st('LATE', 2)));
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const sim = w.sandbox.simulators.timetap;
    const late = sim.store.own.find((r) => r.subStatus === 'LATE')!;
    late.subStatus = 'RUNNING_LATE';
    sim.resetRequests();

    const plan = JSON.parse((await w.run('plan', '--format', 'json')).stdout);
    expect(plan.actions).toEqual([
      expect.objectContaining({
        address: 'salon.statuses["LATE"]',
        action: 'update',
        live_key: 'RUNNING_LATE',
        vendor_id: late.statusId,
        reason: 'drift',
      }),
    ]);
    expect(plan.notes.filter((n: { kind: string }) => n.kind === 'unmanaged' || n.kind === 'gone')).toEqual([]);

    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const writes = writesTo(w, 'timetap');
    expect(writes.map((r) => r.method)).toEqual(['PUT']);
    expect(writes[0]!.body).toMatchObject({ statusId: late.statusId, subStatus: 'LATE', active: true });
    expect(sim.store.creates.get('LATE')).toBe(1);
    expect(sim.store.own.map((r) => r.subStatus).sort()).toEqual(['LATE', 'OPEN']);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('TimeTap: an owned status that left the config and was renamed in the UI is deactivated by its statusId, keeping the name it has there', async () => {
    const prune = '    prune: true\n';
    w = await world(TT_ACCOUNT(st('OPEN', 1) + st('LATE', 2), prune));
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const sim = w.sandbox.simulators.timetap;
    const late = sim.store.own.find((r) => r.subStatus === 'LATE')!;
    late.subStatus = 'RUNNING_LATE';
    writeFileSync(join(w.dir, 'statusform.yaml'), TT_ACCOUNT(st('OPEN', 1), prune));
    sim.resetRequests();

    const r = await w.run('apply', '--auto-approve');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('salon.statuses["LATE"] will be deactivated (soft delete); it is "RUNNING_LATE" at the vendor now');
    expect(r.stdout).not.toContain('unmanaged');
    expect(writesTo(w, 'timetap').map((q) => q.body)).toEqual([
      expect.objectContaining({ statusId: late.statusId, subStatus: 'RUNNING_LATE', active: false }),
    ]);
    expect(w.state().accounts['salon']!.items['LATE']).toMatchObject({ id: late.statusId, active: false });
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });
});

describe("TimeTap: the business's own row is the live one, even beside a shared default of the same sub_status", () => {
  it('plans no create for a status the business already has, and updates its own row', async () => {
    w = await world(TT_ACCOUNT(st('CHECKEDIN', 4)));
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const sim = w.sandbox.simulators.timetap;
    sim.store.listsSharedWithOwn = true; // GET now lists the own CHECKEDIN row and the shared one
    const get = await w.run('plan', '--detailed-exitcode');
    expect(get.code).toBe(0);
    expect(get.stdout).toContain('No changes.');

    writeFileSync(join(w.dir, 'statusform.yaml'), TT_ACCOUNT(st('CHECKEDIN', 5)));
    sim.resetRequests();
    const r = await w.run('apply', '--auto-approve');
    expect(r.code).toBe(0);
    const own = sim.store.own.find((row) => row.subStatus === 'CHECKEDIN')!;
    expect(writesTo(w, 'timetap').map((q) => [q.method, (q.body as { statusId: unknown }).statusId])).toEqual([['PUT', own.statusId]]);
    expect(sim.store.creates.get('CHECKEDIN')).toBe(1);
    expect(own.sortOrder).toBe(5);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });
});

describe('the state file is bound to the vendor instance it describes', () => {
  it('TimeTap: a state recorded for business 43111 is refused for business 999 before any request, and accepted again once restored', async () => {
    w = await world(TT_ACCOUNT(st('OPEN', 1)));
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    expect(w.state().accounts['salon']).toMatchObject({
      vendor: 'timetap',
      origin: new URL(w.env['TIMETAP_URL']!).origin,
      tenant: 'business_id 43111',
    });
    const before = JSON.stringify(w.state());
    const sim = w.sandbox.simulators.timetap;
    sim.resetRequests();

    const other = TT_ACCOUNT(st('OPEN', 1) + st('LATE', 2)).replace('${TIMETAP_BUSINESS_ID}', '999');
    writeFileSync(join(w.dir, 'statusform.yaml'), other);
    for (const args of [['plan'], ['apply', '--auto-approve']]) {
      const r = await w.run(...args);
      expect(r.code, args.join(' ')).toBe(3);
      expect(r.stderr).toContain(
        'Refused: salon: the state file records this account for another vendor instance (business_id ' +
          '43111 → business_id 999); its vendor ids belong there, so nothing was read or written.',
      );
      expect(r.stderr).toContain('If the configuration changed by mistake, restore business_id 43111.');
      // A new config's state is a directory: the account's own file is what to remove.
      expect(r.stderr).toMatch(
        /If the account really moved, remove \S+statusform\.state\/salon\.json \(what statusform owned there is then forgotten/,
      );
    }
    expect(sim.requests).toEqual([]);
    expect(JSON.stringify(w.state())).toBe(before);

    writeFileSync(join(w.dir, 'statusform.yaml'), TT_ACCOUNT(st('OPEN', 1)));
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('Property Deck: a state recorded at one host is refused for a base_url at another, before any request', async () => {
    w = await world(PD_ACCOUNT(status('Keep'), FAST), FAST_SIM);
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const old = new URL(w.env['PROPERTYDECK_URL']!).origin;
    w.sandbox.simulators.propertydeck.resetRequests();
    const moved = PD_ACCOUNT(status('Keep'), FAST).replace('${PROPERTYDECK_URL}', 'http://localhost:9/api');
    writeFileSync(join(w.dir, 'statusform.yaml'), moved);
    const r = await w.run('plan');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      `estate: the state file records this account for another vendor instance (base_url origin ${old} → http://localhost:9)`,
    );
    expect(r.stderr).toContain(`restore a base_url at ${old}`);
    expect(w.sandbox.simulators.propertydeck.requests).toEqual([]);
  });

  it('accepts an older state file that recorded no origin or tenant, and records them with the next write', async () => {
    w = await world(TT_ACCOUNT(st('OPEN', 1)));
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const path = join(w.dir, 'statusform.state', 'salon.json');
    const state = JSON.parse(readFileSync(path, 'utf8')) as { accounts: Record<string, Record<string, unknown>> };
    delete state.accounts['salon']!['origin'];
    delete state.accounts['salon']!['tenant'];
    writeFileSync(path, JSON.stringify(state));

    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
    writeFileSync(join(w.dir, 'statusform.yaml'), TT_ACCOUNT(st('OPEN', 2)));
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    expect(w.state().accounts['salon']).toMatchObject({ origin: new URL(w.env['TIMETAP_URL']!).origin, tenant: 'business_id 43111' });
  });
});

describe('keys and labels compare in Unicode NFC, and lookalikes are told apart', () => {
  const NFD = 'Cafe\u0301 open'; // "Café open" with the accent as its own code point
  const NFC = 'Caf\u00E9 open';

  it('a label declared in NFD converges at a vendor that stores NFC: it is sent in NFC, and the next plan is empty', async () => {
    w = await world(PD_ACCOUNT(status('Cafe\\u0301 open'), FAST), FAST_SIM);
    const sim = w.sandbox.simulators.propertydeck;
    sim.store.storesNfc = true;
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    expect(writesTo(w, 'propertydeck').map((r) => (r.body as { label: string }).label)).toEqual([NFC]);
    const plan = await w.run('plan', '--detailed-exitcode');
    expect(plan.code, plan.stdout).toBe(0);
    expect(plan.stdout).toContain('No changes.');
    expect(sim.store.creates.get(`property:${NFC}`)).toBe(1);
  });

  it('a label the vendor keeps in NFD is the one declared in NFC: adopted, nothing written', async () => {
    w = await world(PD_ACCOUNT(status(NFC), FAST), {
      ...FAST_SIM,
      seeds: { propertydeck: { statuses: [{ label: NFD, type: 'property', uuid: 'nfd-1' }] } },
    });
    const r = await w.run('apply', '--auto-approve');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No changes.');
    expect(writesTo(w, 'propertydeck')).toEqual([]);
    expect(w.state().accounts['estate']!.items[`property:${NFC}`]!.id).toBe('nfd-1');
  });

  it('a no-break space in a label is kept as written, so apply then plan converges', async () => {
    w = await world(PD_ACCOUNT(status('Sold\\u00A0STC'), FAST), FAST_SIM);
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    expect(writesTo(w, 'propertydeck').map((r) => (r.body as { label: string }).label)).toEqual(['Sold\u00A0STC']);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('warns when a create looks the same as a status the vendor already has', async () => {
    w = await world(PD_ACCOUNT(status('Sold STC'), FAST), {
      ...FAST_SIM,
      seeds: { propertydeck: { statuses: [{ label: 'Sold\u00A0STC', type: 'property' }] } },
    });
    const plan = await w.run('plan');
    expect(plan.stdout).toContain(
      'estate.statuses["property:Sold STC"]: propertydeck already has "property:Sold\\u00A0STC" (not managed by statusform), ' +
        'which differs from this only by U+00A0 NO-BREAK SPACE: this creates a second one that looks the same; ' +
        'to adopt it instead, declare it exactly as the vendor spells it',
    );
  });

  it('validate reports two declarations that differ only by normal form or by a zero-width character, with both positions, and makes no request', async () => {
    w = await world(PD_ACCOUNT(status(NFC) + status('Cafe\\u0301 open') + status('Sold STC') + status('Sold\\u200B STC'), FAST), FAST_SIM);
    const r = await w.run('validate');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'statusform.yaml:10:9: estate.statuses["property:Café open"] is declared twice (first at statusform.yaml:9:9)',
    );
    expect(r.stderr).toContain(
      'statusform.yaml:12:9: estate.statuses["property:Sold\\u200B STC"] is declared twice as ' +
        'estate.statuses["property:Sold STC"], which differs from it only by U+200B ZERO WIDTH SPACE, ' +
        'so the two look the same (first at statusform.yaml:11:9)',
    );
    for (const sim of Object.values(w.sandbox.simulators)) expect(sim.requests).toEqual([]);
  });
});
