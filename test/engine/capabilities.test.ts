// Immutable fields and count limits as a made-up vendor declares them: the diff (and, for the
// declared items alone, validate) enforces them from the capabilities, for any vendor — no server,
// no vendor of the product.

import { describe, expect, it } from 'vitest';
import { checkItems } from '../../src/config/check-items.js';
import { diffAccount } from '../../src/engine/diff/diff-account.js';
import type { ConfigProblem } from '../../src/errors.js';
import type { Capabilities, VendorAdapter } from '../../src/vendors/adapter.js';
import type { AccountConfig, DesiredItem, Fields, LiveItem, StateItem } from '../../src/model.js';

const pos = { file: 'statusform.yaml', line: 1, col: 1 };

const acme = (caps: Partial<Capabilities>): VendorAdapter => ({
  vendor: 'acme',
  displayName: 'Acme Desk',
  collection: 'ticket_states',
  capabilities: {
    read: 'list',
    create: true,
    softDelete: true,
    hardDelete: false,
    upsert: false,
    renameInPlace: true,
    hidesInactive: false,
    transitions: false,
    ...caps,
  },
  defaultRateLimit: { requests: 10, seconds: 1 },
  accountSchema: { properties: {}, required: [] },
  secretFields: [],
  desiredItems: () => [],
  open: () => {
    throw new Error('a diff never opens a session');
  },
});

const account = (items: DesiredItem[], prune = false): AccountConfig => ({
  name: 'desk',
  vendor: 'acme',
  baseUrl: 'https://acme.example',
  rateLimit: { requests: 10, seconds: 1 },
  prune,
  safety: { max_update_percent: 100, max_delete_percent: 100, min_owned: 0 },
  settings: {},
  items,
  position: pos,
});

const item = (key: string, fields: Fields, renamedFrom: string[] = []): DesiredItem => ({
  key,
  fields: { label: key, ...fields },
  dependsOn: [],
  renamedFrom,
  position: pos,
});
const live = (key: string, fields: Fields, active = true): LiveItem => ({
  key,
  id: `id-${key}`,
  fields: { label: key, ...fields },
  active,
});
const owned = (items: LiveItem[]): Record<string, StateItem> =>
  Object.fromEntries(items.map((l) => [l.key, { id: l.id, fields: l.fields, active: l.active }]));
const read = (items: LiveItem[]) => ({ items, warnings: [], errors: [] });

const FIXED = { immutable: { kind: 'a kind is chosen once' } };

describe('immutable fields: a change the vendor would refuse is a plan error on its address', () => {
  it('refuses a declared change of a fixed field, naming the field and both values, and plans nothing for the item', () => {
    const l = live('Waiting', { kind: 'pending' });
    const d = diffAccount(account([item('Waiting', { kind: 'hold' })]), acme(FIXED), read([l]), owned([l]));
    expect(d.actions).toEqual([]);
    expect(d.errors).toEqual([
      {
        address: 'desk.ticket_states["Waiting"]',
        message:
          'Acme Desk cannot change kind (a kind is chosen once): "Waiting" (id id-Waiting) has kind pending (declared hold). ' +
          'Declare a new item under another key for the new value and let prune retire this one, or keep kind pending',
      },
    ]);
  });

  it('still updates the other fields of an item whose fixed field is as declared', () => {
    const l = live('Waiting', { kind: 'pending', note: 'old' });
    const d = diffAccount(account([item('Waiting', { kind: 'pending', note: 'new' })]), acme(FIXED), read([l]), owned([l]));
    expect(d.errors).toEqual([]);
    expect(d.actions.map((a) => [a.action, a.changes.map((c) => c.field)])).toEqual([['update', ['note']]]);
  });

  it('refuses a rename in place or a reactivation that would change the fixed field too, under the live key', () => {
    const gone = live('Parked', { kind: 'pending' }, false);
    const old = live('Old name', { kind: 'pending' });
    const d = diffAccount(
      account([item('Parked', { kind: 'hold' }), item('New name', { kind: 'hold' }, ['Old name'])]),
      acme(FIXED),
      read([gone, old]),
      owned([gone, old]),
    );
    expect(d.actions).toEqual([]);
    expect(d.errors.map((e) => [e.address, e.message.split(':')[0]])).toEqual([
      ['desk.ticket_states["Parked"]', 'Acme Desk cannot change kind (a kind is chosen once)'],
      ['desk.ticket_states["New name"]', 'Acme Desk cannot change kind (a kind is chosen once)'],
    ]);
    expect(d.errors[1]!.message).toContain('"Old name" (id id-Old name) has kind pending (declared hold)');
  });

  it('lets a vendor that declares nothing fixed change the same field with an update', () => {
    const l = live('Waiting', { kind: 'pending' });
    const d = diffAccount(account([item('Waiting', { kind: 'hold' })]), acme({}), read([l]), owned([l]));
    expect(d.errors).toEqual([]);
    expect(d.actions.map((a) => a.action)).toEqual(['update']);
  });
});

