// The contract suite: per vendor, apply-then-plan-is-empty scenarios that run against the
// simulators in every `npm test` — and against a real account when its credentials are in the
// environment (STATUSFORM_LIVE_<VENDOR>_…; see docs/getting-started.md, "Before trusting a real account"). Live runs
// create, change and remove statuses named statusform-contract…; run them on a test account.
// Zendesk's run reuses one named status run after run (inactive rows count toward its limits).

import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigWithState } from '../../src/state/config-with-state.js';
import { applyPlan, loadState, makePlan } from '../../src/engine/manager.js';
import { checkGuards } from '../../src/engine/safety.js';
import { closeDefaultAgent } from '../../src/http/client.js';
import { sandboxEnv } from '../../src/sandbox/demo-data.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { adapterFor, vendorNames, type VendorName } from '../../src/vendors/registry.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import {
  ZENDESK_SANDBOX_CLIENT_ID,
  ZENDESK_SANDBOX_CLIENT_SECRET,
  startZendeskSimulator,
  type ZendeskStore,
} from '../../src/vendors/zendesk/simulator.js';
import { tempDir } from '../helpers.js';

type Vars = Record<string, string>;

interface Contract {
  vendor: VendorName;
  /** Environment variables a live run needs (after STATUSFORM_LIVE_<VENDOR>_). */
  live: string[];
  /** The sandbox's values for the same variables. */
  sandbox(s: Sandbox): Vars;
  /** The configs applied in turn; after each, plan must be empty. */
  steps(run: string): string[];
  /** Live rate limits are the vendor's; the sandbox ones are relaxed to keep the suite fast. */
  rate: string;
  /** The live base URL when STATUSFORM_LIVE_<VENDOR>_URL is not set and the vendor has no public default (from the live variables). */
  liveUrl?(vars: Vars): string;
  /** Runs against the sandbox: more than one when a run must leave what the next one reuses. */
  sandboxRuns?: number;
  /** What the sandbox must hold after its runs. */
  afterSandbox?(): void;
}

// Zendesk's simulator runs beside the sandbox, so its store can be checked after the runs.
let zendeskSim: RunningSimulator<ZendeskStore>;

const head = (account: string, body: string, rate: string) => `version: 1\naccounts:\n  ${account}:\n${rate}${body}`;

