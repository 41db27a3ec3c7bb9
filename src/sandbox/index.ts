// Starts the vendor simulators together: for `statusform sandbox`, the demo, tests and benchmarks.
// Every vendor of the registry, in its order; what each needs comes from its own folder's sandbox.ts.

import type { FaultOptions, RateLimitOptions, RunningSimulator, SimulatorOptions } from '../simulator/server.js';
import type { SeedOf, StoreOf } from '../simulator/vendor-sandbox.js';
import { entries, vendorNames, type Registry, type VendorName } from '../vendors/registry.js';

/** Every vendor's running simulator, by vendor name, typed with its own store. */
export type Simulators = { [V in VendorName]: RunningSimulator<StoreOf<Registry[V]['sandbox']>> };

/** A seed per vendor, each of its own simulator's seed type. */
export type Seeds = { [V in VendorName]?: SeedOf<Registry[V]['sandbox']> };

/** The fixed order of `statusform sandbox --port N`: vendor i listens on N + i (the registry's order). */
export const SANDBOX_VENDORS: readonly VendorName[] = vendorNames;

export interface SandboxOptions {
  /** Vendor i listens on basePort + i; any free port when absent. */
  basePort?: number;
  faults?: FaultOptions;
  seeds?: Seeds;
  rateLimits?: Partial<Record<VendorName, RateLimitOptions | false>>;
}

export interface Sandbox {
  simulators: Simulators;
  close(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const started: RunningSimulator<unknown>[] = [];
  try {
    const simulators: Partial<Record<VendorName, RunningSimulator<unknown>>> = {};
    for (const [i, vendor] of SANDBOX_VENDORS.entries()) {
      const options: SimulatorOptions<unknown> = {
        port: opts.basePort === undefined ? 0 : opts.basePort + i,
        ...(opts.faults ? { faults: opts.faults } : {}),
        ...(opts.rateLimits?.[vendor] !== undefined ? { rateLimit: opts.rateLimits[vendor] } : {}),
        ...(opts.seeds?.[vendor] !== undefined ? { seed: opts.seeds[vendor] } : {}),
      };
      const sim = await entries[i]!.sandbox.start(options);
      started.push(sim);
      simulators[vendor] = sim;
    }
    return { simulators: simulators as Simulators, close: async () => void (await Promise.all(started.map((s) => s.close()))) };
  } catch (err) {
    await Promise.all(started.map((s) => s.close()));
    throw err;
  }
}
