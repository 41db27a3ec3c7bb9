// Starts the vendor simulators together: for `statusform sandbox`, the demo, tests and benchmarks.

import { startPropertyDeckSimulator, type PropertyDeckSeed, type PropertyDeckStore } from '../vendors/propertydeck/simulator.js';
import { startSeriesSimulator, type SeriesSeed, type SeriesStore } from '../vendors/serieshr/simulator.js';
import { startSpacebringSimulator, type SpacebringSeed, type SpacebringStore } from '../vendors/spacebring/simulator.js';
import { startThalamusSimulator, type ThalamusSeed, type ThalamusStore } from '../vendors/thalamus/simulator.js';
import { startTimeTapSimulator, type TimeTapSeed, type TimeTapStore } from '../vendors/timetap/simulator.js';
import type { FaultOptions, RateLimitOptions, RunningSimulator, SimulatorOptions } from '../simulator/server.js';

export interface Simulators {
  thalamus: RunningSimulator<ThalamusStore>;
  propertydeck: RunningSimulator<PropertyDeckStore>;
  timetap: RunningSimulator<TimeTapStore>;
  serieshr: RunningSimulator<SeriesStore>;
  spacebring: RunningSimulator<SpacebringStore>;
}

export interface Seeds {
  thalamus?: ThalamusSeed;
  propertydeck?: PropertyDeckSeed;
  timetap?: TimeTapSeed;
  serieshr?: SeriesSeed;
  spacebring?: SpacebringSeed;
}

/** The fixed order of `statusform sandbox --port N`: vendor i listens on N + i. */
export const SANDBOX_VENDORS = ['thalamus', 'propertydeck', 'timetap', 'serieshr', 'spacebring'] as const;

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
  const started: RunningSimulator<unknown>[] = [];
  const common = <S>(vendor: keyof Simulators): SimulatorOptions<S> => {
    const i = SANDBOX_VENDORS.indexOf(vendor);
    return {
      port: opts.basePort === undefined ? 0 : opts.basePort + i,
      ...(opts.faults ? { faults: opts.faults } : {}),
      ...(opts.rateLimits?.[vendor] !== undefined ? { rateLimit: opts.rateLimits[vendor] } : {}),
      ...(opts.seeds?.[vendor] !== undefined ? { seed: opts.seeds[vendor] as S } : {}),
    };
  };
  const track = <T>(sim: RunningSimulator<T>) => {
    started.push(sim as RunningSimulator<unknown>);
    return sim;
  };
  try {
    const simulators: Simulators = {
      thalamus: track(await startThalamusSimulator(common('thalamus'))),
      propertydeck: track(await startPropertyDeckSimulator(common('propertydeck'))),
      timetap: track(await startTimeTapSimulator(common('timetap'))),
      serieshr: track(await startSeriesSimulator(common('serieshr'))),
      spacebring: track(await startSpacebringSimulator(common('spacebring'))),
    };
    return { simulators, close: async () => void (await Promise.all(started.map((s) => s.close()))) };
  } catch (err) {
    await Promise.all(started.map((s) => s.close()));
    throw err;
  }
}
