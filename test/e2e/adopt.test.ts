// adopt: drift resolved the other way round — the live values written into the config files in
// place (comments and style kept), the config diff printed, the state told as if those values had
// been applied (same vendor ids, new keys), and the next plan empty, with no write to any vendor.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readStateOf, SERIES_ACCOUNT, TH_ACCOUNT, world, type World } from './fixtures.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const writes = (w: World) => Object.values(w.sandbox.simulators).flatMap((s) => s.requests.filter((r) => r.method !== 'GET'));

/** Two accounts in two files of one config folder, with comments and flow and block items. */
const ESTATE = `# yaml-language-server: $schema=../schemas/statusform.schema.json
# Property Deck: the CRM's statuses.
version: 1
accounts:
  estate:
    vendor: propertydeck
    base_url: \${PROPERTYDECK_URL}
    token: \${PROPERTYDECK_TOKEN}
    rate_limit: { requests: 100, seconds: 1 }
    statuses:
      - { label: Sold STC, type: property, maps_to: pending }   # agreed, not completed
      - label: For Sale          # on the market
        type: property
        maps_to: open
`;
const SALON = `version: 1
accounts:
  salon:
    vendor: timetap
    base_url: \${TIMETAP_URL}
    api_key: \${TIMETAP_API_KEY}
    private_key: \${TIMETAP_PRIVATE_KEY}
    business_id: \${TIMETAP_BUSINESS_ID}
    rate_limit: { requests: 200, seconds: 1 }
    statuses:
      - { sub_status: OPEN, status: OPEN, sort_order: 1, maps_to: open }   # the default
      - sub_status: LATE
        status: OPEN
        sort_order: 2
        depends_on: [OPEN]
        maps_to: open            # reviewed: stays open
`;

async function twoFiles(): Promise<World> {
  const x = await world(
    '',
    { rateLimits: { propertydeck: { limit: 100, windowMs: 1000 } } },
    { 'conf/estate.yaml': ESTATE, 'conf/salon.yaml': SALON },
  );
  const apply = await x.run('apply', '-c', 'conf', '--auto-approve');
  expect(apply.code, apply.stderr).toBe(0);
  for (const s of Object.values(x.sandbox.simulators)) s.resetRequests();
  return x;
}

/** The state beside the config folder's files (a directory: one file per account), as one object. */
const state = (w: World) => readStateOf(join(w.dir, 'conf'));
const conf = (w: World, file: string) => readFileSync(join(w.dir, 'conf', file), 'utf8');

