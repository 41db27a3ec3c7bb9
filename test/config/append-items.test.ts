// Adding imported items to a config file's text: wherever the list is (block, flow, empty, missing),
// the result reads back with the new items, and the text before and after them is the file's own.

import { describe, expect, it } from 'vitest';
import { Document, type Node, parse } from 'yaml';
import { appendItems } from '../../src/config/append-items.js';
import { RefusedError } from '../../src/errors.js';

function newItem(): Node[] {
  const node = new Document().createNode({ label: 'X', type: 'contact' }) as Node;
  node.commentBefore = ' Review: maps_to is a guess';
  return [node];
}
const path = ['accounts', 'estate', 'statuses'];
const statusesOf = (text: string) => (parse(text) as { accounts: { estate: { statuses: unknown[] } } }).accounts.estate.statuses;

describe('adding imported items to a config file', () => {
  it('appends to a block list under its items, the note a comment above the item, and leaves what follows alone', () => {
    const text = 'version: 1\naccounts:\n  estate:\n    statuses:\n      - label: A   # mine\n\n\n  other: { vendor: x }\n';
    const out = appendItems(text, path, newItem());
    expect(out).toBe(
      'version: 1\naccounts:\n  estate:\n    statuses:\n      - label: A   # mine\n' +
        '      # Review: maps_to is a guess\n      - label: X\n        type: contact\n\n\n  other: { vendor: x }\n',
    );
  });

  it('keeps a list written in flow style in flow style, inside a flow mapping too', () => {
    for (const text of [
      'version: 1\naccounts:\n  estate: { vendor: pd, statuses: [{ label: A }] }\n',
      'version: 1\naccounts:\n  estate: { vendor: pd, statuses: [] }\n',
      'version: 1\naccounts:\n  estate: { vendor: pd }\n',
    ]) {
      const out = appendItems(text, path, newItem());
      expect(statusesOf(out).at(-1), text).toEqual({ label: 'X', type: 'contact' });
      expect(out).toContain('# Review: maps_to is a guess');
    }
  });

  it('turns an empty `[]` of a block mapping, or a missing list, into a block list at the right indentation', () => {
    for (const text of [
      'version: 1\naccounts:\n  estate:\n    vendor: pd\n    statuses: []\n  other: {}\n',
      'version: 1\naccounts:\n  estate:\n    vendor: pd   # c\n  other: {}\n',
      'version: 1\naccounts:\n  estate:\n    vendor: pd\n    statuses:\n  other: {}\n',
    ]) {
      const out = appendItems(text, path, newItem());
      expect(statusesOf(out), text).toEqual([{ label: 'X', type: 'contact' }]);
      expect(out).toContain('    statuses:');
      expect(out).toContain('\n      - label: X\n        type: contact\n');
      expect(out.endsWith('  other: {}\n')).toBe(true);
    }
  });

  it('adds to the top of an account file, and keeps CRLF line ends', () => {
    const out = appendItems('vendor: pd\r\ntoken: x\r\nstatuses:\r\n  - label: A\r\n', ['statuses'], newItem());
    expect(out).toBe(
      'vendor: pd\r\ntoken: x\r\nstatuses:\r\n  - label: A\r\n  # Review: maps_to is a guess\r\n  - label: X\r\n    type: contact\r\n',
    );
  });
});

describe('adding imported items where the file shares or inherits the list', () => {
  it('refuses an account that takes its keys from a `<<` merge key, whose inherited statuses would vanish', () => {
    const text =
      'version: 1\nshared: &base\n  vendor: pd\n  statuses:\n    - label: A\naccounts:\n  estate:\n    <<: *base\n    token: t\n';
    expect(() => appendItems(text, path, newItem())).toThrow(RefusedError);
    expect(() => appendItems(text, path, newItem())).toThrow(/`<<` merge key/);
  });

  it('refuses a list given as an alias (`statuses: *shared`), which other accounts may share', () => {
    const text = 'version: 1\nshared: &s\n  - label: A\naccounts:\n  estate:\n    vendor: pd\n    statuses: *s\n';
    expect(() => appendItems(text, path, newItem())).toThrow(/is an alias \(\*s\)/);
  });

  it('refuses a list whose anchor another account reads, since that account would change too', () => {
    const text =
      'version: 1\naccounts:\n  estate:\n    vendor: pd\n    statuses: &s\n      - label: A\n  other:\n    vendor: pd\n    statuses: *s\n';
    expect(() => appendItems(text, path, newItem())).toThrow(/would change other values of the file too/);
  });
});

describe('adding imported items to flow lists and files as editors write them', () => {
  it('adds after a trailing comma without writing a second one', () => {
    const text = 'vendor: pd\nstatuses: [{label: A, type: property}, ]\n';
    const out = appendItems(text, ['statuses'], newItem());
    expect(out).not.toMatch(/,\s*,/);
    expect(parse(out).statuses).toEqual([
      { label: 'A', type: 'property' },
      { label: 'X', type: 'contact' },
    ]);
  });

  it('adds on lines of their own before a `]` on its own line, at the items’ indentation, comments kept by their item', () => {
    for (const [text, expected] of [
      [
        'vendor: pd\nstatuses: [\n  {label: A, type: property},   # mine\n]\n',
        'vendor: pd\nstatuses: [\n  {label: A, type: property},   # mine\n  # Review: maps_to is a guess\n  { label: X, type: contact },\n]\n',
      ],
      [
        'vendor: pd\nstatuses: [\n  {label: A, type: property}   # mine\n]\n',
        'vendor: pd\nstatuses: [\n  {label: A, type: property},   # mine\n  # Review: maps_to is a guess\n  { label: X, type: contact }\n]\n',
      ],
    ] as const) {
      expect(appendItems(text, ['statuses'], newItem())).toBe(expected);
    }
  });

  it('keeps CRLF line ends when the `]` is on its own line', () => {
    const out = appendItems('vendor: pd\r\nstatuses: [\r\n  {label: A},\r\n]\r\n', ['statuses'], newItem());
    expect(out).toBe(
      'vendor: pd\r\nstatuses: [\r\n  {label: A},\r\n  # Review: maps_to is a guess\r\n  { label: X, type: contact },\r\n]\r\n',
    );
  });

  it('keeps a byte order mark at the start and adds the missing list at the keys’ own column', () => {
    const out = appendItems('\uFEFFvendor: pd\ntoken: x\n', ['statuses'], newItem());
    expect(out).toBe('\uFEFFvendor: pd\ntoken: x\nstatuses:\n  # Review: maps_to is a guess\n  - label: X\n    type: contact\n');
  });
});
