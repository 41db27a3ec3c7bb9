// Running simulators plus a config tree pointing at them, for end-to-end tests of the CLI.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { sandboxEnv } from '../../src/sandbox/demo-data.js';
import { cli, tree, type CliRun } from '../helpers.js';

export interface World {
  sandbox: Sandbox;
  dir: string;
  env: NodeJS.ProcessEnv;
  run(...args: string[]): Promise<CliRun>;
  state(): { serial: number; lineage: string; accounts: Record<string, { items: Record<string, { id: unknown; active: boolean; fields: Record<string, unknown> }> }> };
  close(): Promise<void>;
}

export async function world(config: string, opts: SandboxOptions = {}, files: Record<string, string> = {}): Promise<World> {
  const sandbox = await startSandbox(opts);
  const dir = tree({ 'statusform.yaml': config, ...files });
  const env = { ...sandboxEnv(sandbox.simulators) };
  return {
    sandbox,
    dir,
    env,
    run: (...args) => cli(args, { cwd: dir, env }),
    state: () => JSON.parse(readFileSync(join(dir, 'statusform.state.json'), 'utf8')),
    close: () => sandbox.close(),
  };
}

export const PD_ACCOUNT = (statuses: string, extra = '') => `version: 1
accounts:
  estate:
    vendor: propertydeck
    base_url: \${PROPERTYDECK_URL}
    token: \${PROPERTYDECK_TOKEN}
${extra}    statuses:
${statuses}`;

export const TH_ACCOUNT = (variants: string, extra = '') => `version: 1
accounts:
  nerds:
    vendor: thalamus
    base_url: \${THALAMUS_URL}
    token: \${THALAMUS_TOKEN}
${extra}    status_variants:
${variants}`;

export const TT_ACCOUNT = (statuses: string, extra = '') => `version: 1
accounts:
  salon:
    vendor: timetap
    base_url: \${TIMETAP_URL}
    api_key: \${TIMETAP_API_KEY}
    private_key: \${TIMETAP_PRIVATE_KEY}
    business_id: \${TIMETAP_BUSINESS_ID}
    rate_limit: { requests: 200, seconds: 1 }
${extra}    statuses:
${statuses}`;

export const SERIES_ACCOUNT = (tickets: string, extra = '') => `version: 1
accounts:
  helpdesk:
    vendor: serieshr
    base_url: \${SERIES_URL}
    api_key: \${SERIES_API_KEY}
    staff_user_id: 987654321
    mappings: { open: open, in-progress: open, resolved: solved, closed: closed }
${extra}    tickets:
${tickets}`;

export const SPACEBRING_ACCOUNT = (tickets: string, auth = '    client_id: ${SPACEBRING_CLIENT_ID}\n    client_secret: ${SPACEBRING_CLIENT_SECRET}\n') => `version: 1
accounts:
  coworking:
    vendor: spacebring
    base_url: \${SPACEBRING_URL}
${auth}    mappings: { new: new, inProgress: open, solved: solved, closed: closed }
    tickets:
${tickets}`;
