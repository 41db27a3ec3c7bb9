// The diff's second stage on its own: what one matched row comes to, decided from declared
// capabilities alone — no adapter, no vendor name beyond the one the messages quote.

import { describe, expect, it } from 'vitest';
import { classify, type ClassifyContext } from '../../src/engine/diff/classify.js';
import type { Row } from '../../src/engine/diff/match.js';
import { isStateOnly } from '../../src/engine/plan.js';
import type { Capabilities } from '../../src/vendors/adapter.js';
import type { AccountConfig, LiveItem, StateItem } from '../../src/model.js';

const pos = { file: 'statusform.yaml', line: 1, col: 1 };
const caps = (extra: Partial<Capabilities> = {}): Capabilities => ({
  read: 'list',
  create: true,
  softDelete: true,
  hardDelete: false,
  upsert: false,
  renameInPlace: true,
  hidesInactive: false,
  transitions: false,
  ...extra,
});
const account = (extra: Partial<AccountConfig> = {}): AccountConfig => ({
  name: 'acc',
  vendor: 'v',
  baseUrl: 'https://x',
  rateLimit: { requests: 1, seconds: 1 },
  prune: true,
  safety: { max_update_percent: 30, max_delete_percent: 30, min_owned: 10 },
  settings: {},
  items: [],
  position: pos,
  ...extra,
});
const ctx = (c: Partial<Capabilities> = {}, a: Partial<AccountConfig> = {}, extra: Partial<ClassifyContext> = {}): ClassifyContext => ({
  account: account(a),
  vendor: 'acme',
  caps: caps(c),
  ...extra,
});
const declared = (key: string, fields = { label: key }) => ({ key, fields, dependsOn: [], renamedFrom: [], position: pos });
const live = (key: string, fields: LiveItem['fields'] = { label: key }, extra: Partial<LiveItem> = {}): LiveItem => ({
  key,
  id: `id-${key}`,
  fields,
  active: true,
  ...extra,
});
const recorded = (fields: StateItem['fields'], extra: Partial<StateItem> = {}): StateItem => ({
  id: 'id-A',
  fields,
  active: true,
  ...extra,
});

describe('classify: one row → an action, notes, an error', () => {
  it('a declared item not found is created, and one that was owned says it went missing', () => {
    const v = classify({ key: 'A', declared: declared('A'), recorded: recorded({ label: 'A' }) }, ctx());
    expect(v.action).toMatchObject({ action: 'create', key: 'A', reason: 'drift' });
    expect(v.notes.map((n) => n.kind)).toEqual(['gone']);
  });

  it('where inactive items vanish from reads, a remembered one is reactivated rather than created', () => {
    const v = classify(
      { key: 'A', declared: declared('A'), recorded: recorded({ label: 'A' }, { active: false }) },
      ctx({ hidesInactive: true }),
    );
    expect(v.action).toMatchObject({ action: 'reactivate', id: 'id-A', reason: 'config' });
  });

  it('a vendor that cannot create reports a missing declared item as an error', () => {
    const v = classify({ key: 'T1', declared: declared('T1') }, ctx({ create: false }));
    expect(v).toEqual({ notes: [], error: 'not found at the vendor' });
  });

  it('a declared field that differs is an update, marked drift when live moved away from what was written', () => {
    const row: Row = {
      key: 'A',
      declared: declared('A', { label: 'A' }),
      live: live('A', { label: 'a' }),
      via: 'key',
      recorded: recorded({ label: 'A' }),
    };
    expect(classify(row, ctx()).action).toMatchObject({
      action: 'update',
      changes: [{ field: 'label', before: 'a', after: 'A' }],
      reason: 'drift',
    });
  });

  it('a declared item found unchanged and not yet owned is adopted', () => {
    const v = classify({ key: 'A', declared: declared('A'), live: live('A'), via: 'key' }, ctx());
    expect(v).toEqual({ notes: [], adopt: { id: 'id-A', fields: { label: 'A' } } });
  });

  it('renamed at the vendor, it is renamed back in place; a vendor that cannot rename says so as an error', () => {
    const row: Row = {
      key: 'A',
      declared: declared('A'),
      live: live('A2', { label: 'A2' }),
      via: 'id',
      recorded: recorded({ label: 'A' }),
    };
    expect(classify(row, ctx()).action).toMatchObject({ action: 'update', from_key: 'A2', reason: 'drift' });
    expect(classify(row, ctx({ renameInPlace: false })).error).toContain('cannot change a key back');
  });

  it('a ticket moves by a transition along the vendor’s path, in the field the capability names', () => {
    const row: Row = { key: 'T1', declared: declared('T1', { state: 'closed' } as never), live: live('T1', { state: 'open' }), via: 'key' };
    const v = classify(row, ctx({ transitions: { field: 'state' } }, {}, { transitionPath: () => ['resolved', 'closed'] }));
    expect(v.action).toMatchObject({ action: 'transition', path: ['resolved', 'closed'], after: { state: 'closed' } });
  });

  it('an owned item that left the config is deactivated with prune, kept as an orphan without, and a hard delete is blocked without allow_delete', () => {
    const row: Row = { key: 'Old', recorded: recorded({ label: 'Old' }, { id: 'id-Old' }), live: live('Old'), via: 'key' };
    expect(classify(row, ctx())).toMatchObject({ leaving: 'removed', action: { action: 'deactivate', destructive: true } });
    expect(classify(row, ctx({}, { prune: false }))).toMatchObject({ leaving: 'orphaned', notes: [{ kind: 'orphan' }] });
    expect(classify(row, ctx({ softDelete: false, hardDelete: true }, {}, { hardDeleteSetting: 'allow_delete' })).action).toMatchObject({
      action: 'delete',
      blocked: expect.stringContaining('allow_delete'),
    });
    // Opted in: not blocked here (apply still needs --allow-destroy); no setting declared: never allowed.
    expect(
      classify(
        row,
        ctx({ softDelete: false, hardDelete: true }, { settings: { allow_delete: true } }, { hardDeleteSetting: 'allow_delete' }),
      ).action?.blocked,
    ).toBeUndefined();
    expect(classify(row, ctx({ softDelete: false, hardDelete: true }, { settings: { allow_delete: true } })).action?.blocked).toBe(
      'acme has no setting that allows a hard delete',
    );
  });

  it('an owned key now held by another vendor id is forgotten, and the stranger left alone', () => {
    const v = classify({ key: 'Old', recorded: recorded({ label: 'Old' }, { id: 'mine' }), live: live('Old'), via: 'key' }, ctx());
    expect(v.action).toBeUndefined();
    expect(v.forget).toBe(true);
    expect(v.notes[0]!.message).toContain("is not statusform's and is left untouched");
  });

  it('a live item nobody declares or owns is only a note', () => {
    expect(classify({ key: 'Z', live: live('Z'), via: 'key' }, ctx())).toEqual({
      notes: [{ kind: 'unmanaged', message: expect.stringContaining('not managed by statusform') }],
    });
  });

  it('an owned item the vendor must keep active (a default) leaving the config is an error saying why with prune, never a write', () => {
    const keep = live('A', { label: 'A' }, { id: 'id-A', keepActive: 'make another the default first' });
    const row: Row = { key: 'A', recorded: recorded({ label: 'A' }), live: keep, via: 'key' };
    const v = classify(row, ctx());
    expect(v.action).toBeUndefined();
    expect(v.error).toBe('no longer in the configuration, but it cannot be removed: make another the default first');
    expect(classify(row, ctx({}, { prune: false }))).toMatchObject({ leaving: 'orphaned', notes: [{ kind: 'orphan' }] });
    // Declared, it is updated like any other item.
    const declaredRow: Row = {
      key: 'A',
      declared: declared('A', { label: 'B' }),
      recorded: recorded({ label: 'A' }),
      live: keep,
      via: 'key',
    };
    expect(classify(declaredRow, ctx()).action).toMatchObject({ action: 'update' });
  });
});

