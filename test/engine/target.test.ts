// --target as a pure filter over a plan: what a target names, what it pulls in, and what it leaves out.

import { describe, expect, it } from 'vitest';
import { matchesAddress, parseAddress } from '../../src/address.js';
import { nearestFew as nearest } from '../../src/suggest.js';
import { summarise, type Plan, type PlanAction } from '../../src/engine/plan.js';
import { targetPlan } from '../../src/engine/target.js';

const addr = (key: string) => `salon.statuses[${JSON.stringify(key)}]`;
function action(key: string, kind: PlanAction['action'], deps: string[] = [], extra: Partial<PlanAction> = {}): PlanAction {
  return {
    address: addr(key),
    account: 'salon',
    collection: 'statuses',
    key,
    action: kind,
    id: null,
    before: null,
    after: {},
    changes: [],
    depends_on: deps.map(addr),
    destructive: false,
    reason: 'config',
    phase: kind === 'create' ? 1 : kind === 'update' ? 2 : 3,
    ...extra,
  };
}
function plan(actions: PlanAction[]): Plan {
  return {
    config_digest: 'sha256:0',
    state: { accounts: {} },
    options: { accounts: [], refresh_all: false },
    accounts: [
      {
        name: 'salon',
        vendor: 'timetap',
        collection: 'statuses',
        read: 'list',
        live_digest: 'sha256:0',
        adopt: [
          { address: addr('KEPT'), key: 'KEPT', id: 1, fields: {} },
          { address: addr('OTHER'), key: 'OTHER', id: 2, fields: {} },
        ],
        forget: ['GONE'],
        owned: 0,
        safety: { max_update_percent: 30, max_delete_percent: 30, min_owned: 10 },
      },
    ],
    actions,
    notes: [
      { address: addr('STRANGER'), kind: 'unmanaged', message: 'x' },
      { address: 'salon.statuses', kind: 'warning', message: 'about the account' },
    ],
    errors: [],
    rules: [],
    thresholds: [],
    summary: summarise(actions),
  };
}

describe('addresses and patterns', () => {
  it('match exactly, with * for any characters, or a whole account or collection', () => {
    expect(matchesAddress('estate.statuses["contact:*"]', 'estate.statuses["contact:Hot Lead"]')).toBe(true);
    expect(matchesAddress('estate.statuses["contact:*"]', 'estate.statuses["property:Sold"]')).toBe(false);
    expect(matchesAddress('estate', 'estate.statuses["property:Sold"]')).toBe(true);
    expect(matchesAddress('estate', 'estates.statuses["property:Sold"]')).toBe(false);
    expect(matchesAddress('est*', 'estates.statuses["x"]')).toBe(true);
    expect(matchesAddress('estate.statuses["a.b"]', 'estate.statuses["aXb"]')).toBe(false); // a dot is a dot
    expect(parseAddress('estate.statuses["contact:A \\"quoted\\""]')).toEqual({
      account: 'estate',
      collection: 'statuses',
      key: 'contact:A "quoted"',
    });
    expect(parseAddress('estate.statuses[contact:A]')).toBeUndefined();
    expect(nearest('salon.statuses["LATE"]', [addr('OPEN'), addr('LATER'), addr('CLOSED')], 1)).toEqual([addr('LATER')]);
  });
});

describe('targetPlan', () => {
  const full = plan([
    action('CHECKEDIN', 'create'),
    action('LATE', 'create', ['CHECKEDIN']),
    action('OPEN', 'create'),
    action('A', 'update', [], { via: { sort_order: 9 } }),
    action('B', 'update', [], { via: { sort_order: 10 } }),
  ]);

  it('keeps the target and, transitively, what it depends on, marked with the target it is there for', () => {
    const t = targetPlan(full, [addr('LATE')], []);
    expect(t.actions.map((a) => [a.key, a.dependency_of])).toEqual([
      ['CHECKEDIN', [addr('LATE')]],
      ['LATE', undefined],
    ]);
    expect(t.summary.create).toBe(2);
    expect(t.options.targets).toEqual([addr('LATE')]);
  });

  it('keeps staged updates of a unique field together: their temporary values were chosen for all of them', () => {
    expect(targetPlan(full, [addr('A')], []).actions.map((a) => [a.key, a.dependency_of])).toEqual([
      ['A', undefined],
      ['B', [addr('A')]],
    ]);
  });

  it('keeps notes, adoptions and forgets only for what it keeps (and notes about the whole account)', () => {
    const t = targetPlan(full, [addr('KEPT')], [addr('KEPT'), addr('OTHER')]);
    expect(t.actions).toEqual([]);
    expect(t.accounts[0]!.adopt.map((a) => a.key)).toEqual(['KEPT']);
    expect(t.summary.adopt).toBe(1); // counted, so the targeted plan says it adopts
    expect(t.accounts[0]!.forget).toEqual([]);
    expect(t.notes.map((n) => n.address)).toEqual(['salon.statuses']);
  });

  it('refuses a target that names nothing the plan knows, naming the nearest', () => {
    expect(() => targetPlan(full, [addr('LAT')], [addr('KEPT')])).toThrow(
      `--target ${addr('LAT')} matches no address in the plan; the nearest: ${addr('LATE')}`,
    );
  });
});
