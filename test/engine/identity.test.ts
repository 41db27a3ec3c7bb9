// Identity is the vendor's id: the diff matches live items to the ids the state file recorded
// before it looks at keys. Pure unit tests of that stage and of what the diff makes of it.

import { describe, expect, it } from 'vitest';
import { diffAccount, liveByKeyOf, matchRecordedIds } from '../../src/engine/diff/diff-account.js';
import type { AccountConfig, DesiredItem, LiveItem, StateItem } from '../../src/model.js';
import { propertydeck } from '../../src/vendors/propertydeck/adapter.js';
import { timetap } from '../../src/vendors/timetap/adapter.js';
import { serieshr } from '../../src/vendors/serieshr/adapter.js';

const pos = { file: 'statusform.yaml', line: 1, col: 1 };
const account = (vendor: string, items: DesiredItem[], extra: Partial<AccountConfig> = {}): AccountConfig => ({
  name: 'acc',
  vendor,
  baseUrl: 'https://x',
  rateLimit: { requests: 1, seconds: 1 },
  prune: false,
  safety: { max_update_percent: 30, max_delete_percent: 30, min_owned: 10 },
  settings: {},
  items,
  position: pos,
  ...extra,
});
const pd = (label: string) => ({ key: `property:${label}`, fields: { type: 'property', label } });
const declare = (label: string, extra: Partial<DesiredItem> = {}): DesiredItem => ({
  ...pd(label),
  dependsOn: [],
  renamedFrom: [],
  position: pos,
  ...extra,
});
const liveAt = (label: string, id: string, active = true): LiveItem => ({ ...pd(label), id, active });
const owns = (label: string, id: string): Record<string, StateItem> => ({
  [`property:${label}`]: { id, fields: pd(label).fields, active: true },
});
const read = (items: LiveItem[]) => ({ items, warnings: [], errors: [] });
const kinds = (d: ReturnType<typeof diffAccount>) => d.notes.map((n) => n.kind);

