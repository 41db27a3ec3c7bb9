// Running simulators plus a config tree pointing at them, for end-to-end tests of the CLI.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { expect } from 'vitest';
import { join } from 'node:path';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { sandboxEnv } from '../../src/sandbox/demo-data.js';
import { cli, tree, type CliRun } from '../helpers.js';

export interface World {
  sandbox: Sandbox;
  dir: string;
  env: NodeJS.ProcessEnv;
  run(...args: string[]): Promise<CliRun>;
  /**
   * The state as one object, whatever its layout: the directory's accounts merged (the serial is the highest, the
   * lineage the first account's).
   */
  state(): {
    serial: number;
    lineage: string;
    accounts: Record<string, { items: Record<string, { id: unknown; active: boolean; fields: Record<string, unknown> }> }>;
  };
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
    state: () => readStateOf(dir),
    close: () => sandbox.close(),
  };
}

/** The state beside the config: the state directory's account files merged, or the single state file. */
export function readStateOf(dir: string): ReturnType<World['state']> {
  const stateDir = join(dir, 'statusform.state');
  if (!existsSync(stateDir)) return JSON.parse(readFileSync(join(dir, 'statusform.state.json'), 'utf8'));
  const files = readdirSync(stateDir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const parts = files.map((f) => JSON.parse(readFileSync(join(stateDir, f), 'utf8')) as ReturnType<World['state']>);
  return {
    lineage: parts[0]?.lineage ?? '',
    serial: Math.max(0, ...parts.map((p) => p.serial)),
    accounts: Object.assign({}, ...parts.map((p) => p.accounts)),
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

export const SPACEBRING_ACCOUNT = (
  tickets: string,
  auth = '    client_id: ${SPACEBRING_CLIENT_ID}\n    client_secret: ${SPACEBRING_CLIENT_SECRET}\n',
) => `version: 1
accounts:
  coworking:
    vendor: spacebring
    base_url: \${SPACEBRING_URL}
${auth}    mappings: { new: new, inProgress: open, solved: solved, closed: closed }
    tickets:
${tickets}`;

/**
 * Whether a run was paced: at most a tenth of its requests refused with 429 (and at most 2 when
 * it made fewer than 20). The client spaces its requests 3% under the limit, so on an idle
 * machine the vendor never refuses one (the benchmarks measure 0 of 1,000). But these simulators
 * share a loaded 2-core CI runner with the tests: when their process stalls for 30 ms or more,
 * requests that arrived evenly are read in a burst, and a window sees a few too many (a real
 * network's jitter does the same, more mildly). An unpaced client at the same parallelism gets
 * most of the requests past the first window refused, so this bound still tells pacing from none.
 */
export function expectPaced(requests: readonly { status: number }[]): void {
  const refused = requests.filter((q) => q.status === 429).length;
  expect(refused, `${refused} of ${requests.length} requests answered 429`).toBeLessThanOrEqual(
    Math.max(2, Math.floor(requests.length / 10)),
  );
}

/** How long the vendor saw a run's requests arrive over, first to last, ms: pacing spreads them, whatever else the run does. */
export function arrivalSpanMs(requests: readonly { at: number }[]): number {
  if (requests.length === 0) return 0;
  return Math.max(...requests.map((q) => q.at)) - Math.min(...requests.map((q) => q.at));
}
