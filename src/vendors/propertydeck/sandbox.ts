// Property Deck in the sandbox: its simulator, and the demo's statuses — one to rename, one to
// adopt, one statusform does not manage — with records that carry them.

import type { VendorSandbox } from '../../simulator/vendor-sandbox.js';
import type { PropertyDeckSeed, PropertyDeckStore } from './simulator.js';
import { PROPERTYDECK_SANDBOX_TOKEN } from './sandbox-credentials.js';

export const propertydeckSandbox: VendorSandbox<PropertyDeckSeed, PropertyDeckStore> = {
  // The simulator is loaded when started: every other command leaves it unread.
  start: async (options) => (await import('./simulator.js')).startPropertyDeckSimulator(options),
  demoSeed: () => ({
    statuses: [
      { label: 'For Sale', type: 'property' },
      { label: 'Sold Subject To Contract', type: 'property' },
      { label: 'Hot Lead', type: 'contact' },
      { label: 'Archived', type: 'contact' },
    ],
    records: [
      { kind: 'property', statusLabel: 'Sold Subject To Contract' },
      { kind: 'contact', statusLabel: 'Archived' },
    ],
  }),
  env: (sim) => ({ PROPERTYDECK_URL: sim.url, PROPERTYDECK_TOKEN: PROPERTYDECK_SANDBOX_TOKEN }),
};