describe('count limits: the changes that would pass one are plan errors on their addresses', () => {
  const perKind = (max: number, counts: 'active' | 'listed') => ({ limits: [{ max, per: { field: 'kind', name: 'kind' }, counts }] });

  it('refuses the last creates past an account limit, counting inactive listed items too, and plans the others', () => {
    const there = [live('A', { kind: 'open' }), live('B', { kind: 'open' }, false)];
    const wanted = ['C', 'D', 'E'].map((k) => item(k, { kind: 'open' }));
    const d = diffAccount(account(wanted), acme({ limits: [{ max: 4, counts: 'listed' }] }), read(there), {});
    expect(d.actions.map((a) => [a.action, a.key])).toEqual([
      ['create', 'C'],
      ['create', 'D'],
    ]);
    expect(d.errors).toEqual([
      {
        address: 'desk.ticket_states["E"]',
        message: 'creating it would make 5 ticket states at Acme Desk (inactive ones count too); the limit is 4 per account',
      },
    ]);
  });

  it('counts per value of the grouping field: another group has room of its own', () => {
    const there = [live('A', { kind: 'open' }), live('B', { kind: 'open' })];
    const d = diffAccount(account([item('C', { kind: 'open' }), item('D', { kind: 'hold' })]), acme(perKind(2, 'listed')), read(there), {});
    expect(d.actions.map((a) => a.key)).toEqual(['D']);
    expect(d.errors.map((e) => [e.address, e.message])).toEqual([
      [
        'desk.ticket_states["C"]',
        'creating it would make 3 ticket states in the open kind at Acme Desk (inactive ones count too); the limit is 2 per kind',
      ],
    ]);
  });

  it('counting active items, a deactivation in the same plan frees no slot (apply deactivates last), and a reactivation takes one', () => {
    const a = live('A', { kind: 'open' });
    const b = live('B', { kind: 'open' }, false);
    const leaving = live('Leaving', { kind: 'open' });
    const d = diffAccount(
      account([item('A', { kind: 'open' }), item('B', { kind: 'open' }), item('C', { kind: 'open' })], true),
      acme(perKind(2, 'active')),
      read([a, b, leaving]),
      owned([a, b, leaving]),
    );
    expect(d.actions.map((x) => [x.action, x.key])).toEqual([['deactivate', 'Leaving']]);
    const first = "; the plan's 1 removal(s) there run after its additions: apply them first (--target)";
    expect(d.errors.map((e) => [e.address, e.message])).toEqual([
      [
        'desk.ticket_states["B"]',
        `reactivating it would make 3 active ticket states in the open kind at Acme Desk; the limit is 2 per kind${first}`,
      ],
      [
        'desk.ticket_states["C"]',
        `creating it would make 3 active ticket states in the open kind at Acme Desk; the limit is 2 per kind${first}`,
      ],
    ]);
  });

  it('counting active items, a deactivation applied first leaves room for the create that follows', () => {
    const a = live('A', { kind: 'open' });
    const gone = { ...live('Leaving', { kind: 'open' }), active: false };
    const d = diffAccount(
      account([item('A', { kind: 'open' }), item('C', { kind: 'open' })], true),
      acme(perKind(2, 'active')),
      read([a, gone]),
      owned([a, gone]),
    );
    expect(d.errors).toEqual([]);
    expect(d.actions.map((x) => [x.action, x.key])).toEqual([['create', 'C']]);
  });

  it('counts an update that moves an item into another group as one more there', () => {
    const there = [live('A', { kind: 'open' }), live('B', { kind: 'hold' })];
    const d = diffAccount(account([item('B', { kind: 'open' })]), acme(perKind(1, 'active')), read(there), owned(there));
    expect(d.actions).toEqual([]);
    expect(d.errors.map((e) => e.message)).toEqual([
      'this change would make 2 active ticket states in the open kind at Acme Desk; the limit is 1 per kind',
    ]);
  });

  it('does not refuse an account already past a limit for changes that add nothing to the count', () => {
    const there = [live('A', { kind: 'open', note: 'x' }), live('B', { kind: 'open' }), live('C', { kind: 'open' })];
    const d = diffAccount(account([item('A', { kind: 'open', note: 'y' })]), acme(perKind(2, 'listed')), read(there), owned(there));
    expect(d.errors).toEqual([]);
    expect(d.actions.map((a) => [a.action, a.key])).toEqual([['update', 'A']]);
  });

  it('does not count a change one limit refused against another: the next change still fits', () => {
    const limits = [
      { max: 4, counts: 'listed' as const },
      { max: 2, per: { field: 'kind', name: 'kind' }, counts: 'listed' as const },
    ];
    const there = [live('A', { kind: 'pending' })];
    const wanted = [
      item('P1', { kind: 'pending' }),
      item('P2', { kind: 'pending' }),
      item('O1', { kind: 'open' }),
      item('O2', { kind: 'open' }),
    ];
    const d = diffAccount(account(wanted), acme({ limits }), read(there), {});
    expect(d.actions.map((a) => a.key)).toEqual(['P1', 'O1', 'O2']);
    expect(d.errors.map((e) => e.address)).toEqual(['desk.ticket_states["P2"]']);
  });

  it('gives a change past two limits both reasons', () => {
    const limits = [
      { max: 2, counts: 'listed' as const },
      { max: 1, per: { field: 'kind', name: 'kind' }, counts: 'listed' as const },
    ];
    const there = [live('A', { kind: 'open' }), live('B', { kind: 'hold' })];
    const d = diffAccount(account([item('C', { kind: 'open' })]), acme({ limits }), read(there), {});
    expect(d.errors.map((e) => e.message)).toEqual([
      'creating it would make 3 ticket states at Acme Desk (inactive ones count too); the limit is 2 per account; and ' +
        'creating it would make 2 ticket states in the open kind at Acme Desk (inactive ones count too); the limit is 1 per kind',
    ]);
  });
});

