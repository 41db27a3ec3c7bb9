// The sandbox's credentials: what its simulator accepts, and what the sandbox's environment
// variables hand to examples/. A file of their own, so that the sandbox names them without
// loading the simulator (which only `statusform sandbox`, the demo and tests start).

export const TIMETAP_SANDBOX_API_KEY = 'tt_sandbox_api_key_00000';
export const TIMETAP_SANDBOX_PRIVATE_KEY = 'tt_sandbox_private_key_0000000000';
export const TIMETAP_SANDBOX_BUSINESS_ID = 43111;
