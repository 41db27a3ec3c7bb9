// makePlan diffs each account as its read arrives: an account whose read is slow holds up no
// other's diff; the plan still lists accounts in the configuration's order, an unreadable account
// is an error of its own, and a diff that throws (a fault of statusform's, played here by a
// stand-in for the diff that calls the real one) fails the plan once every read has settled, with
// no rejection left unhandled. The reads are real, against the simulators.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfigWithState } from '../../src/state/config-with-state.js';
import { loadState, makePlan } from '../../src/engine/manager.js';
import { closeDefaultAgent } from '../../src/http/client.js';
import { world, type World } from '../e2e/fixtures.js';
import { hostile, type HostileVendor } from '../hostile/proxy.js';

const diffs = vi.hoisted(() => ({
  order: [] as string[],
  failing: undefined as string | undefined,
  /** Called as each account's diff starts. */
  onDiff: undefined as ((account: string) => void) | undefined,
}));
vi.mock('../../src/engine/diff/diff-account.js', async (original) => {
  const real = await original<typeof import('../../src/engine/diff/diff-account.js')>();
  return {
    ...real,
    diffAccount: (...args: Parameters<typeof real.diffAccount>) => {
      diffs.order.push(args[0].name);
      diffs.onDiff?.(args[0].name);
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
let slow: HostileVendor | undefined;
afterEach(async () => {
  await slow?.close();
  await w?.close();
  await closeDefaultAgent();
  w = undefined;
  slow = undefined;
  diffs.order = [];
  diffs.failing = undefined;
  diffs.onDiff = undefined;
});

async function planOf(before?: (w: World) => Promise<void>): Promise<ReturnType<typeof makePlan>> {
  w = await world(config);
  await before?.(w);
  const { config: c } = loadConfigWithState(w.dir, { cwd: w.dir, env: w.env });
  return makePlan(c!, await loadState(c!), { retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
}

describe('a plan made as reads arrive', () => {
  it("diffs an account whose read has arrived while another's read is still held at the vendor", async () => {
    // estate's read is held until nerds is diffed: a plan that waited for every read first would
    // never release it, and only the guard would (a hang guard, not a measure).
    let releasedBy: 'the diff of nerds' | 'the guard' | undefined;
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const releaseBy = (who: NonNullable<typeof releasedBy>) => {
      releasedBy ??= who;
      release();
    };
    diffs.onDiff = (account) => {
      if (account === 'nerds') releaseBy('the diff of nerds');
    };
    const guard = setTimeout(() => releaseBy('the guard'), 15_000);
    try {
      const { plan } = await planOf(async (world) => {
        slow = await hostile(world.env['PROPERTYDECK_URL']!, async () => {
          await held;
          return undefined;
        });
        world.env['PROPERTYDECK_URL'] = slow.url;
      });
      expect(releasedBy).toBe('the diff of nerds');
      expect(diffs.order).toEqual(['nerds', 'estate']);
      expect(plan.accounts.map((a) => a.name)).toEqual(['estate', 'nerds']);
    } finally {
      clearTimeout(guard);
    }
  }, 30_000);

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
