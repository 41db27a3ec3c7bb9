// The sandbox's credentials: what its simulator accepts, and what the sandbox's environment
// variables hand to examples/. A file of their own, so that the sandbox names them without
// loading the simulator (which only `statusform sandbox`, the demo and tests start).

export const SPACEBRING_SANDBOX_CLIENT_ID = 'sb_sandbox_client';
export const SPACEBRING_SANDBOX_CLIENT_SECRET = 'sb_sandbox_secret_000000000000';
export const SPACEBRING_SANDBOX_NETWORK_ID = '7f1f0c1e-55a4-4a58-9d5f-1b6f3c9a2e10';
export const SPACEBRING_SANDBOX_TOKEN = 'sb_sandbox_oauth_token_0000000000';
