// Under 5xx, resets, 429s and timeouts — before and after the vendor processed the request —
// apply converges within three runs, and the simulators' own records show no duplicate, no
// lost status and no write to anything statusform does not own.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigWithState } from '../../src/state/config-with-state.js';
import { applyPlan, loadState, makePlan } from '../../src/engine/manager.js';
import { closeDefaultAgent } from '../../src/http/client.js';
import { sandboxEnv } from '../../src/sandbox/demo-data.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import type { FaultOptions, RecordedRequest, RunningSimulator } from '../../src/simulator/server.js';
import {
  ZENDESK_SANDBOX_CLIENT_ID,
  ZENDESK_SANDBOX_CLIENT_SECRET,
  startZendeskSimulator,
  type ZendeskStore,
} from '../../src/vendors/zendesk/simulator.js';
import { THALAMUS_SANDBOX_TOKEN } from '../../src/vendors/thalamus/simulator.js';
import { fakeClock, tempDir } from '../helpers.js';

const FAULTS: FaultOptions = {
  errorRate: 0.1,
  errorAfterProcessRate: 0.1,
  resetRate: 0.05,
  resetAfterProcessRate: 0.05,
  hangAfterProcessRate: 0.03,
  rateLimitRate: 0.02,
};
const NO_LIMITS = { thalamus: false, propertydeck: false, timetap: false, serieshr: false, spacebring: false } as const;
const FAST = '    rate_limit: { requests: 1000, seconds: 1 }\n';
/** Set STATUSFORM_FAULT_SEED to explore other fault sequences. */
const SEED_OFFSET = Number(process.env['STATUSFORM_FAULT_SEED'] ?? 0);

let sandbox: Sandbox | undefined;
let zendesk: RunningSimulator<ZendeskStore> | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  await zendesk?.close();
  zendesk = undefined;
  await closeDefaultAgent();
});

/** Applies until the plan is empty, at most three times; returns how many applies it took. */
async function converge(yaml: string, seed: number, own?: { sims: { faults: FaultOptions }[]; env: NodeJS.ProcessEnv }): Promise<number> {
  const dir = tempDir('statusform-faults-');
  writeFileSync(join(dir, 'statusform.yaml'), yaml);
  const sims = own?.sims ?? Object.values(sandbox!.simulators);
  const config = loadConfigWithState('.', { cwd: dir, env: own?.env ?? sandboxEnv(sandbox!.simulators) }).config!;
  for (const sim of sims) sim.faults = { ...FAULTS, seed: seed + SEED_OFFSET };
  // Short enough that a hung request costs little, long enough for a loaded CI runner to answer the rest.
  // The waits a 429 asks for (Retry-After: 1) and the backoff pass on an injected clock, never slept
  // through; it starts at the real time, as session tokens carry timestamps the simulators check.
  const clock = fakeClock(Date.now());
  const run = { timeoutMs: 1000, retry: { attempts: 6, baseDelayMs: 5, maxDelayMs: 40 }, clock };
  let applies = 0;
  for (; applies < 3; applies++) {
    const planned = await makePlan(config, await loadState(config), run).catch(() => undefined); // a read may exhaust its retries: try again
    if (planned && planned.plan.actions.length === 0) break;
    if (planned) await applyPlan(config, await loadState(config), planned, { parallelism: 4 });
  }
  for (const sim of sims) sim.faults = {};
  const final = await makePlan(config, await loadState(config), run);
  expect(final.plan.actions.map((a) => a.address)).toEqual([]);
  return applies;
}

const faulted = (s: Sandbox) =>
  Object.values(s.simulators).flatMap((sim: { requests: RecordedRequest[] }) =>
    sim.requests.filter((r) => r.faulted).map((r) => r.faulted),
  );

