// The sandbox credentials of every simulator, in one place for the demo, docs and tests.

export { PROPERTYDECK_SANDBOX_TOKEN } from '../vendors/propertydeck/simulator.js';
export { SERIESHR_SANDBOX_API_KEY } from '../vendors/serieshr/simulator.js';
export { SPACEBRING_SANDBOX_CLIENT_ID, SPACEBRING_SANDBOX_CLIENT_SECRET, SPACEBRING_SANDBOX_NETWORK_ID, SPACEBRING_SANDBOX_TOKEN } from '../vendors/spacebring/simulator.js';
export { THALAMUS_SANDBOX_TOKEN } from '../vendors/thalamus/simulator.js';
export { TIMETAP_SANDBOX_API_KEY, TIMETAP_SANDBOX_BUSINESS_ID, TIMETAP_SANDBOX_PRIVATE_KEY } from '../vendors/timetap/simulator.js';
