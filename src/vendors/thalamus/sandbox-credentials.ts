// The sandbox's credentials: what its simulator accepts, and what the sandbox's environment
// variables hand to examples/. A file of their own, so that the sandbox names them without
// loading the simulator (which only `statusform sandbox`, the demo and tests start).

export const THALAMUS_SANDBOX_TOKEN = 'nerds_test_sandbox0000000000000000';
