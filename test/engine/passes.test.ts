// The diff's last stages on their own: rename hints, unique-field staging and dependency links,
// each a pure function of the classified actions.

import { describe, expect, it } from 'vitest';
import { linkDependencies, renameHints, stageUniqueUpdates } from '../../src/engine/diff/passes.js';
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
  it('a removal beside a similar create gets one hint on the create', () => {
    const notes = renameHints(['Old'], [act('Gold', 'create'), act('X', 'update')], (gone, created) => (created.endsWith(gone.slice(1)) ? `like ${gone}` : undefined));
    expect(notes).toEqual([{ address: 'acc.s["Gold"]', kind: 'possible_rename', message: 'like Old' }]);
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
