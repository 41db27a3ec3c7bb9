// Zendesk in the sandbox: its simulator (the five built-in statuses always there), the On-hold
// category turned on (the example maps a status to hold), one custom status statusform does not
// manage yet, and the variables examples/ read: an OAuth client, the way Zendesk now requires.

import type { VendorSandbox } from '../../simulator/vendor-sandbox.js';
import type { ZendeskSeed, ZendeskStore } from './simulator.js';
import { ZENDESK_SANDBOX_CLIENT_ID, ZENDESK_SANDBOX_CLIENT_SECRET } from './sandbox-credentials.js';

export const zendeskSandbox: VendorSandbox<ZendeskSeed, ZendeskStore> = {
  // The simulator is loaded when started: every other command leaves it unread.
  start: async (options) => (await import('./simulator.js')).startZendeskSimulator(options),
  demoSeed: () => ({ hold: true, statuses: [{ agent_label: 'Waiting on vendor', status_category: 'pending' }] }),
  env: (sim) => ({
    ZENDESK_URL: sim.url,
    ZENDESK_CLIENT_ID: ZENDESK_SANDBOX_CLIENT_ID,
    ZENDESK_CLIENT_SECRET: ZENDESK_SANDBOX_CLIENT_SECRET,
  }),
};
