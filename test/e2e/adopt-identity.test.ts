// What a plan adopts is named, and `adopt` keeps identity — through the built binary
// (bin/statusform.js, as CI runs it) against the simulators over HTTP. A plan names every item it
// will record as owned, in text, markdown and JSON; after `adopt`, the state holds the adopted
// values under the same vendor id, so the next change at the vendor is drift of that id: a second
// rename there is a rename back, never a create beside a deactivation (the Zendesk case of issue 17).

import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { expectWirePlan, type CliRun } from '../helpers.js';
import { PD_ACCOUNT, world, type World } from './fixtures.js';

const BIN = fileURLToPath(new URL('../../bin/statusform.js', import.meta.url));

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

/** `statusform ...args` as its own process in the world's folder, with only its variables set. */
function statusform(x: World, ...args: string[]): Promise<CliRun> {
  const env = { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', ...x.env };
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: x.dir, env }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

interface JsonAction {
  address: string;
  action: string;
  vendor_id: unknown;
  live_key?: string;
  reason: string;
}

async function jsonPlan(x: World): Promise<{ actions: JsonAction[]; summary: Record<string, number> }> {
  const r = await statusform(x, 'plan', '--format', 'json');
  expect(r.code, r.stderr).toBe(0);
  return expectWirePlan(r.stdout, 'plan --format json') as { actions: JsonAction[]; summary: Record<string, number> };
}

const ZD = (statuses: string, prune = true) => `version: 1
accounts:
  support:
    vendor: zendesk
    base_url: \${ZENDESK_URL}
    client_id: \${ZENDESK_CLIENT_ID}
    client_secret: \${ZENDESK_CLIENT_SECRET}
    rate_limit: { requests: 200, seconds: 1 }
${prune ? '    prune: true\n' : ''}    statuses:
${statuses}`;

const zendesk = (x: World) => x.sandbox.simulators.zendesk.store.statuses;
const zdByLabel = (x: World, label: string) => [...zendesk(x).values()].find((s) => s.agent_label === label);
/** A change made in Zendesk's admin: the value and its raw form (what the API answers both as). */
function editAtZendesk(x: World, id: number, field: 'agent_label' | 'description', value: string): void {
  Object.assign(zendesk(x).get(id)!, { [field]: value, [`raw_${field}`]: value });
}
/** Requests that could change something at a vendor (an OAuth token grant changes nothing there). */
const writes = (x: World) =>
  Object.values(x.sandbox.simulators).flatMap((s) => s.requests.filter((r) => r.method !== 'GET' && r.path !== '/oauth/tokens'));

describe('plans name what they adopt', () => {
  it('names a status found at Zendesk as declared, by address and id, in text, --verbose, markdown and JSON; apply records it', async () => {
    w = await world(ZD('      - { agent_label: Waiting on vendor, maps_to: pending }\n'), {
      seeds: { zendesk: { statuses: [{ agent_label: 'Waiting on vendor', status_category: 'pending' }] } },
    });
    const id = zdByLabel(w, 'Waiting on vendor')!.id;
    const line =
      `= support.statuses["Waiting on vendor"] will be adopted ` +
      `(found at the vendor as declared, id ${id}; recorded as owned, nothing written)`;

    for (const args of [['plan'], ['plan', '--verbose']]) {
      const text = await statusform(w, ...args);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain(`statusform will adopt the following items (nothing is written at the vendor):\n\n  ${line}\n`);
      expect(text.stdout).toContain('1 to adopt: a declared item was found at the vendor as declared');
    }
    const md = await statusform(w, 'plan', '--format', 'markdown');
    expect(md.stdout).toContain(`\n${line}\n`);
    expect(md.stdout).toContain('<b>support</b> (zendesk): 1 to adopt');
    const json = await jsonPlan(w);
    expect(json.actions).toEqual([
      expect.objectContaining({ address: 'support.statuses["Waiting on vendor"]', action: 'adopt', vendor_id: id, destructive: false }),
    ]);
    expect(json.summary['adopt']).toBe(1);

    const apply = await statusform(w, 'apply', '--auto-approve');
    expect(apply.code, apply.stderr).toBe(0);
    expect(w.state().accounts['support']!.items['Waiting on vendor']).toMatchObject({ id, active: true });
    expect(writes(w)).toEqual([]);
    expect((await jsonPlan(w)).actions).toEqual([]);
  });

  it('names adoptions beside changes, and a saved plan whose adoption no longer holds is refused', async () => {
    w = await world(PD_ACCOUNT('      - { label: For Sale, type: property, maps_to: open }\n'));
    expect((await statusform(w, 'apply', '--auto-approve')).code).toBe(0);
    // No longer owned: the next plan takes it over again, beside a new status.
    expect((await statusform(w, 'state', 'rm', 'estate.statuses["property:For Sale"]')).code).toBe(0);
    writeFileSync(
      join(w.dir, 'statusform.yaml'),
      PD_ACCOUNT(
        '      - { label: For Sale, type: property, maps_to: open }\n      - { label: Let Agreed, type: property, maps_to: pending }\n',
      ),
    );
    const plan = await statusform(w, 'plan', '--out', 'plan.json');
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('statusform will perform the following actions:');
    expect(plan.stdout).toContain('+ estate.statuses["property:Let Agreed"]');
    expect(plan.stdout).toMatch(/ {2}= estate\.statuses\["property:For Sale"\] will be adopted \(found at the vendor as declared, id "/);
    expect(plan.stdout).toContain('Plan: 1 to create, 0 to update, 0 to delete, 1 to adopt.');
    const saved = expectWirePlan(readFileSync(join(w.dir, 'plan.json'), 'utf8'), 'plan.json') as { actions: JsonAction[] };
    expect(saved.actions.map((a) => `${a.action} ${a.address}`)).toEqual([
      'create estate.statuses["property:Let Agreed"]',
      'adopt estate.statuses["property:For Sale"]',
    ]);
    expect((await statusform(w, 'show', 'plan.json')).stdout).toContain('= estate.statuses["property:For Sale"] will be adopted');

    // Renamed at the vendor since the review: the reviewed adoption is not what apply would do.
    [...w.sandbox.simulators.propertydeck.store.statuses.values()].find((s) => s.label === 'For Sale')!.label = 'Available';
    const stale = await statusform(w, 'apply', 'plan.json');
    expect(stale.code).toBe(3);
    expect(stale.stderr).toContain(
      'estate.statuses["property:For Sale"]: live state changed; the planned adoption is no longer needed, a create is instead',
    );
    expect(writes(w).filter((q) => q.method === 'POST' && q.path.includes('statuses'))).toHaveLength(1); // the first apply's
  });
});

describe('adopt keeps identity', () => {
  it('after adopt, the next change made at Zendesk is drift of the same id', async () => {
    w = await world(ZD('      - { agent_label: Escalated, maps_to: open, description: Sent to tier 2 }\n'));
    expect((await statusform(w, 'apply', '--auto-approve')).code).toBe(0);
    const id = zdByLabel(w, 'Escalated')!.id;
    editAtZendesk(w, id, 'description', 'Sent to tier 2 (EU)'); // edited in Zendesk's admin
    const adopt = await statusform(w, 'adopt');
    expect(adopt.code, adopt.stderr).toBe(0);
    expect(readFileSync(join(w.dir, 'statusform.yaml'), 'utf8')).toContain('description: Sent to tier 2 (EU) }');
    expect(w.state().accounts['support']!.items['Escalated']).toMatchObject({ id, fields: { description: 'Sent to tier 2 (EU)' } });
    expect((await statusform(w, 'plan', '--detailed-exitcode')).code).toBe(0);

    editAtZendesk(w, id, 'description', 'Sent to tier 3'); // and again
    const { actions } = await jsonPlan(w);
    expect(actions.map((a) => [a.action, a.address, a.vendor_id, a.reason])).toEqual([
      ['update', 'support.statuses["Escalated"]', id, 'drift'],
    ]);
    // The nightly drift workflow keeps `reason === "drift"`: it reports the item.
    expect(actions.filter((a) => a.reason === 'drift').map((a) => a.address)).toEqual(['support.statuses["Escalated"]']);
    expect(writes(w).filter((q) => q.method !== 'POST')).toEqual([]);
  });

  it('a status renamed twice at Zendesk, adopted between, is renamed back in place with prune on: same id, no twin, never deactivated', async () => {
    w = await world(
      ZD('      - { agent_label: Waiting on customer, maps_to: pending }\n      - { agent_label: Escalated, maps_to: open }\n'),
    );
    expect((await statusform(w, 'apply', '--auto-approve')).code).toBe(0);
    const id = zdByLabel(w, 'Waiting on customer')!.id;
    editAtZendesk(w, id, 'agent_label', 'Awaiting customer'); // renamed in Zendesk's admin

    const adopt = await statusform(w, 'adopt');
    expect(adopt.code, adopt.stderr).toBe(0);
    expect(adopt.stdout).toContain('+      - { agent_label: Awaiting customer, maps_to: pending }');
    const items = w.state().accounts['support']!.items;
    expect(Object.keys(items).sort()).toEqual(['Awaiting customer', 'Escalated']);
    expect(items['Awaiting customer']).toMatchObject({ id, active: true, fields: { agent_label: 'Awaiting customer' } });
    expect((await statusform(w, 'plan', '--detailed-exitcode')).code).toBe(0);

    editAtZendesk(w, id, 'agent_label', 'Customer to reply'); // renamed again
    const { actions } = await jsonPlan(w);
    expect(actions).toEqual([
      expect.objectContaining({
        address: 'support.statuses["Awaiting customer"]',
        action: 'update',
        live_key: 'Customer to reply',
        vendor_id: id,
        reason: 'drift',
      }),
    ]);
    const text = await statusform(w, 'plan');
    expect(text.stdout).toContain('will be renamed in place from "Customer to reply"');
    expect(text.stdout).not.toContain('will be created');
    expect(text.stdout).not.toContain('deactivated');

    const custom = zendesk(w).size;
    const apply = await statusform(w, 'apply', '--auto-approve');
    expect(apply.code, apply.stderr).toBe(0);
    expect(zendesk(w).get(id)).toMatchObject({ agent_label: 'Awaiting customer', active: true });
    expect(zendesk(w).size).toBe(custom);
    expect((await statusform(w, 'plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('keeps the line endings of a configuration written with CRLF, and its next plan is empty', async () => {
    const lf = PD_ACCOUNT(
      '      - { label: Sold STC, type: property, maps_to: pending }   # agreed\n' +
        '      - label: For Sale\n        type: property\n        maps_to: open\n',
    );
    w = await world(lf.replaceAll('\n', '\r\n'));
    expect((await statusform(w, 'apply', '--auto-approve')).code).toBe(0);
    const store = w.sandbox.simulators.propertydeck.store.statuses;
    [...store.values()].find((s) => s.label === 'For Sale')!.label = 'On the market';

    const adopt = await statusform(w, 'adopt');
    expect(adopt.code, adopt.stderr).toBe(0);
    expect(adopt.stdout).toContain('+      - label: On the market\n');
    expect(adopt.stdout).not.toContain('\r');
    expect(readFileSync(join(w.dir, 'statusform.yaml'), 'utf8')).toBe(
      lf.replace('label: For Sale', 'label: On the market').replaceAll('\n', '\r\n'),
    );
    expect((await statusform(w, 'plan', '--detailed-exitcode')).code).toBe(0);
  });
});
