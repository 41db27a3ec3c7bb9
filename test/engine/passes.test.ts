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
const declared = (key: string, dependsOn: string[] = [], fields = {}): DesiredItem => ({
  key,
  fields,
  dependsOn,
  renamedFrom: [],
  position: pos,
});
const row = (key: string, sort_order: number): LiveItem => ({ key, id: key, fields: { sort_order }, active: true });

describe('passes: after classification', () => {
  const pd: KeyShape = { fold: (k) => k.toLowerCase(), keyFields: ['type', 'label'], replaceOn: ['type'], renamedFrom: true };
  /** Keyed by one field, its label (Zendesk's agent_label, TimeTap's sub_status). */
  const zd: KeyShape = { fold: (k) => k.toLowerCase(), keyFields: [], replaceOn: [], renamedFrom: true };
  const named = (key: string) => ({ key, fields: { agent_label: key } });
  const status = (type: string, label: string) => ({ key: `${type}:${label}`, fields: { type, label } });

  it('a create whose key folds like one leaving the config looks like an undeclared rename', () => {
    expect(relation(status('property', 'Sold'), status('property', 'SOLD'), pd)).toEqual({ kind: 'rename' });
    expect(relationNote(status('property', 'Sold'), status('property', 'SOLD'), pd, 'acme', 'with prune')).toContain(
      'did you mean `renamed_from: ["Sold"]`?',
    );
  });

  it('a create beside an owned item leaving the config under a similar label is hinted with the renamed_from to add', () => {
    // Property Deck: same type, the label edited (a few characters, or one label inside the other); renamed_from names the old label.
    expect(relation(status('property', 'Sold STC'), status('property', 'Sold (STC)'), pd)).toEqual({ kind: 'similar' });
    expect(relation(status('contact', 'Pending'), status('contact', 'Pending review'), pd)).toEqual({ kind: 'similar' });
    expect(relationNote(status('property', 'Under Offer'), status('property', 'Under offer (agreed)'), pd, 'acme', 'with prune')).toBe(
      'looks like a rename of "property:Under Offer": did you mean `renamed_from: ["Under Offer"]`? It renames the item ' +
        "in place, keeping the vendor's identity; without it, this creates a new item and the old one goes only with prune",
    );
    // Keys of one field (Zendesk, TimeTap): renamed_from names the old key.
    expect(relationNote(named('Waiting on customer'), named('Waiting on the customer'), zd, 'acme', 'with prune')).toContain(
      'did you mean `renamed_from: ["Waiting on customer"]`?',
    );
    expect(relation(named('CHECKEDIN'), named('CHECKED_IN'), zd)).toEqual({ kind: 'similar' });
    expect(relation(named('NO_SHOW'), named('NO-SHOW'), zd)).toEqual({ kind: 'similar' });
  });

  it('unrelated labels, a changed type, or a config without renamed_from get no rename hint', () => {
    expect(relation(status('property', 'Sold'), status('property', 'Let'), pd)).toBeUndefined();
    expect(relation(named('Open'), named('Closed'), zd)).toBeUndefined();
    expect(relation(named('Won'), named('Lost'), zd)).toBeUndefined();
    expect(relation(named('CHECKEDIN'), named('CANCELLED'), zd)).toBeUndefined();
    // A type change is a replacement, whatever the label.
    expect(relation(status('property', 'Pending'), status('contact', 'Pending review'), pd)).toBeUndefined();
    // A vendor whose config has no renamed_from (TimeTap-like): nothing to suggest for an edited key.
    const tt: KeyShape = { keyFields: [], replaceOn: [] };
    expect(relation(named('CHECKEDIN'), named('CHECKED_IN'), tt)).toEqual({ kind: 'similar' });
    expect(relationNote(named('CHECKEDIN'), named('CHECKED_IN'), tt, 'acme', 'with prune')).toBeUndefined();
  });

  it('each create gets at most one hint, from the first item leaving that relates to it', () => {
    const creates = [
      act('Pending review', 'create', { after: { agent_label: 'Pending review' } }),
      act('Follow up', 'create', { after: { agent_label: 'Follow up' } }),
    ];
    const notes = renameHints([named('Pending'), named('Pending customer'), named('Follow-up')], creates, (gone, created) =>
      relationNote(gone, created, zd, 'acme', 'with prune'),
    );
    expect(notes.map((n) => [n.address, n.message.match(/renamed_from: \[(.*?)\]/)![1]])).toEqual([
      ['acc.s["Pending review"]', '"Pending"'],
      ['acc.s["Follow up"]', '"Follow-up"'],
    ]);
  });

  it('a change of a field the vendor cannot change in place is a replacement, read from the fields, never from the key', () => {
    expect(relation(status('property', 'Viewing'), status('contact', 'viewing'), pd)).toEqual({ kind: 'replace', fields: ['type'] });
    // The key says nothing the fields do not: a key that would split otherwise changes nothing.
    expect(
      relation({ key: 'x', fields: { type: 'property', label: 'A:B' } }, { key: 'y', fields: { type: 'contact', label: 'A:B' } }, pd),
    ).toEqual({ kind: 'replace', fields: ['type'] });
    expect(relation(status('property', 'Viewing'), status('contact', 'Sold'), pd)).toBeUndefined();
    expect(relationNote(status('property', 'Viewing'), status('contact', 'Viewing'), pd, 'acme', 'with prune')).toBe(
      'looks like a type change of "property:Viewing": acme cannot change an item\'s type, ' +
        'so this creates a new one; the old one goes only with prune',
    );
  });

  it('without a fold or replaceOn, keys are unrelated unless they look alike', () => {
    expect(relation(status('property', 'A'), status('contact', 'A'), { keyFields: [], replaceOn: [] })).toBeUndefined();
  });

  it('a removal beside a related create gets one hint on the create', () => {
    const notes = renameHints(
      [status('property', 'Old')],
      [act('contact:Old', 'create', { after: { type: 'contact', label: 'Old' } }), act('X', 'update')],
      (gone, created) => relationNote(gone, created, pd, 'acme', 'with prune'),
    );
    expect(notes).toEqual([
      {
        address: 'acc.s["contact:Old"]',
        kind: 'possible_rename',
        message: expect.stringContaining('looks like a type change of "property:Old"'),
      },
    ]);
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

    const removed = linkDependencies([act('x', 'deactivate'), act('y', 'deactivate')], [], [], {
      y: { id: 1, fields: {}, active: true, dependsOn: ['x'] },
    });
    expect(removed.find((a) => a.key === 'x')!.depends_on).toEqual(['acc.s["y"]']);

    const cyclic = linkDependencies([act('a', 'create'), act('b', 'create')], [declared('a', ['b']), declared('b', ['a'])], [], {});
    expect(cyclic.flatMap((a) => a.depends_on)).toEqual(['acc.s["b"]']);
  });
});