const contracts: Contract[] = [
  {
    vendor: 'thalamus',
    live: ['TOKEN'],
    sandbox: (s) => ({ URL: s.simulators.thalamus.url, TOKEN: sandboxEnv(s.simulators)['THALAMUS_TOKEN']! }),
    rate: '    rate_limit: { requests: 500, seconds: 1 }\n',
    steps: (run) => {
      const acc = (variants: string) =>
        `    vendor: thalamus\n    base_url: \${URL}\n    token: \${TOKEN}\n    prune: true\n    status_variants:${variants}`;
      return [
        acc(
          `\n      - { id: statusform-contract-${run}-a, label: Contract A, maps_to: open }\n` +
            `      - { id: statusform-contract-${run}-b, label: Contract B, maps_to: pending }\n`,
        ),
        acc(`\n      - { id: statusform-contract-${run}-a, label: Contract A renamed, maps_to: hold }\n`),
        acc(' []\n'),
      ];
    },
  },
  {
    vendor: 'propertydeck',
    live: ['URL', 'TOKEN'],
    sandbox: (s) => ({ URL: s.simulators.propertydeck.url, TOKEN: sandboxEnv(s.simulators)['PROPERTYDECK_TOKEN']! }),
    rate: '    rate_limit: { requests: 500, seconds: 1 }\n',
    steps: (run) => {
      const acc = (statuses: string) =>
        `    vendor: propertydeck\n    base_url: \${URL}\n    token: \${TOKEN}\n` +
        `    prune: true\n    allow_delete: true\n    statuses:${statuses}`;
      return [
        acc(`\n      - { label: statusform-contract-${run} A, type: contact, maps_to: open }\n`),
        acc(
          `\n      - { label: statusform-contract-${run} B, type: contact, maps_to: open, renamed_from: [statusform-contract-${run} A] }\n`,
        ),
        acc(' []\n'),
      ];
    },
  },
  {
    vendor: 'timetap',
    live: ['API_KEY', 'PRIVATE_KEY', 'BUSINESS_ID'],
    sandbox: (s) => {
      const e = sandboxEnv(s.simulators);
      return {
        URL: s.simulators.timetap.url,
        API_KEY: e['TIMETAP_API_KEY']!,
        PRIVATE_KEY: e['TIMETAP_PRIVATE_KEY']!,
        BUSINESS_ID: e['TIMETAP_BUSINESS_ID']!,
      };
    },
    rate: '    rate_limit: { requests: 500, seconds: 1 }\n',
    steps: (run) => {
      const acc = (statuses: string) =>
        `    vendor: timetap\n    base_url: \${URL}\n    api_key: \${API_KEY}\n    private_key: \${PRIVATE_KEY}\n` +
        `    business_id: \${BUSINESS_ID}\n    prune: true\n    statuses:${statuses}`;
      const sub = `STATUSFORM_CONTRACT_${run.toUpperCase()}`;
      return [
        acc(`\n      - { sub_status: ${sub}, status: OPEN, sort_order: 90, user_selectable: false, maps_to: open }\n`),
        acc(`\n      - { sub_status: ${sub}, status: OPEN, sort_order: 91, user_selectable: false, maps_to: open }\n`),
        acc(' []\n'),
      ];
    },
  },
  {
    vendor: 'serieshr',
    live: ['API_KEY', 'STAFF_USER_ID', 'TICKET'],
    sandbox: (s) => ({
      URL: s.simulators.serieshr.url,
      API_KEY: sandboxEnv(s.simulators)['SERIES_API_KEY']!,
      STAFF_USER_ID: '7',
      TICKET: 'CONTRACT-1',
    }),
    rate: '',
    steps: () => {
      const acc = (status: string) =>
        `    vendor: serieshr\n    base_url: \${URL}\n    api_key: \${API_KEY}\n` +
        `    staff_user_id: \${STAFF_USER_ID}\n` +
        '    mappings: { open: open, in-progress: open, resolved: solved, closed: closed }\n' +
        `    tickets:\n      - { id: "\${TICKET}", status: ${status} }\n`;
      return [acc('in-progress'), acc('open')];
    },
  },
  {
    vendor: 'spacebring',
    live: ['CLIENT_ID', 'CLIENT_SECRET', 'TICKET'],
    sandbox: (s) => {
      const e = sandboxEnv(s.simulators);
      return {
        URL: s.simulators.spacebring.url,
        CLIENT_ID: e['SPACEBRING_CLIENT_ID']!,
        CLIENT_SECRET: e['SPACEBRING_CLIENT_SECRET']!,
        TICKET: 'contract-1',
      };
    },
    rate: '',
    steps: () => {
      const acc = (status: string) =>
        `    vendor: spacebring\n    base_url: \${URL}\n    client_id: \${CLIENT_ID}\n` +
        `    client_secret: \${CLIENT_SECRET}\n    mappings: { new: new, inProgress: open, solved: solved, closed: closed }\n` +
        `    tickets:\n      - { id: "\${TICKET}", status: ${status} }\n`;
      return [acc('inProgress'), acc('new')];
    },
  },
  {
    vendor: 'zendesk',
    live: ['SUBDOMAIN', 'CLIENT_ID', 'CLIENT_SECRET'],
    sandbox: () => ({
      URL: zendeskSim.url,
      SUBDOMAIN: 'sandbox',
      CLIENT_ID: ZENDESK_SANDBOX_CLIENT_ID,
      CLIENT_SECRET: ZENDESK_SANDBOX_CLIENT_SECRET,
    }),
    liveUrl: (vars) => `https://${vars['SUBDOMAIN']}.zendesk.com`,
    rate: '    rate_limit: { requests: 500, seconds: 1 }\n',
    // One named status, whatever the run: the first run creates it; each later one reactivates the
    // row the last run retired under the same label, so no run adds a row.
    steps: () => {
      const acc = (statuses: string) =>
        `    vendor: zendesk\n    base_url: \${URL}\n    client_id: \${CLIENT_ID}\n` +
        `    client_secret: \${CLIENT_SECRET}\n    prune: true\n    statuses:${statuses}`;
      const status = (label: string, from: string) =>
        `\n      - { agent_label: ${label}, maps_to: pending, end_user_label: Contract, renamed_from: [${from}] }\n`;
      return [
        acc(status('statusform-contract', 'statusform-contract renamed')),
        acc(status('statusform-contract renamed', 'statusform-contract')),
        acc(status('statusform-contract', 'statusform-contract renamed')),
        acc(' []\n'),
      ];
    },
    sandboxRuns: 2,
    afterSandbox: () => {
      const rows = [...zendeskSim.store.statuses.values()].filter((s) => s.agent_label.startsWith('statusform-contract'));
      expect(rows.map((s) => [s.agent_label, s.active])).toEqual([['statusform-contract', false]]);
    },
  },
];

