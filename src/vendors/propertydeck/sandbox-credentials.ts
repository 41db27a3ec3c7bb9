// The sandbox's credentials: what its simulator accepts, and what the sandbox's environment
// variables hand to examples/. A file of their own, so that the sandbox names them without
// loading the simulator (which only `statusform sandbox`, the demo and tests start).

export const PROPERTYDECK_SANDBOX_TOKEN = 'pd_sandbox_token_0000000000000000';
