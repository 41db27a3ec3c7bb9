// TimeTap in the sandbox: its simulator, which starts with TimeTap's shared default statuses
// (the demo's first customisation forks them), and the credentials of its one business.

import type { VendorSandbox } from '../../simulator/vendor-sandbox.js';
import type { TimeTapSeed, TimeTapStore } from './simulator.js';
import { TIMETAP_SANDBOX_API_KEY, TIMETAP_SANDBOX_PRIVATE_KEY, TIMETAP_SANDBOX_BUSINESS_ID } from './sandbox-credentials.js';

export const timetapSandbox: VendorSandbox<TimeTapSeed, TimeTapStore> = {
  // The simulator is loaded when started: every other command leaves it unread.
  start: async (options) => (await import('./simulator.js')).startTimeTapSimulator(options),
  env: (sim) => ({
    TIMETAP_URL: sim.url,
    TIMETAP_API_KEY: TIMETAP_SANDBOX_API_KEY,
    TIMETAP_PRIVATE_KEY: TIMETAP_SANDBOX_PRIVATE_KEY,
    TIMETAP_BUSINESS_ID: String(TIMETAP_SANDBOX_BUSINESS_ID),
  }),
};
