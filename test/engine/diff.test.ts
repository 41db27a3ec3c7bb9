import { describe, expect, it } from 'vitest';
import { diffAccount } from '../../src/engine/diff/diff-account.js';
import type { AccountConfig, DesiredItem, LiveItem, StateItem } from '../../src/model.js';
import { propertydeck } from '../../src/vendors/propertydeck/adapter.js';
import { thalamus } from '../../src/vendors/thalamus/adapter.js';

const pos = { file: 'statusform.yaml', line: 1, col: 1 };

function account(vendor: string, items: DesiredItem[], extra: Partial<AccountConfig> = {}): AccountConfig {
  return {
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
  };
}

function item(key: string, fields: DesiredItem['fields'], extra: Partial<DesiredItem> = {}): DesiredItem {
  return { key, fields, dependsOn: [], renamedFrom: [], position: pos, ...extra };
}

function live(key: string, fields: LiveItem['fields'], id: string | number = `id-${key}`, active = true): LiveItem {
  return { key, id, fields, active };
}

const read = (items: LiveItem[]) => ({ items, warnings: [], errors: [] });

describe('diff: desired against live and owned', () => {
  it('creates what is missing, updates only declared fields that differ, and adopts what already matches', () => {
    const acc = account('propertydeck', [
      item('property:For Sale', { type: 'property', label: 'For Sale' }),
      item('property:Let Agreed', { type: 'property', label: 'Let Agreed' }),
    ]);
    const d = diffAccount(acc, propertydeck, read([live('property:For Sale', { type: 'property', label: 'For Sale' }, 'u1')]), {});
    expect(d.actions.map((a) => [a.action, a.key])).toEqual([['create', 'property:Let Agreed']]);
    expect(d.account.adopt).toEqual([
      {
        address: 'acc.statuses["property:For Sale"]',
        key: 'property:For Sale',
        id: 'u1',
        fields: { type: 'property', label: 'For Sale' },
      },
    ]);
  });

  it('renames in place through renamed_from, keeping the vendor identity', () => {
    const acc = account('propertydeck', [
      item('property:Sold STC', { type: 'property', label: 'Sold STC' }, { renamedFrom: ['property:Sold Subject To Contract'] }),
    ]);
    const d = diffAccount(
      acc,
      propertydeck,
      read([live('property:Sold Subject To Contract', { type: 'property', label: 'Sold Subject To Contract' }, 'u9')]),
      {},
    );
    expect(d.actions).toHaveLength(1);
    expect(d.actions[0]).toMatchObject({
      action: 'update',
      from_key: 'property:Sold Subject To Contract',
      id: 'u9',
      changes: [{ field: 'label', before: 'Sold Subject To Contract', after: 'Sold STC' }],
    });
    expect(d.notes).toEqual([]);
  });

  it('lists live items it neither declares nor owns as unmanaged, and never acts on them', () => {
    const acc = account('propertydeck', [], { prune: true, settings: { allow_delete: true } });
    const d = diffAccount(acc, propertydeck, read([live('contact:Hot Lead', { type: 'contact', label: 'Hot Lead' })]), {});
    expect(d.actions).toEqual([]);
    expect(d.notes).toEqual([expect.objectContaining({ kind: 'unmanaged', address: 'acc.statuses["contact:Hot Lead"]' })]);
  });

  it('keeps owned items that left the config unless prune is on', () => {
    const owned: Record<string, StateItem> = { old: { id: 'u-old', fields: { label: 'Old', mapped_status: 'open' }, active: true } };
    const kept = diffAccount(account('thalamus', []), thalamus, read([live('old', owned['old']!.fields, 'u-old')]), owned);
    expect(kept.actions).toEqual([]);
    expect(kept.notes[0]).toMatchObject({ kind: 'orphan' });
    const pruned = diffAccount(
      account('thalamus', [], { prune: true }),
      thalamus,
      read([live('old', owned['old']!.fields, 'u-old')]),
      owned,
    );
    expect(pruned.actions.map((a) => [a.action, a.destructive])).toEqual([['deactivate', true]]);
  });

  it('plans a hard delete only with prune, and blocks it without allow_delete', () => {
    const owned: Record<string, StateItem> = { 'contact:Cold': { id: 'u1', fields: { type: 'contact', label: 'Cold' }, active: true } };
    const l = read([live('contact:Cold', { type: 'contact', label: 'Cold' }, 'u1')]);
    const blocked = diffAccount(account('propertydeck', [], { prune: true }), propertydeck, l, owned);
    expect(blocked.actions[0]).toMatchObject({ action: 'delete', destructive: true, blocked: expect.stringContaining('allow_delete') });
    const allowed = diffAccount(account('propertydeck', [], { prune: true, settings: { allow_delete: true } }), propertydeck, l, owned);
    expect(allowed.actions[0]!.blocked).toBeUndefined();
  });

  it('asks the adapter which setting allows a hard delete, and blocks one a vendor gives no setting for', () => {
    const owned: Record<string, StateItem> = { k: { id: 'u1', fields: { label: 'K' }, active: true } };
    const l = read([live('k', { label: 'K' }, 'u1')]);
    const caps = { ...propertydeck.capabilities, softDelete: false, hardDelete: true };
    const optIn = { ...thalamus, capabilities: caps, hardDeleteSetting: 'really_delete' };
    expect(
      diffAccount(account('x', [], { prune: true, settings: { really_delete: true } }), optIn, l, owned).actions[0]!.blocked,
    ).toBeUndefined();
    // Another vendor's setting, or a string "true", is not the opt-in.
    for (const settings of [{ allow_delete: true }, { really_delete: 'true' }]) {
      expect(diffAccount(account('x', [], { prune: true, settings }), optIn, l, owned).actions[0]!.blocked).toBe(
        'a hard delete needs really_delete: true on the account (and --allow-destroy on apply)',
      );
    }
    const none = { ...thalamus, capabilities: caps };
    expect(diffAccount(account('x', [], { prune: true, settings: { allow_delete: true } }), none, l, owned).actions[0]!.blocked).toBe(
      'thalamus has no setting that allows a hard delete',
    );
  });

  it('reactivates a declared item that is inactive', () => {
    const d = diffAccount(
      account('thalamus', [item('a', { label: 'A', mapped_status: 'open' })]),
      thalamus,
      read([live('a', { label: 'A', mapped_status: 'open' }, 'u', false)]),
      {
        a: { id: 'u', fields: { label: 'A', mapped_status: 'open' }, active: false },
      },
    );
    expect(d.actions.map((a) => a.action)).toEqual(['reactivate']);
  });

  it('marks a change as drift when live moved away from what was last applied', () => {
    const owned = { 'property:A': { id: 'u', fields: { type: 'property', label: 'A' }, active: true } };
    const acc = account('propertydeck', [item('property:A', { type: 'property', label: 'A' })]);
    // The label was edited at the vendor to "a" (so the key moved); the owned item is missing under its key.
    const d = diffAccount(acc, propertydeck, read([]), owned);
    expect(d.actions[0]).toMatchObject({ action: 'create', reason: 'drift' });
  });

  it('re-sends every declared item of a vendor without a read API with --refresh-all', () => {
    const fields = { label: 'A', mapped_status: 'open' };
    const d = diffAccount(
      account('thalamus', [item('a', fields)]),
      thalamus,
      read([live('a', fields)]),
      { a: { id: 'u', fields, active: true } },
      { refreshAll: true },
    );
    expect(d.actions.map((a) => [a.action, a.reason])).toEqual([['update', 'refresh']]);
  });

  it('orders by depends_on: creates after what they depend on, deactivations before', () => {
    const acc = account(
      'thalamus',
      [item('b', { label: 'B', mapped_status: 'open' }, { dependsOn: ['a'] }), item('a', { label: 'A', mapped_status: 'open' })],
      { prune: true },
    );
    const d = diffAccount(acc, thalamus, read([]), {});
    const b = d.actions.find((a) => a.key === 'b')!;
    expect(b.depends_on).toEqual(['acc.status_variants["a"]']);

    const owned: Record<string, StateItem> = {
      x: { id: 1, fields: { label: 'X', mapped_status: 'open' }, active: true },
      y: { id: 2, fields: { label: 'Y', mapped_status: 'open' }, active: true, dependsOn: ['x'] },
    };
    const gone = diffAccount(
      account('thalamus', [], { prune: true }),
      thalamus,
      read([live('x', owned['x']!.fields, 1), live('y', owned['y']!.fields, 2)]),
      owned,
    );
    const x = gone.actions.find((a) => a.key === 'x')!;
    expect(x.depends_on).toEqual(['acc.status_variants["y"]']);
  });

  it('a status whose type changes is a new status: a create with a note saying so, and the old one removed only by a guarded delete — never renamed into it', () => {
    const owned: Record<string, StateItem> = {
      'property:Viewing': { id: 'u1', fields: { type: 'property', label: 'Viewing' }, active: true },
    };
    // Even a renamed_from naming the old key cannot carry it over: the vendor cannot change the type in place.
    const acc = account(
      'propertydeck',
      [item('contact:Viewing', { type: 'contact', label: 'Viewing' }, { renamedFrom: ['property:Viewing'] })],
      { prune: true },
    );
    const d = diffAccount(acc, propertydeck, read([live('property:Viewing', { type: 'property', label: 'Viewing' }, 'u1')]), owned);
    expect(d.actions.map((a) => [a.action, a.key, a.blocked !== undefined])).toEqual([
      ['create', 'contact:Viewing', false],
      ['delete', 'property:Viewing', true],
    ]);
    expect(d.notes).toEqual([
      {
        address: 'acc.statuses["contact:Viewing"]',
        kind: 'possible_rename',
        message: expect.stringContaining('looks like a type change of "property:Viewing"'),
      },
    ]);
  });

  it("adds the adapter's notes on a planned change at the change's address, and none where it has nothing to say", () => {
    const noting = { ...propertydeck, changeNotes: (kind: string) => (kind === 'update' ? ['the other label stays'] : []) };
    const acc = account('propertydeck', [
      item('property:Sold', { type: 'property', label: 'Sold' }, { renamedFrom: ['property:Sold STC'] }),
    ]);
    const d = diffAccount(acc, noting, read([live('property:Sold STC', { type: 'property', label: 'Sold STC' }, 'u1')]), {});
    expect(d.actions.map((a) => a.action)).toEqual(['update']);
    expect(d.notes).toContainEqual({ address: 'acc.statuses["property:Sold"]', kind: 'warning', message: 'the other label stays' });
    expect(diffAccount(acc, propertydeck, read([]), {}).notes.filter((n) => n.message === 'the other label stays')).toEqual([]);
  });
});