describe('apply under injected faults', () => {
  it('Thalamus: upserts retried safely, nothing duplicated', async () => {
    sandbox = await startSandbox({ rateLimits: NO_LIMITS });
    const variants = Array.from({ length: 12 }, (_, i) => `      - { id: v${i}, label: "V ${i}", maps_to: open }\n`).join('');
    const runs = await converge(
      `version: 1\naccounts:\n  nerds:\n    vendor: thalamus\n    base_url: \${THALAMUS_URL}\n` +
        `    token: \${THALAMUS_TOKEN}\n${FAST}    status_variants:\n${variants}`,
      11,
    );
    expect(runs).toBeLessThanOrEqual(3);
    expect(sandbox.simulators.thalamus.store.variants.get(THALAMUS_SANDBOX_TOKEN)!.size).toBe(12);
    expect(faulted(sandbox).length).toBeGreaterThan(0);
  });

  it('Property Deck: no duplicate create, the unmanaged status untouched', async () => {
    sandbox = await startSandbox({
      rateLimits: NO_LIMITS,
      seeds: { propertydeck: { statuses: [{ label: 'Keep Out', type: 'contact', uuid: 'unmanaged-1' }] } },
    });
    const statuses = Array.from({ length: 12 }, (_, i) => `      - { label: "P ${i}", type: property, maps_to: open }\n`).join('');
    const runs = await converge(
      `version: 1\naccounts:\n  estate:\n    vendor: propertydeck\n    base_url: \${PROPERTYDECK_URL}\n` +
        `    token: \${PROPERTYDECK_TOKEN}\n${FAST}    statuses:\n${statuses}`,
      12,
    );
    expect(runs).toBeLessThanOrEqual(3);
    const sim = sandbox.simulators.propertydeck;
    expect([...sim.store.creates.values()]).toEqual(Array(12).fill(1));
    expect(sim.store.statuses.get('unmanaged-1')?.label).toBe('Keep Out');
    expect(sim.requests.filter((r) => r.path.includes('unmanaged-1') && r.method !== 'GET')).toEqual([]);
  });

  it('TimeTap: no duplicate row, shared defaults never written', async () => {
    sandbox = await startSandbox({ rateLimits: NO_LIMITS });
    const subs = ['OPEN', 'CONFIRMED', 'CHECKEDIN', 'RUNNING_LATE', 'COMPLETED', 'NO_SHOW', 'CANCELLED', 'LATE_CANCEL'];
    const statuses = subs.map((s, i) => `      - { sub_status: ${s}, status: OPEN, sort_order: ${i + 1}, maps_to: open }\n`).join('');
    const runs = await converge(
      `version: 1\naccounts:\n  salon:\n    vendor: timetap\n    base_url: \${TIMETAP_URL}\n    api_key: \${TIMETAP_API_KEY}\n` +
        `    private_key: \${TIMETAP_PRIVATE_KEY}\n    business_id: \${TIMETAP_BUSINESS_ID}\n${FAST}    statuses:\n${statuses}`,
      13,
    );
    expect(runs).toBeLessThanOrEqual(3);
    const sim = sandbox.simulators.timetap;
    expect([...sim.store.creates.values()]).toEqual(Array(subs.length).fill(1));
    expect(sim.store.shared.every((r) => r.modifiedUser === null)).toBe(true);
  });

  it('Zendesk: no duplicate create, built-in, default and unmanaged statuses never written', async () => {
    // Its simulator runs on its own, On-hold on; the OAuth grant meets the same faults as every request.
    zendesk = await startZendeskSimulator({
      rateLimit: false,
      seed: {
        hold: true,
        statuses: [
          { agent_label: 'Keep Out', status_category: 'hold', id: 77 },
          { agent_label: 'Retire me', status_category: 'open', id: 78 },
        ],
      },
    });
    const statuses = Array.from(
      { length: 12 },
      (_, i) => `      - { agent_label: "Z ${i}", maps_to: ${['open', 'pending', 'hold', 'solved'][i % 4]} }\n`,
    ).join('');
    const env = {
      ZENDESK_URL: zendesk.url,
      ZENDESK_CLIENT_ID: ZENDESK_SANDBOX_CLIENT_ID,
      ZENDESK_CLIENT_SECRET: ZENDESK_SANDBOX_CLIENT_SECRET,
    };
    const head =
      `version: 1\naccounts:\n  support:\n    vendor: zendesk\n    base_url: \${ZENDESK_URL}\n` +
      `    client_id: \${ZENDESK_CLIENT_ID}\n    client_secret: \${ZENDESK_CLIENT_SECRET}\n    prune: true\n${FAST}    statuses:\n`;
    const runs = await converge(`${head}${statuses}`, 16, { sims: [zendesk], env });
    expect(runs).toBeLessThanOrEqual(3);
    const store = zendesk.store;
    expect([...store.creates.values()]).toEqual(Array(12).fill(1));
    expect(store.statuses.get(77)).toMatchObject({ agent_label: 'Keep Out', active: true });
    const writes = zendesk.requests.filter((r) => r.method !== 'GET' && r.path.startsWith('/api/'));
    expect(writes.filter((r) => /\/(1[0-4]|77|78)$/.test(r.path))).toEqual([]);
    expect(zendesk.requests.filter((r) => r.faulted).length).toBeGreaterThan(0);
  });

  it('series.hr: every ticket reaches its status with one system message per real change', async () => {
    const seed = Array.from({ length: 10 }, (_, i) => ({ id: `T-${i}`, status: 'open' }));
    sandbox = await startSandbox({ rateLimits: NO_LIMITS, seeds: { serieshr: seed } });
    const tickets = seed.map((t) => `      - { id: ${t.id}, status: resolved }\n`).join('');
    const runs = await converge(
      `version: 1\naccounts:\n  desk:\n    vendor: serieshr\n    base_url: \${SERIES_URL}\n` +
        `    api_key: \${SERIES_API_KEY}\n    staff_user_id: 1\n` +
        `${FAST}    mappings: { open: open, in-progress: open, resolved: solved, closed: closed }\n    tickets:\n${tickets}`,
      14,
    );
    expect(runs).toBeLessThanOrEqual(3);
    for (const t of sandbox.simulators.serieshr.store.tickets.values()) {
      expect(t.Status).toBe('resolved');
      expect(t.messages).toHaveLength(1);
    }
  });

  it('Spacebring: every ticket reaches its status', async () => {
    const seed = Array.from({ length: 10 }, (_, i) => ({ id: `sb-${i}`, status: 'new' }));
    sandbox = await startSandbox({ rateLimits: NO_LIMITS, seeds: { spacebring: seed } });
    const tickets = seed.map((t) => `      - { id: ${t.id}, status: solved }\n`).join('');
    const runs = await converge(
      `version: 1\naccounts:\n  cow:\n    vendor: spacebring\n    base_url: \${SPACEBRING_URL}\n` +
        `    client_id: \${SPACEBRING_CLIENT_ID}\n    client_secret: \${SPACEBRING_CLIENT_SECRET}\n` +
        `${FAST}    mappings: { new: new, inProgress: open, solved: solved, closed: closed }\n    tickets:\n${tickets}`,
      15,
    );
    expect(runs).toBeLessThanOrEqual(3);
    for (const t of sandbox.simulators.spacebring.store.tickets.values()) {
      expect(t.status).toBe('solved');
      expect(t.activities).toHaveLength(1);
    }
  });
});