describe('classify: a category statusform keeps itself (the vendor has no field for it)', () => {
  const mapped = (key: string, category: string, fields = { label: key }) => ({ ...declared(key, fields), category });
  const row = (category: string, recordedCategory: string | undefined, liveLabel = 'A'): Row => ({
    key: 'A',
    declared: mapped('A', category),
    live: live('A', { label: liveLabel }),
    via: 'key',
    recorded: recorded({ label: 'A' }, recordedCategory === undefined ? {} : { category: recordedCategory }),
  });

  it('a changed maps_to is an update of its own, marked kept, that touches only the state', () => {
    const v = classify(row('pending', 'open'), ctx({ keepsCategory: true }));
    expect(v.action).toMatchObject({
      action: 'update',
      reason: 'config',
      category: 'pending',
      changes: [{ field: 'maps_to', before: 'open', after: 'pending', kept: true }],
    });
    expect(isStateOnly(v.action!)).toBe(true);
  });

  it('beside a change at the vendor, the update carries both and is not state-only', () => {
    const v = classify(row('pending', 'open', 'a'), ctx({ keepsCategory: true }));
    expect(v.action?.changes).toEqual([
      { field: 'label', before: 'a', after: 'A' },
      { field: 'maps_to', before: 'open', after: 'pending', kept: true },
    ]);
    expect(isStateOnly(v.action!)).toBe(false);
  });

  it('an unchanged or never recorded category is no change; a vendor that holds the category itself never gets a kept one', () => {
    expect(classify(row('open', 'open'), ctx({ keepsCategory: true })).action).toBeUndefined();
    expect(classify(row('pending', undefined), ctx({ keepsCategory: true })).action).toBeUndefined();
    expect(classify(row('pending', 'open'), ctx()).action).toBeUndefined();
  });

  it('a create records the category it declares', () => {
    const v = classify({ key: 'B', declared: mapped('B', 'hold') }, ctx({ keepsCategory: true }));
    expect(v.action).toMatchObject({ action: 'create', category: 'hold', changes: [] });
  });

  it('a rename in place compares with what its source record mapped to', () => {
    const r: Row = {
      key: 'B',
      declared: { ...mapped('B', 'pending'), renamedFrom: ['A'] },
      live: live('A'),
      via: 'renamed_from',
    };
    const v = classify(r, ctx({ keepsCategory: true }, {}, { owned: { A: recorded({ label: 'A' }, { category: 'open' }) } }));
    expect(v.action).toMatchObject({ action: 'update', from_key: 'A', category: 'pending' });
    expect(v.action?.changes).toContainEqual({ field: 'maps_to', before: 'open', after: 'pending', kept: true });
  });
});
