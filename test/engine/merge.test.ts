// Saved plans merged for one comment: refused when they cannot describe one run.

import { describe, expect, it } from 'vitest';
import { mergeWirePlans, planFromWire } from '../../src/engine/merge.js';
import type { WirePlan } from '../../src/engine/wire.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
function plan(accounts: string[], extra: Partial<WirePlan> = {}): WirePlan {
  return {
    format_version: '2.1',
    config_digest: DIGEST,
    state: { accounts: Object.fromEntries(accounts.map((name) => [name, { lineage: 'L', serial: 3 }])) },
    options: { accounts: [], refresh_all: false },
    accounts: accounts.map((name) => ({ name, vendor: 'propertydeck', collection: 'statuses', read: 'list', live_digest: DIGEST })),
    actions: [],
    notes: [],
    errors: [],
    rules: [],
    thresholds: [],
    summary: { create: 0, update: 0, deactivate: 0, reactivate: 0, delete: 0, transition: 0, blocked: 0 },
    ...extra,
  };
}

describe('merging saved plans', () => {
  it('orders accounts by name whatever the order of the files', () => {
    const m = mergeWirePlans([
      { name: 'b', plan: plan(['zeta', 'alpha']) },
      { name: 'a', plan: plan(['mid']) },
    ]);
    expect(m.accounts.map((a) => a.name)).toEqual(['alpha', 'mid', 'zeta']);
  });

  it("refuses plans that disagree on an account's state, and merges the per-account states of disjoint shards", () => {
    const a = plan(['a'], { state: { accounts: { a: { lineage: 'L', serial: 3 }, shared: { lineage: 'L', serial: 3 } } } });
    const other = plan(['b'], { state: { accounts: { b: { lineage: 'M', serial: 1 }, shared: { lineage: 'L', serial: 4 } } } });
    expect(() =>
      mergeWirePlans([
        { name: 'p1', plan: a },
        { name: 'p2', plan: other },
      ]),
    ).toThrow(/p2 was made from another state than p1 \(accounts\.shared\.serial: 3 ≠ 4\)/);
    const b = plan(['b'], { state: { accounts: { b: { lineage: 'M', serial: 1 } } } });
    expect(
      mergeWirePlans([
        { name: 'p1', plan: plan(['a']) },
        { name: 'p2', plan: b },
      ]).state,
    ).toEqual({ accounts: { a: { lineage: 'L', serial: 3 }, b: { lineage: 'M', serial: 1 } } });
  });

  it('counts an account whose read failed as covered by its plan', () => {
    const failed = plan([], { errors: [{ address: 'a.statuses', message: 'cannot read live state: boom' }] });
    expect(() =>
      mergeWirePlans([
        { name: 'p1', plan: plan(['a']) },
        { name: 'p2', plan: failed },
      ]),
    ).toThrow(/account a is in both p1 and p2/);
    expect(planFromWire(failed).errors).toEqual([{ address: 'a.statuses', message: 'cannot read live state: boom', unread: true }]);
  });
});
