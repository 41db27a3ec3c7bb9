// The data the demo and `statusform sandbox` start with, matching examples/: an earlier
// apply's state for Thalamus (which cannot be read back), a Property Deck account with a status
// to rename, one to adopt and one statusform does not manage, TimeTap's shared defaults, and
// a few tickets at series.hr and Spacebring.

import type { State } from '../state/state-file.js';
import { PROPERTYDECK_SANDBOX_TOKEN } from '../vendors/propertydeck/simulator.js';
import { SERIESHR_SANDBOX_API_KEY } from '../vendors/serieshr/simulator.js';
import { SPACEBRING_SANDBOX_CLIENT_ID, SPACEBRING_SANDBOX_CLIENT_SECRET } from '../vendors/spacebring/simulator.js';
import { THALAMUS_SANDBOX_TOKEN } from '../vendors/thalamus/simulator.js';
import { TIMETAP_SANDBOX_API_KEY, TIMETAP_SANDBOX_BUSINESS_ID, TIMETAP_SANDBOX_PRIVATE_KEY } from '../vendors/timetap/simulator.js';
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
    serieshr: [
      { id: 'TICKET-1234567890-ABCD', status: 'in-progress', subject: 'Printer on fire' },
      { id: 'TICKET-1234567890-EFGH', status: 'open', subject: 'Cannot log in' },
      { id: 'TICKET-1234567890-IJKL', status: 'closed', subject: 'Invoice copy' },
    ],
    spacebring: [
      { id: '3c90c3cc-0d44-4b50-8888-8dd25736052a', status: 'inProgress' },
      { id: '5e1b2a4f-7c3d-4e9a-b2f1-0a8d6c4e2b19', status: 'new' },
    ],
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
    TIMETAP_URL: sims.timetap.url,
    TIMETAP_API_KEY: TIMETAP_SANDBOX_API_KEY,
    TIMETAP_PRIVATE_KEY: TIMETAP_SANDBOX_PRIVATE_KEY,
    TIMETAP_BUSINESS_ID: String(TIMETAP_SANDBOX_BUSINESS_ID),
    SERIES_URL: sims.serieshr.url,
    SERIES_API_KEY: SERIESHR_SANDBOX_API_KEY,
    SPACEBRING_URL: sims.spacebring.url,
    SPACEBRING_CLIENT_ID: SPACEBRING_SANDBOX_CLIENT_ID,
    SPACEBRING_CLIENT_SECRET: SPACEBRING_SANDBOX_CLIENT_SECRET,
  };
}
