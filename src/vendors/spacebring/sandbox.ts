// Spacebring in the sandbox: its simulator, the demo's tickets, and Basic-auth credentials.

import type { VendorSandbox } from '../../simulator/vendor-sandbox.js';
import type { SpacebringSeed, SpacebringStore } from './simulator.js';
import { SPACEBRING_SANDBOX_CLIENT_ID, SPACEBRING_SANDBOX_CLIENT_SECRET } from './sandbox-credentials.js';

export const spacebringSandbox: VendorSandbox<SpacebringSeed, SpacebringStore> = {
  // The simulator is loaded when started: every other command leaves it unread.
  start: async (options) => (await import('./simulator.js')).startSpacebringSimulator(options),
  demoSeed: () => [
    { id: '3c90c3cc-0d44-4b50-8888-8dd25736052a', status: 'inProgress' },
    { id: '5e1b2a4f-7c3d-4e9a-b2f1-0a8d6c4e2b19', status: 'new' },
  ],
  env: (sim) => ({
    SPACEBRING_URL: sim.url,
    SPACEBRING_CLIENT_ID: SPACEBRING_SANDBOX_CLIENT_ID,
    SPACEBRING_CLIENT_SECRET: SPACEBRING_SANDBOX_CLIENT_SECRET,
  }),
};
