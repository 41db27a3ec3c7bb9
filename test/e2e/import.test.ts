// import: adopt an account that already has statuses; the plan right after is empty.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROPERTYDECK_SANDBOX_TOKEN } from '../../src/vendors/propertydeck/simulator.js';
import { cli } from '../helpers.js';
import { world, type World } from './fixtures.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

/** The Property Deck account, as the lines under `accounts:`. */
const estateAccount = `  estate:
    vendor: propertydeck
    base_url: \${PROPERTYDECK_URL}
    token: \${PROPERTYDECK_TOKEN}
    rate_limit: { requests: 100, seconds: 1 }
    statuses: []
`;
const estate = `# yaml-language-server: $schema=../schemas/statusform.schema.json
version: 1
accounts:
${estateAccount}`;

describe('statusform import', () => {
  it('writes the live statuses as YAML with the modeline and review notes, adopts them, and the next plan is empty', async () => {
    const seed = {
      statuses: [
        { label: 'For Sale', type: 'property' as const },
        { label: 'Hot Lead', type: 'contact' as const },
      ],
    };
    w = await world(
      'version: 1\naccounts: {}\n',
      { seeds: { propertydeck: seed }, rateLimits: { propertydeck: false } },
      { 'conf/estate.yaml': estate },
    );
    const cfg = join(w.dir, 'conf');
    const r = await cli(['import', '--account', 'estate', '-c', 'conf', '--out', 'conf/estate.yaml'], { cwd: w.dir, env: w.env });
    expect(r.code).toBe(0);
    const text = readFileSync(join(cfg, 'estate.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/statusform.schema.json');
    expect(text).toContain('# Review: maps_to is a guess');
    expect(text).toContain('token: ${PROPERTYDECK_TOKEN}');
    expect(text).toMatch(/- label: For Sale\n\s+type: property\n\s+maps_to: open/);
    expect(JSON.parse(readFileSync(join(cfg, 'statusform.state', 'estate.json'), 'utf8')).accounts.estate.items).toHaveProperty([
      'property:For Sale',
    ]);

    const plan = await cli(['plan', '-c', 'conf', '--detailed-exitcode'], { cwd: w.dir, env: w.env });
    expect(plan.code).toBe(0);
    expect(plan.stdout).not.toContain('unmanaged');
    // Written straight into the config, the items are owned outright: dropping one later is a plain removal.
    expect(
      JSON.parse(readFileSync(join(cfg, 'statusform.state', 'estate.json'), 'utf8')).accounts.estate.items['property:For Sale'],
    ).not.toHaveProperty('imported');
  });

  it('never prunes what it imported before the YAML is in the config, and an apply after pasting it in makes it plainly owned', async () => {
    const seed = {
      statuses: [
        { label: 'Sold', type: 'property' as const },
        { label: 'Cold', type: 'contact' as const },
      ],
    };
    const pruning = estate.replace('    statuses: []', '    prune: true\n    allow_delete: true\n    statuses: []');
    w = await world(
      'version: 1\naccounts: {}\n',
      { seeds: { propertydeck: seed }, rateLimits: { propertydeck: false } },
      { 'conf/estate.yaml': pruning },
    );
    const run = (...args: string[]) => cli([...args, '-c', 'conf'], { cwd: w!.dir, env: w!.env });
    const printed = await run('import', '--account', 'estate');
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain('label: Sold');
    const statePath = join(w.dir, 'conf', 'statusform.state', 'estate.json');
    expect(JSON.parse(readFileSync(statePath, 'utf8')).accounts.estate.items['property:Sold']).toMatchObject({ imported: true });

    // The YAML went to the terminal, not into the config: the account still declares nothing.
    const plan = await run('plan', '--detailed-exitcode');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(
      'estate.statuses["property:Sold"]: imported, and not declared in the configuration since: left untouched',
    );
    expect((await run('apply', '--auto-approve', '--allow-destroy')).code).toBe(0);
    expect(w.sandbox.simulators.propertydeck.requests.filter((q) => q.method !== 'GET')).toEqual([]);

    expect(printed.stdout).toContain('prune: true'); // the account's own settings came along
    writeFileSync(join(w.dir, 'conf', 'estate.yaml'), printed.stdout);
    const pasted = await run('plan', '--detailed-exitcode');
    expect(pasted.code, pasted.stdout + pasted.stderr).toBe(0);
    expect((await run('apply', '--auto-approve')).code).toBe(0);
    const items = JSON.parse(readFileSync(statePath, 'utf8')).accounts.estate.items;
    expect(items['property:Sold']).not.toHaveProperty('imported');
    expect(items['contact:Cold']).not.toHaveProperty('imported');
  });

  it('never writes a credential that the config holds as it is: it becomes a ${VAR} to set', async () => {
    const inline = estate.replace('${PROPERTYDECK_TOKEN}', PROPERTYDECK_SANDBOX_TOKEN).replace(/^# yaml-language-server.*\n/, '');
    w = await world(
      'version: 1\naccounts: {}\n',
      { seeds: { propertydeck: { statuses: [{ label: 'Sold', type: 'property' as const }] } }, rateLimits: { propertydeck: false } },
      { 'conf/estate.yaml': inline },
    );
    const printed = await cli(['import', '--account', 'estate', '-c', 'conf'], { cwd: w.dir, env: w.env });
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout + printed.stderr).not.toContain(PROPERTYDECK_SANDBOX_TOKEN);
    expect(printed.stdout).toContain('token: ${ESTATE_TOKEN}');
    // The source had no modeline: the output points at the schema this package ships, relative to the account's
    // config file, where the printed YAML is pasted (not to the directory import ran in).
    const schema = /^# yaml-language-server: \$schema=(\S+)$/m.exec(printed.stdout)?.[1];
    expect(schema).toMatch(/schemas\/statusform\.schema\.json$/);
    expect(JSON.parse(readFileSync(join(w.dir, 'conf', schema!), 'utf8')).title).toBeDefined();
    expect(printed.stdout).toContain('# Review: token was written into the config as it is; it is ${ESTATE_TOKEN} here');
  });

  it("imports into the account's own file in place, keeping every other account and setting, and never over another config file", async () => {
    const whole = `# a config with more than one account
version: 1
categories: [new, open, pending, hold, solved, closed, archived]
state: sf-state.json
accounts:
  nerds:   # kept as it is
    vendor: thalamus
    base_url: \${THALAMUS_URL}
    token: \${THALAMUS_TOKEN}
    status_variants: []
${estateAccount}`;
    const seed = { statuses: [{ label: 'For Sale', type: 'property' as const }] };
    w = await world(
      whole,
      { seeds: { propertydeck: seed }, rateLimits: { propertydeck: false } },
      { 'other/one.yaml': 'version: 1\naccounts: {}\n' },
    );

    const elsewhere = await cli(['import', '--account', 'estate', '-c', 'statusform.yaml', '--out', 'statusform.yaml'], {
      cwd: w.dir,
      env: w.env,
    });
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
    const text = readFileSync(join(w.dir, 'statusform.yaml'), 'utf8');
    expect(text).toContain('# a config with more than one account');
    expect(text).toMatch(/categories: \[ ?new, open, pending, hold, solved, closed, archived ?\]/);
    expect(text).toContain('state: sf-state.json');
    expect(text).toMatch(/nerds:\s+# kept as it is\n\s+vendor: thalamus/);
    expect(text).toMatch(/# Imported by statusform from estate \(propertydeck\)/);
    expect(text).toMatch(/- label: For Sale\n\s+type: property/);
    expect(JSON.parse(readFileSync(join(w.dir, 'sf-state.json'), 'utf8')).accounts.estate.items['property:For Sale']).toMatchObject({
      id: expect.any(String),
    });
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);

    // Another file of a directory config would be replaced: refused before any change.
    const dir = join(w.dir, 'conf');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.yaml'), whole.replace('state: sf-state.json\n', ''));
    writeFileSync(join(dir, 'b.yaml'), 'version: 1\naccounts: {}\n');
    const over = await cli(['import', '--account', 'estate', '-c', 'conf', '--out', 'conf/b.yaml'], { cwd: w.dir, env: w.env });
    expect(over.code).toBe(1);
    expect(over.stderr).toContain('conf/b.yaml is another file of the configuration, and the import would replace it');
    expect(readFileSync(join(dir, 'b.yaml'), 'utf8')).toBe('version: 1\naccounts: {}\n');
  });

  it('writes a live label with "${" in it so that it reads back as the same text', async () => {
    w = await world(
      'version: 1\naccounts: {}\n',
      {
        seeds: { propertydeck: { statuses: [{ label: 'Offer ${HOME} band', type: 'property' as const }] } },
        rateLimits: { propertydeck: false },
      },
      { 'conf/estate.yaml': estate },
    );
    const r = await cli(['import', '--account', 'estate', '-c', 'conf', '--out', 'conf/estate.yaml'], {
      cwd: w.dir,
      env: { ...w.env, HOME: '/root' },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(w.dir, 'conf', 'estate.yaml'), 'utf8')).toContain('label: Offer $${HOME} band');
    const plan = await cli(['plan', '-c', 'conf', '--detailed-exitcode'], { cwd: w.dir, env: { ...w.env, HOME: '/root' } });
    expect(plan.code, plan.stdout).toBe(0);
  });

  it('explains why Thalamus cannot be imported', async () => {
    w = await world(
      'version: 1\naccounts:\n' +
        '  nerds: { vendor: thalamus, base_url: "${THALAMUS_URL}", token: "${THALAMUS_TOKEN}", status_variants: [] }\n',
    );
    const r = await w.run('import', '--account', 'nerds');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Thalamus has no read API');
  });
});
