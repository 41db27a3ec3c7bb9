// Config files edited in place: only the values written change; comments, their alignment,
// flow style, quoting and every other line stay byte for byte.

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { editItems, type NodeEdit } from '../../src/config/edit.js';

const FILE = `# yaml-language-server: $schema=../schemas/statusform.schema.json
version: 1
categories: [new, open, pending, hold, solved, closed]

accounts:
  estate:
    vendor: propertydeck
    statuses:
      - { label: "Sold STC", type: property, maps_to: pending }   # the one that moves
      - label: For Sale          # aligned comment
        type: property
        maps_to: open
  salon:
    vendor: timetap
    statuses:
      - { sub_status: CHECKEDIN, status: OPEN, maps_to: open }
      - sub_status: LATE
        status: OPEN
        depends_on: [CHECKEDIN]  # after it
        maps_to: open
  helpdesk:
    vendor: serieshr
    tickets:
      - { id: T-1, category: solved }   # by category
`;

const at = (needle: string, col: number) => ({ line: FILE.split('\n').findIndex((l) => l.includes(needle)) + 1, col });
const edit = (e: Partial<NodeEdit> & Pick<NodeEdit, 'at' | 'collection'>): NodeEdit => ({ set: {}, replace: [], ...e });
/** The lines that differ, as [before, after]. */
const changed = (a: string, b: string) => a.split('\n').flatMap((l, i) => (l === b.split('\n')[i] ? [] : [[l, b.split('\n')[i]]]));

describe('editing declared items in place', () => {
  it("writes a flow item's value keeping its style, its quotes and the comment beside it", () => {
    const r = editItems(FILE, [
      edit({ at: at('Sold STC', 9), collection: ['accounts', 'estate', 'statuses'], set: { label: 'Sold subject to contract' } }),
    ]);
    expect(r.problems).toEqual([]);
    expect(changed(FILE, r.text)).toEqual([
      [
        '      - { label: "Sold STC", type: property, maps_to: pending }   # the one that moves',
        '      - { label: "Sold subject to contract", type: property, maps_to: pending }   # the one that moves',
      ],
    ]);
  });

  it("writes a block item's values, quoting only what would read back as another type, and follows a rename in depends_on", () => {
    const r = editItems(FILE, [
      edit({
        at: at('CHECKEDIN, status', 9),
        collection: ['accounts', 'salon', 'statuses'],
        set: { sub_status: 'CHECKED_IN' },
        rekey: { from: 'CHECKEDIN', to: 'CHECKED_IN' },
      }),
      edit({ at: at('For Sale', 9), collection: ['accounts', 'estate', 'statuses'], set: { label: 'true' } }),
    ]);
    expect(r.problems).toEqual([]);
    expect(changed(FILE, r.text)).toEqual([
      ['      - label: For Sale          # aligned comment', '      - label: "true"          # aligned comment'],
      ['      - { sub_status: CHECKEDIN, status: OPEN, maps_to: open }', '      - { sub_status: CHECKED_IN, status: OPEN, maps_to: open }'],
      ['        depends_on: [CHECKEDIN]  # after it', '        depends_on: [CHECKED_IN]  # after it'],
    ]);
    expect(parse(r.text).accounts.estate.statuses[1].label).toBe('true');
  });

  it('replaces a key by another in place, and writes "${" as a literal', () => {
    const r = editItems(FILE, [
      edit({ at: at('T-1', 9), collection: ['accounts', 'helpdesk', 'tickets'], set: { status: 'in-progress' }, replace: ['category'] }),
    ]);
    expect(changed(FILE, r.text)).toEqual([
      ['      - { id: T-1, category: solved }   # by category', '      - { id: T-1, status: in-progress }   # by category'],
    ]);
    const literal = editItems(FILE, [
      edit({ at: at('For Sale', 9), collection: ['accounts', 'estate', 'statuses'], set: { label: 'Costs ${x}' } }),
    ]);
    expect(parse(literal.text).accounts.estate.statuses[1].label).toBe('Costs $${x}');
  });

  it('writes numbers and booleans plain, and says so when an item or a key of its own is not there', () => {
    const r = editItems(FILE, [
      edit({ at: at('sub_status: LATE', 9), collection: ['accounts', 'salon', 'statuses'], set: { status: 'CONFIRMED' } }),
      edit({ at: at('sub_status: LATE', 9), collection: ['accounts', 'salon', 'statuses'], set: { sort_order: 5 } }),
      edit({ at: { line: 2, col: 1 }, collection: ['accounts', 'salon', 'statuses'], set: { status: 'X' } }),
    ]);
    expect(r.problems.map((p) => p.message)).toEqual([
      'it has no sort_order of its own to write 5 to; write it by hand',
      'no item at line 2 of its statuses (written through a merge key or an alias?)',
    ]);
    expect(changed(FILE, r.text)).toEqual([['        status: OPEN', '        status: CONFIRMED']]);
  });

  it('never overwrites a value that comes from an environment variable', () => {
    const text = FILE.replace('label: For Sale ', 'label: ${LBL}   ');
    const r = editItems(text, [edit({ at: at('For Sale', 9), collection: ['accounts', 'estate', 'statuses'], set: { label: 'Sold' } })]);
    expect(r.problems.map((p) => p.message)).toEqual(['its label comes from an environment variable (${LBL}); set that to "Sold" instead']);
    expect(r.text).toBe(text);
  });

  it('never edits a value or an item shared through an anchor: the other places that use it would change too', () => {
    const shared = [
      'accounts:',
      '  support:',
      '    statuses:',
      '      - { agent_label: A, maps_to: pending, end_user_label: &eul In progress }',
      '      - { agent_label: B, maps_to: pending, end_user_label: *eul }',
      '      - &item { agent_label: C, maps_to: hold }',
      '',
    ].join('\n');
    const line = (needle: string) => shared.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const value = editItems(shared, [
      edit({
        at: { line: line('agent_label: A'), col: 9 },
        collection: ['accounts', 'support', 'statuses'],
        set: { end_user_label: 'Handled' },
      }),
    ]);
    expect(value.problems.map((p) => p.message)).toEqual(['its end_user_label is shared through &eul with other places; edit it by hand']);
    expect(value.text).toBe(shared);
    const item = editItems(shared, [
      edit({ at: { line: line('agent_label: C'), col: 15 }, collection: ['accounts', 'support', 'statuses'], set: { agent_label: 'D' } }),
    ]);
    expect(item.problems.map((p) => p.message)).toEqual(['it is shared through &item with other places; edit it by hand']);
    expect(item.text).toBe(shared);
  });

  it('keeps the line ends of a file written with CRLF, even for a value the yaml library writes over several lines', () => {
    const crlf = FILE.replaceAll('\n', '\r\n');
    const label = `Sold ${'subject to contract, '.repeat(5)}\nsecond line`;
    const r = editItems(crlf, [edit({ at: at('Sold STC', 9), collection: ['accounts', 'estate', 'statuses'], set: { label } })]);
    expect(r.problems).toEqual([]);
    expect(r.text).not.toMatch(/(^|[^\r])\n/);
    expect(parse(r.text).accounts.estate.statuses[0].label).toBe(label);
    // A file that mixes them is left as the library writes it.
    const mixed = `${FILE.slice(0, 20)}\r\n${FILE.slice(20)}`;
    expect(editItems(mixed, []).text).toBe(mixed);
  });
});
