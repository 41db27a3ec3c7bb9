// What each vendor folder tells the sandbox about itself (its `sandbox.ts`): how to start its
// simulator, the data the demo starts with, and the environment variables examples/ read to reach
// it. The registry (vendors/registry.ts) pairs it with the adapter; the sandbox composes them all.

import type { RunningSimulator, SimulatorOptions } from './server.js';
import type { StateItem } from '../model.js';

/** What an earlier apply left in the state file for one account of the examples (no vendor, which the registry knows). */
export interface DemoAccountState {
  items: Record<string, StateItem>;
}

export interface VendorSandbox<Seed, Store> {
  /** Starts the vendor's simulator on 127.0.0.1 (`port` 0 or absent: any free port). */
  start(opts: SimulatorOptions<Seed>): Promise<RunningSimulator<Store>>;
  /**
   * What `npm start` and `statusform sandbox` seed it with, matching examples/; a fresh copy each call. Absent:
   * the simulator's own defaults.
   */
  demoSeed?(): Seed;
  /**
   * What an earlier apply left in the state file for this vendor's accounts of examples/quickstart,
   * by account name: for a vendor without a read API, all statusform knows of it. A fresh copy each call.
   */
  demoState?(): Record<string, DemoAccountState>;
  /** The environment variables examples/ read to reach the running simulator: its URL and the sandbox credentials. */
  env(sim: RunningSimulator<Store>): Record<string, string>;
}

/** The seed type of a vendor's sandbox. */
export type SeedOf<S> = S extends VendorSandbox<infer Seed, infer _Store> ? Seed : never;
/** The store type of a vendor's running simulator. */
export type StoreOf<S> = S extends VendorSandbox<infer _Seed, infer Store> ? Store : never;
