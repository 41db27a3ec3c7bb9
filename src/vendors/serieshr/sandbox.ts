// series.hr in the sandbox: its simulator and the demo's tickets, which examples/ move on.

import type { VendorSandbox } from '../../simulator/vendor-sandbox.js';
import { SERIESHR_SANDBOX_API_KEY, startSeriesSimulator, type SeriesSeed, type SeriesStore } from './simulator.js';

export const serieshrSandbox: VendorSandbox<SeriesSeed, SeriesStore> = {
  start: startSeriesSimulator,
  demoSeed: () => [
    { id: 'TICKET-1234567890-ABCD', status: 'in-progress', subject: 'Printer on fire' },
    { id: 'TICKET-1234567890-EFGH', status: 'open', subject: 'Cannot log in' },
    { id: 'TICKET-1234567890-IJKL', status: 'closed', subject: 'Invoice copy' },
  ],
  env: (sim) => ({ SERIES_URL: sim.url, SERIES_API_KEY: SERIESHR_SANDBOX_API_KEY }),
};
