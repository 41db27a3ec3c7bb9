// The sandbox's credentials: what its simulator accepts, and what the sandbox's environment
// variables hand to examples/. A file of their own, so that the sandbox names them without
// loading the simulator (which only `statusform sandbox`, the demo and tests start).

export const SERIESHR_SANDBOX_API_KEY = 'series_sandbox_key_000000000000';
