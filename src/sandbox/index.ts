// Starts the vendor simulators together: for `statusform sandbox`, the demo, tests and benchmarks.

import { startPropertyDeckSimulator, type PropertyDeckSeed, type PropertyDeckStore } from '../vendors/propertydeck/simulator.js';
import { startThalamusSimulator, type ThalamusSeed, type ThalamusStore } from '../vendors/thalamus/simulator.js';
import type { FaultOptions, RateLimitOptions, RunningSimulator } from './server.js';

export interface Simulators {
  thalamus: RunningSimulator<ThalamusStore>;
  propertydeck: RunningSimulator<PropertyDeckStore>;
}

export interface Seeds {
  thalamus?: ThalamusSeed;
  propertydeck?: PropertyDeckSeed;
}

export const SANDBOX_VENDORS = ['thalamus', 'propertydeck'] as const;

export interface SandboxOptions {
  /** Vendor i listens on basePort + i; any free port when absent. */
  basePort?: number;
  faults?: FaultOptions;
  seeds?: Seeds;
  rateLimits?: Partial<Record<keyof Simulators, RateLimitOptions | false>>;
}

export interface Sandbox {
  simulators: Simulators;
  close(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const port = (i: number) => (opts.basePort === undefined ? 0 : opts.basePort + i);
  const common = (vendor: keyof Simulators, i: number) => ({
    port: port(i),
    ...(opts.faults ? { faults: opts.faults } : {}),
    ...(opts.rateLimits?.[vendor] !== undefined ? { rateLimit: opts.rateLimits[vendor] } : {}),
  });
  const thalamus = await startThalamusSimulator({ ...common('thalamus', 0), ...(opts.seeds?.thalamus ? { seed: opts.seeds.thalamus } : {}) });
  let propertydeck: RunningSimulator<PropertyDeckStore>;
  try {
    propertydeck = await startPropertyDeckSimulator({ ...common('propertydeck', 1), ...(opts.seeds?.propertydeck ? { seed: opts.seeds.propertydeck } : {}) });
  } catch (err) {
    await thalamus.close();
    throw err;
  }
  const simulators: Simulators = { thalamus, propertydeck };
  return {
    simulators,
    close: async () => {
      await Promise.all(Object.values(simulators).map((s: RunningSimulator<unknown>) => s.close()));
    },
  };
}
