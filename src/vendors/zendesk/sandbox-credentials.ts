// The sandbox's credentials: what its simulator accepts, and what the sandbox's environment
// variables hand to examples/. A file of their own, so that the sandbox names them without
// loading the simulator (which only `statusform sandbox`, the demo and tests start).

/** The sandbox's confidential OAuth client: its tokens carry whatever scope the grant asks for. */
export const ZENDESK_SANDBOX_CLIENT_ID = 'statusform_sandbox';
export const ZENDESK_SANDBOX_CLIENT_SECRET = 'zd_sandbox_client_secret_0000000000000000';
export const ZENDESK_SANDBOX_EMAIL = 'admin@sandbox.example';
export const ZENDESK_SANDBOX_API_TOKEN = 'zd_sandbox_api_token_000000000000000000';
/** A fixed OAuth access token with scope `read write`. */
export const ZENDESK_SANDBOX_OAUTH_TOKEN = 'zd_sandbox_oauth_token_00000000000000000';
/** A fixed OAuth access token with scope `read` only: every write is refused for the missing scope. */
export const ZENDESK_SANDBOX_READ_TOKEN = 'zd_sandbox_read_token_000000000000000000';
/** A verified user who is an agent, not an admin: reads allowed, writes 403 (D: writes are admins only). */
export const ZENDESK_SANDBOX_AGENT_EMAIL = 'agent@sandbox.example';
