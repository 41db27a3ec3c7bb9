// `statusform state list|show|rm|mv` end to end: the state by address, without a request to any
// vendor; rm and mv hold the account's lock and write one serial further.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/state/lock.js';
import { PD_ACCOUNT, world, type World } from './fixtures.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const SIM = { rateLimits: { propertydeck: false, timetap: false } } as const;
const FAST = '    rate_limit: { requests: 1000, seconds: 1 }\n';
const pd = (label: string, type = 'contact') => `      - { label: "${label}", type: ${type}, maps_to: open }\n`;
const CONFIG = PD_ACCOUNT(pd('Hot Lead') + pd('Cold Lead') + pd('Sold', 'property'), FAST);
const HOT = 'estate.statuses["contact:Hot Lead"]';
const COLD = 'estate.statuses["contact:Cold Lead"]';
const SOLD = 'estate.statuses["property:Sold"]';
const serial = (w: World) =>
  (JSON.parse(readFileSync(join(w.dir, 'statusform.state', 'estate.json'), 'utf8')) as { serial: number }).serial;

async function applied(config = CONFIG): Promise<World> {
  const x = await world(config, SIM);
  const r = await x.run('apply', '--auto-approve');
  expect(r.code, r.stderr).toBe(0);
  x.sandbox.simulators.propertydeck.resetRequests();
  return x;
}

describe('state list and show', () => {
  it('lists every address, or those a pattern matches; shows one item as text or JSON; no request, no write', async () => {
    w = await applied();
    const before = serial(w);
    const all = await w.run('state', 'list');
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toBe(`${COLD}\n${HOT}\n${SOLD}\n`);
    expect((await w.run('state', 'list', 'estate.statuses["contact:*"]')).stdout).toBe(`${COLD}\n${HOT}\n`);
    const none = await w.run('state', 'list', 'nerds*');
    expect([none.code, none.stdout, none.stderr]).toEqual([0, '', 'No address in the state matches nerds*.\n']);

    const show = await w.run('state', 'show', HOT);
    expect(show.code, show.stderr).toBe(0);
    const id = w.state().accounts['estate']!.items['contact:Hot Lead']!.id as string;
    expect(show.stdout).toBe(
      `# ${HOT}\nvendor     = "propertydeck"\nvendor_id  = ${JSON.stringify(id)}\n` +
        'active     = true\ndepends_on = []\nmaps_to    = "open" (kept by statusform: the vendor has no such field)\n' +
        'fields:\n  type  = "contact"\n  label = "Hot Lead"\n',
    );
    const json = JSON.parse((await w.run('state', 'show', HOT, '--format', 'json')).stdout) as Record<string, unknown>;
    expect(json).toEqual({
      address: HOT,
      account: 'estate',
      collection: 'statuses',
      key: 'contact:Hot Lead',
      vendor: 'propertydeck',
      vendor_id: id,
      active: true,
      fields: { type: 'contact', label: 'Hot Lead' },
      depends_on: [],
      maps_to: 'open',
    });
    const typo = await w.run('state', 'show', 'estate.statuses["contact:Hot Led"]');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain(`matches no address in the state; the nearest: ${HOT}`);
    expect(w.sandbox.simulators.propertydeck.requests).toEqual([]);
    expect(serial(w)).toBe(before);
  });
});

