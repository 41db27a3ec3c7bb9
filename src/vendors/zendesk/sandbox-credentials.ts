// The sandbox's credentials: what its simulator accepts, and what the sandbox's environment
// variables hand to examples/. A file of their own, so that the sandbox names them without
// loading the simulator (which only `statusform sandbox`, the demo and tests start).

export const ZENDESK_SANDBOX_EMAIL = 'admin@sandbox.example';
export const ZENDESK_SANDBOX_API_TOKEN = 'zd_sandbox_api_token_000000000000000000';
export const ZENDESK_SANDBOX_OAUTH_TOKEN = 'zd_sandbox_oauth_token_00000000000000000';
/** A verified user who is an agent, not an admin: reads allowed, writes 403 (D: writes are admins only). */
export const ZENDESK_SANDBOX_AGENT_EMAIL = 'agent@sandbox.example';
