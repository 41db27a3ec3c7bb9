// Thalamus in the sandbox: its simulator; the demo's variants, one to rename and one to
// deactivate; and, since it cannot be read back, what an earlier apply left in the state file.

import type { VendorSandbox } from '../../simulator/vendor-sandbox.js';
import type { ThalamusSeed, ThalamusStore } from './simulator.js';
import { THALAMUS_SANDBOX_TOKEN } from './sandbox-credentials.js';

export const thalamusSandbox: VendorSandbox<ThalamusSeed, ThalamusStore> = {
  // The simulator is loaded when started: every other command leaves it unread.
  start: async (options) => (await import('./simulator.js')).startThalamusSimulator(options),
  demoSeed: () => [
    { id: 'waiting_on_customer', label: 'Waiting for Customer', mapped_status: 'pending', source_system: 'freshdesk', status: 'active' },
    { id: 'legacy_pending', label: 'Pending (old)', mapped_status: 'pending', source_system: null, status: 'active' },
  ],
  // The quickstart's account `nerds`, as the seed above left it.
  demoState: () => ({
    nerds: {
      items: {
        waiting_on_customer: {
          id: null,
          fields: { label: 'Waiting for Customer', mapped_status: 'pending', source_system: 'freshdesk' },
          active: true,
        },
        legacy_pending: { id: null, fields: { label: 'Pending (old)', mapped_status: 'pending' }, active: true },
      },
    },
  }),
  env: (sim) => ({ THALAMUS_URL: sim.url, THALAMUS_TOKEN: THALAMUS_SANDBOX_TOKEN }),
};
