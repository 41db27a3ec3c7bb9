// The quickstart as a user runs it: plan, apply, plan again — over real HTTP against the simulators.

import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { demoSeeds, demoState } from '../../src/sandbox/demo-data.js';
import { PROPERTYDECK_SANDBOX_TOKEN } from '../../src/vendors/propertydeck/simulator.js';
import { THALAMUS_SANDBOX_TOKEN } from '../../src/vendors/thalamus/simulator.js';
import { world, type World } from './fixtures.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const exampleDir = new URL('../../examples/quickstart/', import.meta.url).pathname;
const example = (file: string) => readFileSync(join(exampleDir, file), 'utf8');

/** The quickstart's settings file and account files, with the state an earlier apply left. */
async function quickstart(): Promise<World> {
  return world(
    example('statusform.yaml'),
    { seeds: demoSeeds() },
    {
      'accounts/nerds.yaml': example('accounts/nerds.yaml'),
      'accounts/estate.yaml': example('accounts/estate.yaml'),
      'statusform.state.json': JSON.stringify(demoState()),
    },
  );
}

describe('the quickstart, end to end', () => {
  it('plans creates, an update, a rename in place, a soft delete and an unmanaged item; applies them; then plans no changes', async () => {
    w = await quickstart();
    const pd = w.sandbox.simulators.propertydeck.store;
    const soldUuid = [...pd.statuses.values()].find((s) => s.label === 'Sold Subject To Contract')!.uuid;

    const plan = await w.run('plan', '--detailed-exitcode');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('+ nerds.status_variants["escalated"]');
    expect(plan.stdout).toContain('~ label         : "Waiting for Customer" → "Waiting on Customer"');
    expect(plan.stdout).toContain('estate.statuses["property:Sold STC"] will be renamed in place from "property:Sold Subject To Contract"');
    expect(plan.stdout).toContain('- nerds.status_variants["legacy_pending"]');
    expect(plan.stdout).toContain('estate: 1 item at the vendor is not managed by statusform (--verbose lists them)');
    expect((await w.run('plan', '--verbose')).stdout).toMatch(/estate\.statuses\["contact:Archived"\]: unmanaged/);
    // Two declared items are already at the vendor as declared: adopted, with no write.
    expect(plan.stdout).toContain('Plan: 3 to create, 2 to update, 1 to deactivate, 0 to delete, 2 to adopt.');

    const apply = await w.run('apply', '--auto-approve');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('Apply complete: 6 done, 0 failed, 0 skipped, 2 adopted.');

    // The rename kept the status's identity, so contacts and properties still hold it.
    expect(pd.statuses.get(soldUuid)?.label).toBe('Sold STC');
    expect(pd.records.find((r) => r.kind === 'property')?.status).toBe(soldUuid);
    // The unmanaged status was never touched.
    expect([...pd.statuses.values()].some((s) => s.label === 'Archived')).toBe(true);
    const variants = w.sandbox.simulators.thalamus.store.variants.get(THALAMUS_SANDBOX_TOKEN)!;
    expect(variants.get('legacy_pending')?.status).toBe('inactive');
    expect(variants.get('waiting_on_customer')?.label).toBe('Waiting on Customer');

    const again = await w.run('plan', '--detailed-exitcode');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes. Live state matches the configuration.');
    const state = w.state();
    expect(state.lineage).toBe(demoState().lineage);
    expect(state.serial).toBeGreaterThan(demoState().serial);
    expect(Object.keys(state.accounts['estate']!.items).sort()).toEqual([
      'contact:Hot Lead',
      'property:For Sale',
      'property:Let Agreed',
      'property:Sold STC',
    ]);
  });

  it('never prints or stores a secret, in any format, verbose or not, on success or failure', async () => {
    w = await quickstart();
    const outputs: string[] = [];
    for (const args of [
      ['plan', '--verbose'],
      ['plan', '--format', 'json', '--out', 'plan.json'],
      ['plan', '--format', 'markdown'],
      ['apply', '--auto-approve', '--verbose'],
    ]) {
      const r = await w.run(...args);
      outputs.push(r.stdout, r.stderr);
    }
    outputs.push(readFileSync(join(w.dir, 'plan.json'), 'utf8'), readFileSync(join(w.dir, 'statusform.state.json'), 'utf8'));
    // A refused token makes the vendor answer 401: the error path must not leak it either.
    w.env['PROPERTYDECK_TOKEN'] = 'wrong-token-value-1234';
    const refused = await w.run('plan', '--verbose');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Unauthenticated.');
    outputs.push(refused.stdout, refused.stderr);
    const all = outputs.join('\n');
    expect(all).toContain('GET http://127.0.0.1'); // the verbose log was really there
    for (const secret of [THALAMUS_SANDBOX_TOKEN, PROPERTYDECK_SANDBOX_TOKEN, 'wrong-token-value-1234']) expect(all).not.toContain(secret);
  });

  it('renders the plan as JSON in the wire format (schemas/plan.schema.json), and as a markdown PR comment', async () => {
    w = await quickstart();
    const json = JSON.parse((await w.run('plan', '--format', 'json')).stdout); // cli() checks it against the schema
    expect(json.format_version).toBe('2.4');
    expect(json.config_files_digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(json.config_digest).toMatch(/^sha256:/);
    // The quickstart's state is one file (seeded by the demo): every account is at the file's lineage and serial.
    const version = { lineage: demoState().lineage, serial: 3 };
    expect(json.state).toEqual({ accounts: Object.fromEntries(json.accounts.map((a: { name: string }) => [a.name, version])) });
    expect(json.accounts.map((a: { live_digest: string }) => a.live_digest)).toEqual([
      expect.stringMatching(/^sha256:/),
      expect.stringMatching(/^sha256:/),
    ]);
    expect(json.actions[0]).toEqual(
      expect.objectContaining({
        address: expect.any(String),
        action: expect.any(String),
        before: expect.anything(),
        after: expect.anything(),
        changes: expect.any(Array),
        depends_on: [],
        destructive: false,
      }),
    );
    const update = json.actions.find((a: { action: string }) => a.action === 'update');
    expect(update.changes[0]).toEqual({ field: expect.any(String), before: expect.anything(), after: expect.anything() });
    expect(json.summary).toMatchObject({ create: 3, update: 2, deactivate: 1, delete: 0 });
    // The engine's working state stays out of the public format.
    for (const a of json.actions) for (const internal of ['phase', 'via', 'from_key', 'id']) expect(a).not.toHaveProperty(internal);
    for (const a of json.accounts) for (const internal of ['adopt', 'forget', 'owned', 'safety']) expect(a).not.toHaveProperty(internal);

    const md = (await w.run('plan', '--format', 'markdown')).stdout;
    expect(md.startsWith('<!-- statusform-plan -->\n### statusform plan: 3 to create')).toBe(true);
    expect(md.indexOf('[!WARNING]')).toBeLessThan(md.indexOf('<details>'));
    expect(md).toContain('nerds.status_variants["legacy_pending"]` will be deactivated');
  });

  it('copies cleanly: the example needs only the sandbox variables', async () => {
    w = await quickstart();
    cpSync(exampleDir, join(w.dir, 'again'), { recursive: true });
    const r = await w.run('validate', '-c', 'again');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 accounts, 7 items');
  });
});