describe('identity: live items matched to recorded vendor ids', () => {
  it('an owned status renamed at the vendor is renamed back: one update of the same id, marked drift, and nothing unmanaged or missing', () => {
    const d = diffAccount(
      account('propertydeck', [declare('Sold STC')]),
      propertydeck,
      read([liveAt('Sold (subject to contract)', 'u1')]),
      owns('Sold STC', 'u1'),
    );
    expect(d.actions).toEqual([
      expect.objectContaining({
        action: 'update',
        key: 'property:Sold STC',
        from_key: 'property:Sold (subject to contract)',
        id: 'u1',
        reason: 'drift',
        changes: [{ field: 'label', before: 'Sold (subject to contract)', after: 'Sold STC' }],
      }),
    ]);
    expect(d.notes).toEqual([]);
    expect(d.account.adopt).toEqual([]);
  });

  it('a change of case made at the vendor is renamed back, without the "not managed by statusform" warning', () => {
    const d = diffAccount(
      account('propertydeck', [declare('Under Offer')]),
      propertydeck,
      read([liveAt('UNDER OFFER', 'u1')]),
      owns('Under Offer', 'u1'),
    );
    expect(d.actions).toEqual([expect.objectContaining({ action: 'update', from_key: 'property:UNDER OFFER', id: 'u1', reason: 'drift' })]);
    expect(d.notes).toEqual([]);
  });

  it('an owned status that left the config and was renamed at the vendor is still pruned by its id, not called gone', () => {
    const acc = account('propertydeck', [], { prune: true, settings: { allow_delete: true } });
    const d = diffAccount(acc, propertydeck, read([liveAt('Renamed', 'u1')]), owns('Old', 'u1'));
    expect(d.actions).toEqual([expect.objectContaining({ action: 'delete', key: 'property:Old', from_key: 'property:Renamed', id: 'u1' })]);
    expect(kinds(d)).toEqual([]);

    const kept = diffAccount(account('propertydeck', []), propertydeck, read([liveAt('Renamed', 'u1')]), owns('Old', 'u1'));
    expect(kept.actions).toEqual([]);
    expect(kept.notes).toEqual([
      expect.objectContaining({
        kind: 'orphan',
        address: 'acc.statuses["property:Old"]',
        message: expect.stringContaining('renamed at the vendor to "property:Renamed"'),
      }),
    ]);
  });

  it('renamed at the vendor to a key the config now declares, it is that item: adopted under the new key, the old record dropped', () => {
    const d = diffAccount(
      account('propertydeck', [declare('New')], { prune: true, settings: { allow_delete: true } }),
      propertydeck,
      read([liveAt('New', 'u1')]),
      owns('Old', 'u1'),
    );
    expect(d.actions).toEqual([]);
    expect(d.notes).toEqual([]);
    expect(d.account.adopt).toEqual([{ address: 'acc.statuses["property:New"]', key: 'property:New', id: 'u1', fields: pd('New').fields }]);
    expect(d.account.forget).toEqual(['property:Old']);
  });

  it('two owned items whose keys were swapped at the vendor are each renamed back by id', () => {
    const owned = { ...owns('A', 'u1'), ...owns('B', 'u2') };
    const d = diffAccount(
      account('propertydeck', [declare('A'), declare('B')]),
      propertydeck,
      read([liveAt('B', 'u1'), liveAt('A', 'u2')]),
      owned,
    );
    expect(d.actions.map((a) => [a.key, a.from_key, a.id])).toEqual([
      ['property:A', 'property:B', 'u1'],
      ['property:B', 'property:A', 'u2'],
    ]);
    expect(d.notes).toEqual([]);
  });

  it('an owned key whose place another owned item took (by id) is gone, not a stranger', () => {
    // A was renamed at the vendor to B; statusform's own B was deleted there.
    const owned = { ...owns('A', 'u1'), ...owns('B', 'u2') };
    const d = diffAccount(account('propertydeck', [declare('A')]), propertydeck, read([liveAt('B', 'u1')]), owned);
    expect(d.actions).toEqual([expect.objectContaining({ action: 'update', key: 'property:A', from_key: 'property:B', id: 'u1' })]);
    expect(d.notes).toEqual([
      expect.objectContaining({
        kind: 'gone',
        address: 'acc.statuses["property:B"]',
        message: 'owned item no longer exists at the vendor; it will be dropped from the state file',
      }),
    ]);
  });

  it('renamed_from finds the item by its recorded id even when the vendor renamed it meanwhile', () => {
    const acc = account('propertydeck', [declare('Sold STC', { renamedFrom: ['property:Sold'] })], {
      prune: true,
      settings: { allow_delete: true },
    });
    const d = diffAccount(acc, propertydeck, read([liveAt('Sold!', 'u1')]), owns('Sold', 'u1'));
    expect(d.actions).toEqual([
      expect.objectContaining({ action: 'update', key: 'property:Sold STC', from_key: 'property:Sold!', id: 'u1' }),
    ]);
    expect(d.notes).toEqual([]);
  });

  it('only a listing can show an item under another key: item reads (tickets) are matched by key alone', () => {
    const owned = { T1: { id: 'T2', fields: { status: 'open' }, active: true } };
    const match = matchRecordedIds([{ key: 'T2', id: 'T2', fields: {}, active: true }], owned, new Set(['T1']), serieshr.capabilities);
    expect(match.moved.size).toBe(0);
  });

  it('a TimeTap row whose sub_status was changed at the vendor is updated back by statusId, never created again or reactivated', () => {
    const row = (key: string, id: number): LiveItem => ({
      key,
      id,
      fields: { status: 'OPEN', sort_order: 2, user_selectable: true, vendor_depends_on: null },
      active: true,
    });
    const owned = { LATE: { id: 2001, fields: { status: 'OPEN', sort_order: 2 }, active: true } };
    const d = diffAccount(
      account('timetap', [{ key: 'LATE', fields: { status: 'OPEN', sort_order: 2 }, dependsOn: [], renamedFrom: [], position: pos }]),
      timetap,
      read([row('RUNNING_LATE', 2001)]),
      owned,
    );
    expect(d.actions).toEqual([
      expect.objectContaining({ action: 'update', key: 'LATE', from_key: 'RUNNING_LATE', id: 2001, reason: 'drift', changes: [] }),
    ]);
    expect(d.notes).toEqual([]);
  });
});

describe("identity: the account's own item wins over a shared read-only one with the same key", () => {
  const own: LiveItem = { key: 'CHECKEDIN', id: 2001, fields: { status: 'OPEN', sort_order: 4 }, active: true };
  const shared: LiveItem = { key: 'CHECKEDIN', id: 1903, fields: { status: 'OPEN', sort_order: 4 }, active: true, readOnly: true };

  it('whatever order the vendor lists them in', () => {
    expect(liveByKeyOf([own, shared]).get('CHECKEDIN')).toBe(own);
    expect(liveByKeyOf([shared, own]).get('CHECKEDIN')).toBe(own);
  });

  it('so the plan never creates a status the business already has', () => {
    const acc = account('timetap', [
      { key: 'CHECKEDIN', fields: { status: 'OPEN', sort_order: 4 }, dependsOn: [], renamedFrom: [], position: pos },
    ]);
    const d = diffAccount(acc, timetap, read([own, shared]), {
      CHECKEDIN: { id: 2001, fields: { status: 'OPEN', sort_order: 4 }, active: true },
    });
    expect(d.actions).toEqual([]);
    expect(d.notes).toEqual([]);
  });
});