describe('diff: read-only live items a vendor refuses to have declared', () => {
  const refusing = {
    ...propertydeck,
    capabilities: { ...propertydeck.capabilities, softDelete: true, hardDelete: false, readOnlyDeclared: 'refuse' as const },
  };
  const builtIn = (key: string, fields: LiveItem['fields'], id: number): LiveItem => ({
    key,
    id,
    fields,
    active: true,
    readOnly: true,
    readOnlyReason: 'a built-in status',
  });

  it('makes a declaration that would change a read-only item a plan error for its address, with no action', () => {
    const d = diffAccount(
      account('propertydeck', [item('Open', { label: 'Open' })]),
      refusing,
      read([builtIn('Open', { label: '{{builtin.open}}' }, 11)]),
      {},
    );
    expect(d.actions).toEqual([]);
    expect(d.errors).toEqual([
      {
        address: 'acc.statuses["Open"]',
        message: expect.stringMatching(
          /^"Open" \(id 11\) is a built-in status, which statusform never writes, and this declaration would change it \(label "\{\{builtin.open\}\}" → "Open"\)/,
        ),
      },
    ]);
  });

  it('counts a key the vendor folds alike (another case) as the read-only item, not as a new one', () => {
    const d = diffAccount(
      account('propertydeck', [item('open', { label: 'open' })]),
      refusing,
      read([builtIn('Open', { label: 'Open' }, 11)]),
      {},
    );
    expect(d.actions).toEqual([]);
    expect(d.errors[0]?.message).toContain('key "Open" → "open"');
  });

  it('changes nothing when the declaration matches the read-only item as it is', () => {
    const d = diffAccount(
      account('propertydeck', [item('Open', { label: 'Open' })]),
      refusing,
      read([builtIn('Open', { label: 'Open' }, 11)]),
      {},
    );
    expect([d.actions, d.errors, d.account.adopt]).toEqual([[], [], []]);
  });

  it('never prunes an owned item that became read-only; vendors that fork still create their own copy', () => {
    const owned: Record<string, StateItem> = { Waiting: { id: 7, fields: { label: 'Waiting' }, active: true } };
    const pruned = diffAccount(
      account('propertydeck', [], { prune: true }),
      refusing,
      read([builtIn('Waiting', { label: 'Waiting' }, 7)]),
      owned,
    );
    expect(pruned.actions).toEqual([]);
    expect(pruned.notes).toEqual([
      expect.objectContaining({ kind: 'orphan', message: expect.stringContaining('but a built-in status: left untouched') }),
    ]);
    const forking = { ...refusing, capabilities: { ...refusing.capabilities, readOnlyDeclared: 'fork' as const } };
    const forked = diffAccount(
      account('propertydeck', [item('Open', { label: 'Open' })]),
      forking,
      read([builtIn('Open', { label: '{{builtin.open}}' }, 11)]),
      {},
    );
    expect(forked.actions.map((a) => a.action)).toEqual(['create']);
  });
});

