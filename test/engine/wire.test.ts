// The plan's wire format: its own type, a generated schema kept current, and the digests a saved
// plan's staleness check compares — the wire actions, never the engine's internals.

import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { diffAccount } from '../../src/engine/diff/diff-account.js';
import { planFromWire } from '../../src/plan-file/merge.js';
import { summarise, type Plan } from '../../src/engine/plan.js';
import { staleAgainst, staleReasons } from '../../src/plan-file/saved-plan.js';
import { WIRE_FORMAT_VERSION, actionDigest, toWire, wireText, type WirePlan } from '../../src/plan-file/wire.js';
import { planSchemaText } from '../../scripts/plan-schema.js';
import { buildPlanSchema } from '../../src/plan-file/wire-schema.js';
import type { AccountConfig, DesiredItem, LiveItem } from '../../src/model.js';
import { timetap } from '../../src/vendors/timetap/adapter.js';
import { expectWirePlan } from '../helpers.js';

const pos = { file: 'statusform.yaml', line: 1, col: 1 };
const item = (key: string, sort: number): DesiredItem => ({
  key,
  fields: { status: 'OPEN', sort_order: sort },
  dependsOn: [],
  renamedFrom: [],
  position: pos,
});
const row = (key: string, sort: number, id: number): LiveItem => ({
  key,
  id,
  fields: { status: 'OPEN', sort_order: sort, user_selectable: true, vendor_depends_on: null },
  active: true,
});

/** A TimeTap swap of two sort orders (staged through a temporary `via`), beside an unmanaged row at `other`. */
function swapPlan(other: number): Plan {
  const acc: AccountConfig = {
    name: 'salon',
    vendor: 'timetap',
    baseUrl: 'https://x',
    rateLimit: { requests: 1, seconds: 1 },
    prune: false,
    safety: { max_update_percent: 30, max_delete_percent: 30, min_owned: 10 },
    settings: {},
    items: [item('OPEN', 2), item('LATE', 1)],
    position: pos,
  };
  const owned = {
    OPEN: { id: 1, active: true, fields: { status: 'OPEN', sort_order: 1 } },
    LATE: { id: 2, active: true, fields: { status: 'OPEN', sort_order: 2 } },
  };
  const d = diffAccount(
    acc,
    timetap,
    { items: [row('OPEN', 1, 1), row('LATE', 2, 2), row('OTHER', other, 3)], warnings: [], errors: [] },
    owned,
  );
  return {
    config_digest: `sha256:${'0'.repeat(64)}`,
    state: { accounts: { estate: { lineage: 'l', serial: 4 } } },
    options: { accounts: [], refresh_all: false },
    accounts: [d.account],
    actions: d.actions,
    notes: d.notes,
    errors: [],
    rules: [],
    thresholds: [],
    summary: summarise(d.actions),
  };
}

