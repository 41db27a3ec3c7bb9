// The diff's last stages on their own: rename hints, unique-field staging and dependency links,
// each a pure function of the classified actions.

import { describe, expect, it } from 'vitest';
import { linkDependencies, relation, relationNote, renameHints, stageUniqueUpdates, type KeyShape } from '../../src/engine/diff/passes.js';
import { phaseOf, type PlanAction } from '../../src/engine/plan.js';
import type { ActionKind, DesiredItem, LiveItem } from '../../src/model.js';

const pos = { file: 'statusform.yaml', line: 1, col: 1 };
const act = (key: string, action: ActionKind, extra: Partial<PlanAction> = {}): PlanAction => ({
  address: `acc.s[${JSON.stringify(key)}]`,
  account: 'acc',
  collection: 's',
  key,
  action,
  id: null,
  before: null,
  after: null,
  changes: [],
  depends_on: [],
  destructive: false,
  reason: 'config',
  phase: phaseOf(action),
  ...extra,
});
const declared = (key: string, dependsOn: string[] = [], fields = {}): DesiredItem => ({ key, fields, dependsOn, renamedFrom: [], position: pos });
const row = (key: string, sort_order: number): LiveItem => ({ key, id: key, fields: { sort_order }, active: true });

describe('passes: after classification', () => {
  const pd: KeyShape = { fold: (k) => k.toLowerCase(), keyFields: ['type', 'label'], replaceOn: ['type'] };
  const status = (type: string, label: string) => ({ key: `${type}:${label}`, fields: { type, label } });

  it('a create whose key folds like one leaving the config looks like an undeclared rename', () => {
    expect(relation(status('property', 'Sold'), status('property', 'SOLD'), pd)).toEqual({ kind: 'rename' });
    expect(relationNote(status('property', 'Sold'), status('property', 'SOLD'), pd, 'acme', 'with prune')).toContain('declare renamed_from');
  });

  it('a change of a field the vendor cannot change in place is a replacement, read from the fields, never from the key', () => {
    expect(relation(status('property', 'Viewing'), status('contact', 'viewing'), pd)).toEqual({ kind: 'replace', fields: ['type'] });
    // The key says nothing the fields do not: a key that would split otherwise changes nothing.
    expect(relation({ key: 'x', fields: { type: 'property', label: 'A:B' } }, { key: 'y', fields: { type: 'contact', label: 'A:B' } }, pd)).toEqual({ kind: 'replace', fields: ['type'] });
    expect(relation(status('property', 'Viewing'), status('contact', 'Sold'), pd)).toBeUndefined();
    expect(relationNote(status('property', 'Viewing'), status('contact', 'Viewing'), pd, 'acme', 'with prune')).toBe(
      'looks like a type change of "property:Viewing": acme cannot change an item\'s type, so this creates a new one; the old one goes only with prune',
    );
  });

  it('without a fold or replaceOn, keys are unrelated', () => {
    expect(relation(status('property', 'A'), status('contact', 'A'), { keyFields: [], replaceOn: [] })).toBeUndefined();
  });

  it('a removal beside a related create gets one hint on the create', () => {
    const notes = renameHints([status('property', 'Old')], [act('contact:Old', 'create', { after: { type: 'contact', label: 'Old' } }), act('X', 'update')], (gone, created) => relationNote(gone, created, pd, 'acme', 'with prune'));
    expect(notes).toEqual([{ address: 'acc.s["contact:Old"]', kind: 'possible_rename', message: expect.stringContaining('looks like a type change of "property:Old"') }]);
  });

  it('a swap of a unique field goes through temporary values above everything in play, and a create without one takes the first free value', () => {
    const live = [row('A', 1), row('B', 2)];
    const actions = [
      act('A', 'update', { before: { sort_order: 1 }, after: { sort_order: 2 }, changes: [{ field: 'sort_order', before: 1, after: 2 }] }),
      act('B', 'update', { before: { sort_order: 2 }, after: { sort_order: 1 }, changes: [{ field: 'sort_order', before: 2, after: 1 }] }),
      act('C', 'create', { after: { label: 'C' } }),
    ];
    const staged = stageUniqueUpdates(actions, live, [], 'sort_order');
    expect(staged.map((a) => [a.key, a.via?.['sort_order'], a.after?.['sort_order']])).toEqual([
      ['A', 4, 2],
      ['B', 5, 1],
      ['C', undefined, 3],
    ]);
    expect(actions[0]!.via).toBeUndefined(); // the input is left as it was
  });

  it('creates wait for what they depend on, removals for their dependents, and a remembered edge that would close a cycle is left out', () => {
    const created = linkDependencies([act('b', 'create'), act('a', 'create')], [declared('b', ['a']), declared('a')], [], {});
    expect(created.find((a) => a.key === 'b')!.depends_on).toEqual(['acc.s["a"]']);

    const removed = linkDependencies([act('x', 'deactivate'), act('y', 'deactivate')], [], [], { y: { id: 1, fields: {}, active: true, dependsOn: ['x'] } });
    expect(removed.find((a) => a.key === 'x')!.depends_on).toEqual(['acc.s["y"]']);

    const cyclic = linkDependencies([act('a', 'create'), act('b', 'create')], [declared('a', ['b']), declared('b', ['a'])], [], {});
    expect(cyclic.flatMap((a) => a.depends_on)).toEqual(['acc.s["b"]']);
  });
});
