// series.hr in the sandbox: its simulator and the demo's tickets, which examples/ move on.

import type { VendorSandbox } from '../../simulator/vendor-sandbox.js';
import type { SeriesSeed, SeriesStore } from './simulator.js';
import { SERIESHR_SANDBOX_API_KEY } from './sandbox-credentials.js';

export const serieshrSandbox: VendorSandbox<SeriesSeed, SeriesStore> = {
  // The simulator is loaded when started: every other command leaves it unread.
  start: async (options) => (await import('./simulator.js')).startSeriesSimulator(options),
  demoSeed: () => [
    { id: 'TICKET-1234567890-ABCD', status: 'in-progress', subject: 'Printer on fire' },
    { id: 'TICKET-1234567890-EFGH', status: 'open', subject: 'Cannot log in' },
    { id: 'TICKET-1234567890-IJKL', status: 'closed', subject: 'Invoice copy' },
  ],
  env: (sim) => ({ SERIES_URL: sim.url, SERIES_API_KEY: SERIESHR_SANDBOX_API_KEY }),
};
