// Zendesk in the sandbox: its simulator (the five built-in statuses always there), one custom
// status statusform does not manage yet, and the variables examples/ read.

import type { VendorSandbox } from '../../simulator/vendor-sandbox.js';
import {
  ZENDESK_SANDBOX_API_TOKEN,
  ZENDESK_SANDBOX_EMAIL,
  startZendeskSimulator,
  type ZendeskSeed,
  type ZendeskStore,
} from './simulator.js';

export const zendeskSandbox: VendorSandbox<ZendeskSeed, ZendeskStore> = {
  start: startZendeskSimulator,
  demoSeed: () => ({ statuses: [{ agent_label: 'Waiting on vendor', status_category: 'pending' }] }),
  env: (sim) => ({ ZENDESK_URL: sim.url, ZENDESK_EMAIL: ZENDESK_SANDBOX_EMAIL, ZENDESK_API_TOKEN: ZENDESK_SANDBOX_API_TOKEN }),
};
