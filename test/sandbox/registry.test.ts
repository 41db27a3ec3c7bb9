// The registry is the one list of vendors: the sandbox, its ports, the demo's seeds and state and
// the environment examples/ read are all derived from it, so a new vendor needs no line elsewhere.

import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { demoSeeds, demoState, sandboxEnv } from '../../src/sandbox/demo-data.js';
import { SANDBOX_VENDORS, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { adapters, entries, registry, vendorNames } from '../../src/vendors/registry.js';

const ROOT = resolve(import.meta.dirname, '../..');

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('the vendor registry', () => {
  it("names each vendor as its adapter's `vendor:`, in the order the sandbox ports follow", () => {
    for (const [name, entry] of Object.entries(registry)) expect(entry.adapter.vendor).toBe(name);
    expect(adapters.map((a) => a.vendor)).toEqual(vendorNames);
    expect(SANDBOX_VENDORS).toEqual(['thalamus', 'propertydeck', 'timetap', 'serieshr', 'spacebring', 'zendesk']);
  });

  it('holds every vendor folder, and each folder exports its adapter, simulator and sandbox', () => {
    const folders = readdirSync(join(ROOT, 'src/vendors'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect([...folders].sort()).toEqual([...vendorNames].sort());
    for (const v of folders)
      expect(readdirSync(join(ROOT, 'src/vendors', v))).toEqual(
        expect.arrayContaining(['adapter.ts', 'api.ts', 'simulator.ts', 'sandbox.ts']),
      );
  });

  it('starts every vendor of the registry on --port N + its index', async () => {
    // Below the ephemeral range (32768 and up on Linux), where outgoing connections take their ports.
    const base = 12000 + Math.floor(Math.random() * 15000);
    sandbox = await startSandbox({ basePort: base });
    expect(Object.keys(sandbox.simulators)).toEqual(vendorNames);
    for (const [i, v] of vendorNames.entries()) expect(new URL(sandbox.simulators[v].url).port).toBe(String(base + i));
  });

  it('gives examples/ every environment variable they read, each from its vendor folder', async () => {
    sandbox = await startSandbox();
    const env = sandboxEnv(sandbox.simulators);
    const accountFiles = (example: string) =>
      readdirSync(join(ROOT, 'examples', example, 'accounts')).map((f) => join(example, 'accounts', f));
    const examples = [
      'quickstart/statusform.yaml',
      'all-vendors/statusform.yaml',
      ...accountFiles('quickstart'),
      ...accountFiles('all-vendors'),
    ]
      .map((f) => readFileSync(join(ROOT, 'examples', f), 'utf8'))
      .join('\n');
    const read = new Set([...examples.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]!));
    for (const name of read) expect(env, name).toHaveProperty(name);
    for (const [i, e] of entries.entries()) {
      const sim = sandbox.simulators[vendorNames[i]!];
      expect(Object.values(e.sandbox.env(sim as never))).toContain(sim.url);
    }
  });

  it("seeds the demo from each vendor's sandbox, and its state file names each account's vendor", () => {
    const seeds = demoSeeds();
    for (const [i, e] of entries.entries()) expect(seeds[vendorNames[i]!] !== undefined).toBe(e.sandbox.demoSeed !== undefined);
    expect(demoState().accounts['nerds']).toMatchObject({ vendor: 'thalamus', items: { waiting_on_customer: { id: null, active: true } } });
    // A fresh copy each time: the demo and tests may change what they are given.
    expect(demoSeeds()).not.toBe(seeds);
    expect(demoSeeds()['thalamus']).not.toBe(seeds['thalamus']);
  });
});
