// Adding imported items to a config file's text: wherever the list is (block, flow, empty, missing),
// the result reads back with the new items, and the text before and after them is the file's own.

import { describe, expect, it } from 'vitest';
import { Document, type Node, parse } from 'yaml';
import { appendItems } from '../../src/config/append-items.js';

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