describe('diff: an owned inactive item renamed back into the config', () => {
  it('reactivates it under the new key (a change of case, or renamed_from) instead of creating a second one', () => {
    const owned: Record<string, StateItem> = { 'contact:Done': { id: 'u1', fields: { type: 'contact', label: 'Done' }, active: false } };
    const l = read([live('contact:Done', { type: 'contact', label: 'Done' }, 'u1', false)]);
    const cased = diffAccount(account('propertydeck', [item('contact:DONE', { type: 'contact', label: 'DONE' })]), propertydeck, l, owned);
    expect(cased.actions).toEqual([
      expect.objectContaining({ action: 'reactivate', key: 'contact:DONE', from_key: 'contact:Done', id: 'u1' }),
    ]);
    const renamed = diffAccount(
      account('propertydeck', [item('contact:Finished', { type: 'contact', label: 'Finished' }, { renamedFrom: ['contact:Done'] })]),
      propertydeck,
      l,
      owned,
    );
    expect(renamed.actions).toEqual([
      expect.objectContaining({ action: 'reactivate', key: 'contact:Finished', from_key: 'contact:Done', id: 'u1' }),
    ]);
  });

  it('leaves an inactive item statusform does not own alone', () => {
    const d = diffAccount(
      account('propertydeck', [item('contact:DONE', { type: 'contact', label: 'DONE' })]),
      propertydeck,
      read([live('contact:Done', { type: 'contact', label: 'Done' }, 'u1', false)]),
      {},
    );
    expect(d.actions.map((a) => a.action)).toEqual(['create']);
  });
});
