// Saved plans merged for one comment: refused when they cannot describe one run.

import { describe, expect, it } from 'vitest';
import { mergeWirePlans, planFromWire } from '../../src/plan-file/merge.js';
import type { WirePlan } from '../../src/plan-file/wire.js';
import { renderPlanText } from '../../src/render/text.js';
import { expectWirePlan } from '../helpers.js';

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

  it("keeps a shard's unread account in the merged plan's first line and counts, also from a plan saved before 2.3", () => {
    const before23 = plan([], { format_version: '2.2', errors: [{ address: 'estate.statuses', message: 'cannot read live state: 401' }] });
    const merged = mergeWirePlans([
      { name: 'p1', plan: before23 },
      { name: 'p2', plan: plan(['nerds', 'salon']) },
    ]);
    expect(merged.summary).toMatchObject({ accounts: 3, errored_accounts: 1 });
    expect(merged.errors).toEqual([{ address: 'estate.statuses', account: 'estate', message: 'cannot read live state: 401' }]);
    expectWirePlan(JSON.stringify(merged), 'the merged plan');
    const text = renderPlanText(planFromWire(merged));
    expect(text.split('\n')[0]).toBe('Error: 1 of 3 accounts could not be planned (estate); the plan below is incomplete.');
    expect(text).not.toContain('No changes');
    expect(renderPlanText(planFromWire(before23)).split('\n')[0]).toBe(
      'Error: 1 of 1 account could not be planned (estate); the plan below is incomplete.',
    );
  });
});