describe('count limits at validate: the declared items alone, where the first one past a limit is written', () => {
  const limits = [
    { max: 3, counts: 'listed' as const },
    { max: 1, per: { field: 'kind', name: 'kind' }, counts: 'listed' as const },
  ];
  const at = (line: number) => ({ file: 'statusform.yaml', line, col: 5 });

  it('names the first item past each limit, by its address and line, for any vendor that declares limits', () => {
    const items = ['A', 'B', 'C', 'D'].map((k, i) => ({ ...item(k, { kind: k === 'B' ? 'open' : 'hold' }), position: at(10 + i) }));
    const problems: ConfigProblem[] = [];
    checkItems('desk', acme({ limits }), items, ['open', 'hold'], problems);
    expect(problems.map((p) => `${p.position.line}: ${p.message}`)).toEqual([
      '13: desk.ticket_states["D"]: more than 3 ticket states: Acme Desk allows 3 per account',
      '12: desk.ticket_states["C"]: more than 1 ticket states in the hold kind: Acme Desk allows 1 per kind',
    ]);
  });

  it('says nothing for a vendor that declares no limits', () => {
    const problems: ConfigProblem[] = [];
    checkItems(
      'desk',
      acme({}),
      ['A', 'B', 'C', 'D'].map((k) => item(k, { kind: 'hold' })),
      ['hold'],
      problems,
    );
    expect(problems).toEqual([]);
  });
});
