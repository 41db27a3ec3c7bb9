// The closed registry of vendors: adding a vendor is one folder plus one line here. Each entry
// pairs the vendor's adapter with its sandbox (simulator, demo seed, environment); the config
// schema, the loader, the engine and the sandbox all derive from this one list, in this order
// (also the order of `statusform sandbox --port N`: vendor i listens on N + i).

import type { VendorSandbox } from '../simulator/vendor-sandbox.js';
import type { VendorAdapter } from './adapter.js';
import { propertydeck } from './propertydeck/adapter.js';
import { propertydeckSandbox } from './propertydeck/sandbox.js';
import { serieshr } from './serieshr/adapter.js';
import { serieshrSandbox } from './serieshr/sandbox.js';
import { spacebring } from './spacebring/adapter.js';
import { spacebringSandbox } from './spacebring/sandbox.js';
import { thalamus } from './thalamus/adapter.js';
import { thalamusSandbox } from './thalamus/sandbox.js';
import { timetap } from './timetap/adapter.js';
import { timetapSandbox } from './timetap/sandbox.js';
import { zendesk } from './zendesk/adapter.js';
import { zendeskSandbox } from './zendesk/sandbox.js';

/** One vendor: its adapter and its sandbox. The entry's name in `registry` is `adapter.vendor`. */
export interface VendorEntry<Seed = unknown, Store = unknown> {
  adapter: VendorAdapter;
  sandbox: VendorSandbox<Seed, Store>;
}

export const registry = {
  thalamus: { adapter: thalamus, sandbox: thalamusSandbox },
  propertydeck: { adapter: propertydeck, sandbox: propertydeckSandbox },
  timetap: { adapter: timetap, sandbox: timetapSandbox },
  serieshr: { adapter: serieshr, sandbox: serieshrSandbox },
  spacebring: { adapter: spacebring, sandbox: spacebringSandbox },
  zendesk: { adapter: zendesk, sandbox: zendeskSandbox },
  // biome-ignore lint/suspicious/noExplicitAny: each entry keeps its own seed and store types
} as const satisfies Readonly<Record<string, VendorEntry<any, any>>>;

export type Registry = typeof registry;
/** A vendor's name, as the config's `vendor:` gives it. */
export type VendorName = keyof Registry;

/** The vendors in registry order. */
export const vendorNames = Object.keys(registry) as VendorName[];

/** Every vendor's entry, in registry order, typed loosely for code that treats them alike. */
export const entries: readonly VendorEntry[] = vendorNames.map((v) => registry[v] as unknown as VendorEntry);

export const adapters: readonly VendorAdapter[] = entries.map((e) => e.adapter);

const byVendor = new Map(adapters.map((a) => [a.vendor, a]));

export function adapterFor(vendor: string): VendorAdapter | undefined {
  return byVendor.get(vendor);
}