describe('the plan on the wire', () => {
  it('schemas/plan.schema.json is what src/plan-file/wire-schema.ts builds (run `npm run schema` after changing it)', () => {
    expect(readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8')).toBe(planSchemaText());
  });

  it('compiles in ajv strict mode, in its strict (published) and open (reader) forms', () => {
    for (const strict of [true, false])
      expect(() => new Ajv({ strict: true, allowUnionTypes: true }).compile(buildPlanSchema({ strict }))).not.toThrow();
  });

  it('carries the public fields and none of the engine internals', () => {
    const plan = swapPlan(9);
    expect(plan.actions.every((a) => a.via !== undefined && a.phase === 2)).toBe(true); // the internals are there in memory
    const wire = expectWirePlan(wireText(plan), 'the swap plan') as WirePlan;
    expect(wire.format_version).toBe(WIRE_FORMAT_VERSION);
    expect(wire.actions.map((a) => Object.keys(a).sort())).toEqual(
      plan.actions.map(() =>
        [
          'account',
          'action',
          'address',
          'after',
          'before',
          'changes',
          'collection',
          'depends_on',
          'destructive',
          'key',
          'reason',
          'vendor_id',
        ].sort(),
      ),
    );
    expect(wire.accounts).toEqual([
      { name: 'salon', vendor: 'timetap', collection: 'statuses', read: 'list', live_digest: plan.accounts[0]!.live_digest },
    ]);
    expect(wire.actions[0]!.changes).toEqual([{ field: 'sort_order', before: 1, after: 2 }]);
  });

  it('is refused by the published schema with an internal field in it, or the in-memory plan as it is', () => {
    const plan = swapPlan(9);
    const wire = toWire(plan);
    const leaked = { ...wire, actions: wire.actions.map((a) => ({ ...a, phase: 2 })) };
    expect(() => expectWirePlan(JSON.stringify(leaked), 'a leak')).toThrow(
      /\/actions\/0 must NOT have additional properties \{"additionalProperty":"phase"\}/,
    );
    expect(() => expectWirePlan(JSON.stringify({ format_version: WIRE_FORMAT_VERSION, ...plan }), 'the in-memory plan')).toThrow(
      /does not match/,
    );
    // A reader of saved plans takes fields a later 2.x adds.
    expect(
      new Ajv({ strict: true, allowUnionTypes: true }).validate(buildPlanSchema({ strict: false }), {
        ...leaked,
        format_version: '2.7',
        future: true,
      }),
    ).toBe(true);
  });

  it('a saved plan is stale when a wire action differs, not when only the internals do', () => {
    const saved = toWire(swapPlan(9));
    // An untouched row moved: the swap's temporary values change, the wire actions do not.
    const moved = swapPlan(40);
    expect(moved.actions.map((a) => a.via?.['sort_order'])).not.toEqual(swapPlan(9).actions.map((a) => a.via?.['sort_order']));
    expect(staleReasons(staleAgainst(saved, toWire(moved)))).toEqual([]);
    // Fields a later minor version adds do not count either.
    const newer = {
      ...saved,
      actions: saved.actions.map((a) => ({ ...a, note_for_reviewers: 'x', changes: a.changes.map((c) => ({ ...c, unit: 'n' })) })),
    };
    expect(staleReasons(staleAgainst(newer, toWire(moved)))).toEqual([]);
    // A different vendor id, before value or dependency does.
    const fresh = toWire(swapPlan(9));
    const [first, second] = fresh.actions;
    const changed = (patch: object): WirePlan => ({ ...fresh, actions: [{ ...first!, ...patch }, second!] });
    expect(staleReasons(staleAgainst(changed({ vendor_id: 99 }), fresh))).toEqual([
      `${first!.address}: live state changed since the plan was made`,
    ]);
    expect(staleReasons(staleAgainst(changed({ before: { ...first!.before, sort_order: 7 } }), fresh))).toHaveLength(1);
    expect(staleReasons(staleAgainst(changed({ depends_on: ['x'] }), fresh))).toHaveLength(1);
    expect(staleReasons(staleAgainst({ ...fresh, actions: [first!] }, fresh))).toEqual([
      `${second!.address}: live state changed; an update is now needed`,
    ]);
    expect(actionDigest(first!)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("names each adoption as an action of its own kind, after its account's changes, and reads it back as an adoption", () => {
    const plan = withAdoption(swapPlan(9));
    const wire = expectWirePlan(wireText(plan), 'a plan that adopts') as WirePlan;
    expect(wire.actions.map((a) => `${a.action} ${a.address}`)).toEqual([
      'update salon.statuses["OPEN"]',
      'update salon.statuses["LATE"]',
      'adopt salon.statuses["DONE"]',
    ]);
    expect(wire.actions[2]).toEqual({
      address: 'salon.statuses["DONE"]',
      account: 'salon',
      collection: 'statuses',
      key: 'DONE',
      action: 'adopt',
      vendor_id: 7,
      before: { status: 'COMPLETED' },
      after: { status: 'COMPLETED' },
      changes: [],
      depends_on: [],
      destructive: false,
      reason: 'config',
    });
    expect(wire.summary.adopt).toBe(1);
    const back = planFromWire(wire);
    expect(back.actions.map((a) => a.action)).toEqual(['update', 'update']);
    expect(back.accounts[0]!.adopt).toEqual(plan.accounts[0]!.adopt);
    expect(back.summary).toEqual(plan.summary);
  });

  it('a saved plan is stale when what it adopts changed; one saved before adoptions were actions (2.2) is not held to them', () => {
    const fresh = toWire(withAdoption(swapPlan(9)));
    const without = { ...fresh, actions: fresh.actions.filter((a) => a.action !== 'adopt') };
    expect(staleReasons(staleAgainst(fresh, fresh))).toEqual([]);
    expect(staleReasons(staleAgainst(without, fresh))).toEqual(['salon.statuses["DONE"]: live state changed; an adoption is now needed']);
    expect(staleReasons(staleAgainst(fresh, without))).toEqual([
      'salon.statuses["DONE"]: live state changed; the planned adoption is no longer needed',
    ]);
    const otherId = { ...fresh, actions: fresh.actions.map((a) => (a.action === 'adopt' ? { ...a, vendor_id: 8 } : a)) };
    expect(staleReasons(staleAgainst(otherId, fresh))).toEqual(['salon.statuses["DONE"]: live state changed since the plan was made']);
    expect(staleReasons(staleAgainst({ ...without, format_version: '2.2' }, fresh))).toEqual([]);
  });
});

/** The swap plan with a declared item found at the vendor as declared, not yet owned. */
function withAdoption(plan: Plan): Plan {
  const adopt = [{ address: 'salon.statuses["DONE"]', key: 'DONE', id: 7, fields: { status: 'COMPLETED' } }];
  const accounts = plan.accounts.map((a) => ({ ...a, adopt }));
  return { ...plan, accounts, summary: summarise(plan.actions, accounts) };
}
