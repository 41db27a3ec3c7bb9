// The data the demo and `statusform sandbox` start with, matching examples/quickstart: an
// earlier apply's state for Thalamus (which cannot be read back), and a Property Deck account
// with a status to rename, one to adopt and one statusform does not manage.

import type { State } from '../state/state-file.js';
import { PROPERTYDECK_SANDBOX_TOKEN } from '../vendors/propertydeck/simulator.js';
import { THALAMUS_SANDBOX_TOKEN } from '../vendors/thalamus/simulator.js';
import type { Seeds, Simulators } from './index.js';

export function demoSeeds(): Seeds {
  return {
    thalamus: [
      { id: 'waiting_on_customer', label: 'Waiting for Customer', mapped_status: 'pending', source_system: 'freshdesk', status: 'active' },
      { id: 'legacy_pending', label: 'Pending (old)', mapped_status: 'pending', source_system: null, status: 'active' },
    ],
    propertydeck: {
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
    },
  };
}

/** What an earlier apply left in the state file for the quickstart's Thalamus account. */
export function demoState(): State {
  return {
    version: 1,
    lineage: '5d0c7f3e-2f7a-4d38-9a59-6f1d3b0c9e21',
    serial: 3,
    accounts: {
      nerds: {
        vendor: 'thalamus',
        items: {
          waiting_on_customer: { id: null, fields: { label: 'Waiting for Customer', mapped_status: 'pending', source_system: 'freshdesk' }, active: true },
          legacy_pending: { id: null, fields: { label: 'Pending (old)', mapped_status: 'pending' }, active: true },
        },
      },
    },
  };
}

/** The environment variables examples/quickstart reads, pointing at running simulators. */
export function sandboxEnv(sims: Simulators): Record<string, string> {
  return {
    THALAMUS_URL: sims.thalamus.url,
    THALAMUS_TOKEN: THALAMUS_SANDBOX_TOKEN,
    PROPERTYDECK_URL: sims.propertydeck.url,
    PROPERTYDECK_TOKEN: PROPERTYDECK_SANDBOX_TOKEN,
  };
}
