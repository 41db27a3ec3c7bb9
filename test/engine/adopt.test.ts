// Adopting drift, decided from the adapter's contract alone: which config keys a drifted action
// writes, which it never writes (guesses, fields the config leaves out), and what cannot be adopted.

import { describe, expect, it } from 'vitest';
import { adoptEdit, adoptedItem, isRefusal, recordConflict, type ItemEdit } from '../../src/engine/adopt.js';
import type { PlanAction } from '../../src/engine/plan.js';
import type { DesiredItem, Fields } from '../../src/model.js';
import { adapterFor } from '../../src/vendors/registry.js';

const CATEGORIES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];
const item = (key: string, fields: Fields): DesiredItem => ({
  key,
  fields,
  dependsOn: [],
  renamedFrom: [],
  position: { file: 'f.yaml', line: 1, col: 1 },
});
const action = (a: Partial<PlanAction> & Pick<PlanAction, 'key' | 'action' | 'before'>): PlanAction => ({
  address: `acct.statuses[${JSON.stringify(a.key)}]`,
  account: 'acct',
  collection: 'statuses',
  id: 1,
  after: null,
  changes: [],
  depends_on: [],
  destructive: false,
  reason: 'drift',
  phase: 2,
  ...a,
});

describe('adoptEdit', () => {
  const timetap = adapterFor('timetap')!;

  it('writes the declared fields that moved, never a guessed maps_to nor a field the config leaves out', () => {
    const declared = item('LATE', { status: 'OPEN', sort_order: 2 });
    const edit = adoptEdit(
      action({ key: 'LATE', action: 'update', before: { status: 'COMPLETED', sort_order: 7, user_selectable: false } }),
      declared,
      timetap,
      CATEGORIES,
    );
    expect(edit).toEqual({ address: 'acct.statuses["LATE"]', item: declared, set: { status: 'COMPLETED', sort_order: 7 }, replace: [] });
  });

  it('writes the key the vendor renamed the item to, and says the key changed', () => {
    const edit = adoptEdit(
      action({ key: 'LATE', from_key: 'RUNNING_LATE', action: 'update', before: { status: 'OPEN' } }),
      item('LATE', { status: 'OPEN' }),
      timetap,
      CATEGORIES,
    );
    expect(edit).toMatchObject({ set: { sub_status: 'RUNNING_LATE' }, rekey: { from: 'LATE', to: 'RUNNING_LATE' } });
  });

  it('records a renamed item as applied under its new key, by the same id, with its live values', () => {
    const drifted = action({ key: 'LATE', from_key: 'RUNNING_LATE', id: 42, action: 'update', before: { status: 'OPEN', sort_order: 3 } });
    const edit = adoptEdit(drifted, item('LATE', { status: 'OPEN', sort_order: 3 }), timetap, CATEGORIES) as ItemEdit;
    expect(adoptedItem(drifted, edit)).toEqual({
      account: 'acct',
      key: 'RUNNING_LATE',
      from_key: 'LATE',
      id: 42,
      fields: { status: 'OPEN', sort_order: 3 },
    });
    // Refused, as state mv refuses it, when the state records another item under the new key.
    const other = { id: 7, active: true, fields: {} };
    expect(recordConflict({ RUNNING_LATE: other }, adoptedItem(drifted, edit))).toContain(
      'another item under "RUNNING_LATE" (vendor id 7)',
    );
    expect(recordConflict({ RUNNING_LATE: { ...other, id: 42 } }, adoptedItem(drifted, edit))).toBeUndefined();
  });

  it("writes a ticket's live status, replacing a category", () => {
    const series = adapterFor('serieshr')!;
    const edit = adoptEdit(
      action({ key: 'T-1', action: 'transition', before: { status: 'open' } }),
      item('T-1', { category: 'solved' }),
      series,
      CATEGORIES,
    );
    expect(edit).toMatchObject({ set: { status: 'open' }, replace: ['category'] });
  });

  it('refuses what is an absence rather than a value: an item removed or deactivated at the vendor', () => {
    const gone = adoptEdit(
      action({ key: 'LATE', action: 'create', id: null, before: null }),
      item('LATE', { status: 'OPEN' }),
      timetap,
      CATEGORIES,
    );
    const hidden = adoptEdit(
      action({ key: 'LATE', action: 'reactivate', before: { status: 'OPEN' } }),
      item('LATE', { status: 'OPEN' }),
      timetap,
      CATEGORIES,
    );
    expect(isRefusal(gone) && gone.reason).toBe('it is gone at timetap: remove it from the configuration, or apply to create it again');
    expect(isRefusal(hidden) && hidden.reason).toBe(
      'it was deactivated at timetap: remove it from the configuration, or apply to reactivate it',
    );
  });
});
