// The data the demo and `statusform sandbox` start with, matching examples/, gathered from each
// vendor folder's sandbox.ts: the simulators' seeds, the state an earlier apply left for vendors
// that cannot be read back, and the environment variables that point examples/ at the simulators.

import type { State } from '../state/state-file.js';
import { entries, vendorNames } from '../vendors/registry.js';
import type { Seeds, Simulators } from './index.js';

export function demoSeeds(): Seeds {
  const seeds: Record<string, unknown> = {};
  for (const [i, e] of entries.entries()) if (e.sandbox.demoSeed) seeds[vendorNames[i]!] = e.sandbox.demoSeed();
  return seeds as Seeds;
}

/** What an earlier apply left in the state file for examples/quickstart. */
export function demoState(): State {
  const accounts: State['accounts'] = {};
  for (const e of entries) {
    for (const [name, account] of Object.entries(e.sandbox.demoState?.() ?? {})) accounts[name] = { vendor: e.adapter.vendor, ...account };
  }
  return { version: 1, lineage: '5d0c7f3e-2f7a-4d38-9a59-6f1d3b0c9e21', serial: 3, accounts };
}

/** The environment variables examples/ read, pointing at running simulators. */
export function sandboxEnv(sims: Simulators): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [i, e] of entries.entries()) Object.assign(env, e.sandbox.env(sims[vendorNames[i]!] as never));
  return env;
}