/** Applies each step and checks that a plan right after is empty. */
async function runContract(c: Contract, vars: Vars, live: boolean): Promise<void> {
  const dir = tempDir(`statusform-contract-${c.vendor}-`);
  const run = randomBytes(3).toString('hex');
  for (const body of c.steps(run)) {
    writeFileSync(join(dir, 'statusform.yaml'), head('contract', body, live ? '' : c.rate));
    const loaded = loadConfigWithState('.', { cwd: dir, env: vars });
    expect(loaded.problems).toEqual([]);
    const config = loaded.config!;
    const planned = await makePlan(config, await loadState(config));
    expect(planned.plan.errors).toEqual([]);
    checkGuards(planned.plan, { allowDestroy: true, allowBulk: true });
    const result = await applyPlan(config, await loadState(config), planned, { parallelism: 2 });
    expect(result.outcomes.filter((o) => o.status !== 'done')).toEqual([]);
    const after = await makePlan(config, await loadState(config));
    expect(after.plan.actions.map((a) => `${a.action} ${a.address}`)).toEqual([]);
  }
  await closeDefaultAgent();
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({
    seeds: { serieshr: [{ id: 'CONTRACT-1', status: 'open' }], spacebring: [{ id: 'contract-1', status: 'new' }] },
    rateLimits: { propertydeck: false },
  });
  zendeskSim = await startZendeskSimulator({ rateLimit: false });
});
afterAll(async () => {
  await sandbox.close();
  await zendeskSim.close();
});

const skippedLive = contracts.filter((c) => c.live.some((v) => !process.env[`STATUSFORM_LIVE_${c.vendor.toUpperCase()}_${v}`]));
if (skippedLive.length > 0) {
  console.log(
    `contract suite: live runs skipped for ${skippedLive.map((c) => c.vendor).join(', ')} ` +
      '(no STATUSFORM_LIVE_<VENDOR>_… credentials; see docs/getting-started.md, "Before trusting a real account")',
  );
}

it('has a contract for every vendor of the registry', () => {
  expect(contracts.map((c) => c.vendor)).toEqual(vendorNames);
});

describe.each(contracts)('contract: $vendor', (c) => {
  it('sandbox: every step applies and the plan after it is empty', async () => {
    for (let i = 0; i < (c.sandboxRuns ?? 1); i++) await runContract(c, c.sandbox(sandbox), false);
    c.afterSandbox?.();
  });

  const prefix = `STATUSFORM_LIVE_${c.vendor.toUpperCase()}_`;
  const missing = c.live.filter((v) => !process.env[prefix + v]);
  const title =
    missing.length === 0
      ? 'live account: every step applies and the plan after it is empty'
      : `live account: skipped — set ${missing.map((v) => prefix + v).join(', ')} to run`;
  it.skipIf(missing.length > 0)(
    title,
    async () => {
      const vars: Vars = {};
      for (const v of c.live) vars[v] = process.env[prefix + v]!;
      vars['URL'] = process.env[`${prefix}URL`] ?? c.liveUrl?.(vars) ?? adapterFor(c.vendor)!.defaultBaseUrl!;
      await runContract(c, vars, true);
    },
    300_000,
  );
});