describe('state rm', () => {
  it('stops managing an item no longer declared: the vendor keeps it, the next plan lists it as unmanaged', async () => {
    w = await applied();
    const before = serial(w);
    writeFileSync(
      join(w.dir, 'statusform.yaml'),
      PD_ACCOUNT(pd('Hot Lead') + pd('Sold', 'property'), `${FAST}    prune: true\n    allow_delete: true\n`),
    );
    const rm = await w.run('state', 'rm', COLD);
    expect(rm.code, rm.stderr).toBe(0);
    expect(rm.stdout).toContain(`Removed ${COLD} (vendor id `);
    expect(rm.stdout).toContain('No longer managed: the next plan lists it as unmanaged');
    expect(serial(w)).toBe(before + 1);
    expect(Object.keys(w.state().accounts['estate']!.items)).not.toContain('contact:Cold Lead');
    expect(w.sandbox.simulators.propertydeck.requests).toEqual([]);
    const plan = await w.run('plan', '--detailed-exitcode', '--verbose');
    expect(plan.code).toBe(0); // prune is on, yet nothing is deleted: it is not statusform's any more
    expect(plan.stdout).toContain(`${COLD}: unmanaged`);
  });

  it('an item still declared is taken over again by the next apply, and the output says so', async () => {
    w = await applied();
    const rm = await w.run('state', 'rm', 'estate.statuses["contact:*"]');
    expect(rm.code, rm.stderr).toBe(0);
    expect(rm.stdout).toContain(
      'Still declared in the configuration, so the next plan takes them over again (adopted, ' +
        `or updated to the configuration): ${COLD}, ${HOT}.`,
    );
    expect(Object.keys(w.state().accounts['estate']!.items)).toEqual(['property:Sold']);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0); // found live, unchanged: adopted without a write
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    expect(Object.keys(w.state().accounts['estate']!.items).sort()).toEqual(['contact:Cold Lead', 'contact:Hot Lead', 'property:Sold']);
    expect(w.sandbox.simulators.propertydeck.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('removes nothing when one address names nothing', async () => {
    w = await applied();
    const before = serial(w);
    const r = await w.run('state', 'rm', HOT, 'estate.statuses["contact:Nope"]');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('estate.statuses["contact:Nope"] matches no address in the state');
    expect(serial(w)).toBe(before);
    expect(Object.keys(w.state().accounts['estate']!.items)).toContain('contact:Hot Lead');
  });

  it('is refused (exit 3) while another run holds the account lock, changing nothing', async () => {
    w = await applied();
    const before = serial(w);
    mkdirSync(join(w.dir, 'statusform.state'), { recursive: true });
    const release = acquireLock(join(w.dir, 'statusform.state', 'estate.json'), 'statusform apply (another run)');
    try {
      for (const args of [
        ['rm', HOT],
        ['mv', HOT, 'estate.statuses["contact:Warm Lead"]'],
      ]) {
        const r = await w.run('state', ...args);
        expect(r.code, r.stderr).toBe(3);
        expect(r.stderr).toMatch(/Refused: the state of account estate .* is locked by pid \d+/);
      }
    } finally {
      release();
    }
    expect(serial(w)).toBe(before);
  });
});

describe('state show ACCOUNT', () => {
  it('shows every item the state records of the account, as text or JSON', async () => {
    w = await applied();
    const text = await w.run('state', 'show', 'estate');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.split('\n')[0]).toBe('# estate (propertydeck): 3 items in the state');
    for (const a of [COLD, HOT, SOLD]) expect(text.stdout).toContain(`\n# ${a}\nvendor     = "propertydeck"\n`);
    const json = JSON.parse((await w.run('state', 'show', 'estate', '--format', 'json')).stdout) as {
      account: string;
      items: { address: string }[];
    };
    expect(json.account).toBe('estate');
    expect(json.items.map((i) => i.address)).toEqual([COLD, HOT, SOLD]);
    const unknown = await w.run('state', 'show', 'estat');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('estat matches no account in the state');
  });
});

describe('state mv', () => {
  it('re-keys an owned item: the next plan finds it by its vendor id and renames it in place, never re-creates it', async () => {
    w = await applied();
    const before = serial(w);
    const id = w.state().accounts['estate']!.items['contact:Hot Lead']!.id;
    const mv = await w.run('state', 'mv', HOT, 'estate.statuses["contact:Warm Lead"]');
    expect(mv.code, mv.stderr).toBe(0);
    expect(mv.stdout).toContain(`Moved ${HOT} to estate.statuses["contact:Warm Lead"] (vendor id ${String(id)})`);
    expect(serial(w)).toBe(before + 1);
    expect(w.state().accounts['estate']!.items['contact:Warm Lead']).toMatchObject({ id });
    writeFileSync(join(w.dir, 'statusform.yaml'), PD_ACCOUNT(pd('Warm Lead') + pd('Cold Lead') + pd('Sold', 'property'), FAST));
    const plan = await w.run('plan');
    expect(plan.stdout).toContain('Plan: 0 to create, 1 to update');
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const puts = w.sandbox.simulators.propertydeck.requests.filter((r) => r.method !== 'GET');
    expect(puts.map((r) => [r.method, (r.body as { label: string }).label])).toEqual([['PUT', 'Warm Lead']]);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('refuses a move to another account, to an address in the state, or from one that is not there', async () => {
    w = await applied();
    const before = serial(w);
    const other = await w.run('state', 'mv', HOT, 'salon.statuses["contact:Hot Lead"]');
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('state mv moves an item within its account');
    const taken = await w.run('state', 'mv', HOT, COLD);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain(`${COLD} is in the state already`);
    const missing = await w.run('state', 'mv', 'estate.statuses["contact:Nope"]', 'estate.statuses["contact:New"]');
    expect(missing.code).toBe(1);
    expect((await w.run('state', 'mv', 'estate.statuses["contact:*"]', COLD)).code).toBe(1);
    expect(serial(w)).toBe(before);
  });

  it('refuses a key without the shape of a Property Deck key (type:label), or with another type, naming the shape', async () => {
    w = await applied();
    const before = serial(w);
    const bare = await w.run('state', 'mv', HOT, 'estate.statuses["Warm Lead"]');
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain(
      'state mv: estate.statuses["Warm Lead"] is not a key of Property Deck statuses: a key there is type:label ' +
        '(like "contact:Hot Lead"), and "Warm Lead" has no type: part; nothing was changed',
    );
    const empty = await w.run('state', 'mv', HOT, 'estate.statuses["contact:"]');
    expect(empty.stderr).toContain('its label is empty');
    const retyped = await w.run('state', 'mv', HOT, 'estate.statuses["property:Hot Lead"]');
    expect(retyped.code).toBe(1);
    expect(retyped.stderr).toContain('changes the type ("contact" → "property"), which Property Deck cannot change in place');
    expect(serial(w)).toBe(before);
  });
});

describe('state commands with a single state file', () => {
  it('rm writes the file one serial further', async () => {
    w = await world(CONFIG.replace('version: 1\n', 'version: 1\nstate: statusform.state.json\n'), SIM);
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const before = w.state().serial;
    expect((await w.run('state', 'list')).stdout).toBe(`${COLD}\n${HOT}\n${SOLD}\n`);
    expect((await w.run('state', 'rm', SOLD)).code).toBe(0);
    expect(w.state().serial).toBe(before + 1);
    expect(Object.keys(w.state().accounts['estate']!.items).sort()).toEqual(['contact:Cold Lead', 'contact:Hot Lead']);
  });
});