describe('statusform adopt', () => {
  it('writes a Property Deck label renamed at the vendor into its flow item, keeps comments and the other file, prints the diff, and the next plan is empty', async () => {
    w = await twoFiles();
    const sim = w.sandbox.simulators.propertydeck;
    [...sim.store.statuses.values()].find((s) => s.label === 'Sold STC')!.label = 'Sold subject to contract'; // renamed in the UI
    const before = state(w).accounts['estate']!.items;

    const r = await w.run('adopt', '-c', 'conf');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`--- conf/estate.yaml
+++ conf/estate.yaml
@@ -7,8 +7,8 @@
     base_url: \${PROPERTYDECK_URL}
     token: \${PROPERTYDECK_TOKEN}
     rate_limit: { requests: 100, seconds: 1 }
     statuses:
-      - { label: Sold STC, type: property, maps_to: pending }   # agreed, not completed
+      - { label: Sold subject to contract, type: property, maps_to: pending }   # agreed, not completed
       - label: For Sale          # on the market
         type: property
         maps_to: open
`);
    expect(r.stderr).toContain(
      'Adopted 1 drifted item into conf/estate.yaml: estate.statuses["property:Sold STC"]. ' +
        'The state records the live values as applied, under the same vendor ids; no vendor was written.',
    );
    expect(conf(w, 'estate.yaml')).toBe(ESTATE.replace('label: Sold STC,', 'label: Sold subject to contract,'));
    expect(conf(w, 'salon.yaml')).toBe(SALON);
    // The record moved to the new key, keeping the uuid, with the live label as the one applied.
    const after = state(w).accounts['estate']!.items;
    expect(Object.keys(after).sort()).toEqual(['property:For Sale', 'property:Sold subject to contract']);
    expect(after['property:Sold subject to contract']).toMatchObject({
      id: before['property:Sold STC']!.id,
      active: true,
      fields: { type: 'property', label: 'Sold subject to contract' },
    });
    expect(after['property:For Sale']).toEqual(before['property:For Sale']);

    const plan = await w.run('plan', '-c', 'conf', '--detailed-exitcode');
    expect(plan.code, plan.stdout).toBe(0);
    expect(plan.stdout).not.toContain('unmanaged');
    expect(writes(w)).toEqual([]);
  });

  it('writes TimeTap sort_order and status drift into block and flow items, never touching maps_to, and only the addresses asked for', async () => {
    w = await twoFiles();
    const sim = w.sandbox.simulators.timetap;
    const late = sim.store.own.find((r) => r.subStatus === 'LATE')!;
    late.sortOrder = 7;
    late.status = 'COMPLETED';
    sim.store.own.find((r) => r.subStatus === 'OPEN')!.sortOrder = 3;

    const one = await w.run('adopt', '-c', 'conf', 'salon.statuses["LATE"]');
    expect(one.code, one.stderr).toBe(0);
    expect(conf(w, 'salon.yaml')).toBe(SALON.replace('status: OPEN\n        sort_order: 2', 'status: COMPLETED\n        sort_order: 7'));
    const after = JSON.parse((await w.run('plan', '-c', 'conf', '--format', 'json')).stdout);
    expect(after.actions.map((a: { address: string; reason: string }) => `${a.address} ${a.reason}`)).toEqual([
      'salon.statuses["OPEN"] drift',
    ]);

    const rest = await w.run('adopt', '-c', 'conf', '--account', 'salon');
    expect(rest.code, rest.stderr).toBe(0);
    expect(rest.stdout).toContain('+      - { sub_status: OPEN, status: OPEN, sort_order: 3, maps_to: open }   # the default');
    expect(conf(w, 'salon.yaml')).toContain('maps_to: open            # reviewed: stays open');
    expect(conf(w, 'estate.yaml')).toBe(ESTATE);
    expect((await w.run('plan', '-c', 'conf', '--detailed-exitcode')).code).toBe(0);
    expect(writes(w)).toEqual([]);
  });

  it('follows a TimeTap sub_status renamed at the vendor, and the depends_on that names it', async () => {
    w = await twoFiles();
    w.sandbox.simulators.timetap.store.own.find((r) => r.subStatus === 'OPEN')!.subStatus = 'WAITING';
    const r = await w.run('adopt', '-c', 'conf');
    expect(r.code, r.stderr).toBe(0);
    expect(conf(w, 'salon.yaml')).toBe(
      SALON.replace('sub_status: OPEN,', 'sub_status: WAITING,').replace('depends_on: [OPEN]', 'depends_on: [WAITING]'),
    );
    expect((await w.run('plan', '-c', 'conf', '--detailed-exitcode')).code).toBe(0);
    expect(writes(w)).toEqual([]);
  });

  it('says nothing drifted, and changes nothing, when live state matches', async () => {
    w = await twoFiles();
    const r = await w.run('adopt', '-c', 'conf');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Nothing drifted: estate, salon match what statusform last wrote.\n');
    expect(conf(w, 'estate.yaml')).toBe(ESTATE);
  });

  it('refuses an address that has not drifted or is unknown, writing nothing (exit 1)', async () => {
    w = await twoFiles();
    [...w.sandbox.simulators.propertydeck.store.statuses.values()].find((s) => s.label === 'For Sale')!.label = 'On the market';
    const r = await w.run(
      'adopt',
      '-c',
      'conf',
      'estate.statuses["property:Sold STC"]',
      'estate.statuses["property:Nope"]',
      'estate.statuses["property:For Sale"]',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('estate.statuses["property:Sold STC"] has not drifted: it matches the configuration');
    expect(r.stderr).toContain('unknown address estate.statuses["property:Nope"]: estate declares no such item');
    expect((await w.run('adopt', '-c', 'conf', 'estate.statuses[Sold]')).stderr).toContain('is not an address');
    expect((await w.run('adopt', '-c', 'conf', 'nowhere.statuses["x"]')).stderr).toContain('the configuration has no account "nowhere"');
    expect(conf(w, 'estate.yaml')).toBe(ESTATE);

    const dry = await w.run('adopt', '-c', 'conf', '--dry-run', 'estate.statuses["property:For Sale"]');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('+      - label: On the market          # on the market');
    expect(dry.stderr).toContain('--dry-run: no file written');
    expect(conf(w, 'estate.yaml')).toBe(ESTATE);
  });

  it('Thalamus has no read API: nothing can drift, and adopt says so', async () => {
    w = await world(TH_ACCOUNT('      - { id: waiting, label: Waiting, maps_to: pending }\n'));
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const r = await w.run('adopt');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Nothing drifted: nerds (thalamus) has no read API, so its drift cannot be seen');
    const asked = await w.run('adopt', 'nerds.status_variants["waiting"]');
    expect(asked.code).toBe(1);
    expect(asked.stderr).toContain(
      'has not drifted: it matches the configuration; thalamus has no read API, so drift cannot be seen there',
    );
  });

  it('writes a ticket moved at series.hr into its status, replacing a category it no longer matches', async () => {
    const seed = [
      { id: 'T-1', status: 'open' },
      { id: 'T-2', status: 'open' },
      { id: 'T-3', status: 'open' },
    ];
    const tickets =
      '      - { id: T-1, status: resolved }   # done by support\n      - id: T-2\n' +
      '        category: solved\n      - { id: T-3, status: open }\n';
    w = await world(SERIES_ACCOUNT(tickets), { seeds: { serieshr: seed } });
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const store = w.sandbox.simulators.serieshr.store.tickets;
    store.get('T-1')!.Status = 'in-progress'; // reopened at the vendor
    store.get('T-2')!.Status = 'open';
    w.sandbox.simulators.serieshr.resetRequests();

    const r = await w.run('adopt');
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(w.dir, 'statusform.yaml'), 'utf8');
    expect(text).toBe(
      SERIES_ACCOUNT(
        '      - { id: T-1, status: in-progress }   # done by support\n' +
          '      - id: T-2\n        status: open\n      - { id: T-3, status: open }\n',
      ),
    );
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
    expect(writes(w)).toEqual([]);
  });
});
