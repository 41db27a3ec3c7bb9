// Zendesk in the sandbox: its simulator (the five built-in statuses always there), one custom
// status statusform does not manage yet, and the variables examples/ read.

import type { VendorSandbox } from '../../simulator/vendor-sandbox.js';
import type { ZendeskSeed, ZendeskStore } from './simulator.js';
import { ZENDESK_SANDBOX_EMAIL, ZENDESK_SANDBOX_API_TOKEN } from './sandbox-credentials.js';

export const zendeskSandbox: VendorSandbox<ZendeskSeed, ZendeskStore> = {
  // The simulator is loaded when started: every other command leaves it unread.
  start: async (options) => (await import('./simulator.js')).startZendeskSimulator(options),
  demoSeed: () => ({ statuses: [{ agent_label: 'Waiting on vendor', status_category: 'pending' }] }),
  env: (sim) => ({ ZENDESK_URL: sim.url, ZENDESK_EMAIL: ZENDESK_SANDBOX_EMAIL, ZENDESK_API_TOKEN: ZENDESK_SANDBOX_API_TOKEN }),
};
