// makePlan diffs each account as its read arrives: the plan still lists accounts in the
// configuration's order, an unreadable account is an error of its own, and a diff that throws (a
// fault of statusform's, played here by a stand-in for the diff) fails the plan once every read
// has settled, with no rejection left unhandled. The reads are real, against the simulators.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfigWithState } from '../../src/state/config-with-state.js';
import { loadState, makePlan } from '../../src/engine/manager.js';
import { closeDefaultAgent } from '../../src/http/client.js';
import { world, type World } from '../e2e/fixtures.js';

const diffs = vi.hoisted(() => ({ order: [] as string[], failing: undefined as string | undefined }));
vi.mock('../../src/engine/diff/diff-account.js', async (original) => {
  const real = await original<typeof import('../../src/engine/diff/diff-account.js')>();
  return {
    ...real,
    diffAccount: (...args: Parameters<typeof real.diffAccount>) => {
      diffs.order.push(args[0].name);
      if (args[0].name === diffs.failing) throw new Error(`a fault while diffing ${args[0].name}`);
      return real.diffAccount(...args);
    },
  };
});

const config = `version: 1
accounts:
  estate:
    vendor: propertydeck
    base_url: \${PROPERTYDECK_URL}
    token: \${PROPERTYDECK_TOKEN}
    statuses:
      - { label: "X", type: property, maps_to: open }
  dead:
    vendor: propertydeck
    base_url: http://127.0.0.1:9
    token: \${PROPERTYDECK_TOKEN}
    statuses:
      - { label: "Y", type: property, maps_to: open }
  nerds:
    vendor: thalamus
    base_url: \${THALAMUS_URL}
    token: \${THALAMUS_TOKEN}
    status_variants:
      - { id: a, label: A, maps_to: pending }
`;

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  await closeDefaultAgent();
  w = undefined;
  diffs.order = [];
  diffs.failing = undefined;
});

async function planOf(): Promise<ReturnType<typeof makePlan>> {
  w = await world(config);
  const { config: c } = loadConfigWithState(w.dir, { cwd: w.dir, env: w.env });
  return makePlan(c!, await loadState(c!), { retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
}

describe('a plan made as reads arrive', () => {
  it("lists accounts in the configuration's order, and an unreadable one as an error of its own", async () => {
    const { plan } = await planOf();
    expect(plan.accounts.map((a) => a.name)).toEqual(['estate', 'nerds']);
    expect(plan.errors.map((e) => [e.address, e.unread])).toEqual([['dead.statuses', true]]);
    expect([...diffs.order].sort()).toEqual(['estate', 'nerds']); // never a diff of a read that failed
  });

  it('fails as a whole when a diff throws, after every read has settled, leaving no rejection unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      diffs.failing = 'estate';
      await expect(planOf()).rejects.toThrow('a fault while diffing estate');
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
      expect(diffs.order).toContain('nerds'); // the other accounts' reads were not abandoned mid-flight
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
