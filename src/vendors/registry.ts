// The closed registry of vendor adapters: adding a vendor is one folder plus one line here.

import type { VendorAdapter } from './adapter.js';
import { propertydeck } from './propertydeck/adapter.js';
import { serieshr } from './serieshr/adapter.js';
import { spacebring } from './spacebring/adapter.js';
import { thalamus } from './thalamus/adapter.js';
import { timetap } from './timetap/adapter.js';
import { zendesk } from './zendesk/adapter.js';

export const adapters: readonly VendorAdapter[] = [thalamus, propertydeck, timetap, serieshr, spacebring, zendesk];

const byVendor = new Map(adapters.map((a) => [a.vendor, a]));

export function adapterFor(vendor: string): VendorAdapter | undefined {
  return byVendor.get(vendor);
}
