// `shards --changed-since`: which accounts a change of a config file or of the state touches.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changedAccountsInConfig, changedAccountsInState } from '../../src/config/account-blocks.js';
import { yamlData } from '../../src/config/documents.js';
import { canonicalJson } from '../../src/digest.js';

const before =
  'version: 1\naccounts:\n  a: { vendor: thalamus, token: x, status_variants: [] }\n' +
  '  b: { vendor: thalamus, token: y, status_variants: [] }\n';

describe('changed accounts', () => {
  it('a config file: only the accounts whose block changed (key order does not count)', () => {
    const after = before
      .replace('b: { vendor: thalamus, token: y', 'b: { vendor: thalamus, token: z')
      .replace('a: { vendor: thalamus, token: x, status_variants: [] }', 'a: { token: x, vendor: thalamus, status_variants: [] }');
    expect(changedAccountsInConfig(before, after)).toEqual({ accounts: ['b'], everyAccount: false });
  });

  it('a new file: all its accounts; a shared setting or a broken file: every account', () => {
    expect(changedAccountsInConfig(undefined, before).accounts).toEqual(['a', 'b']);
    expect(changedAccountsInConfig(before, `categories: [open, closed]\n${before}`).everyAccount).toBe(true);
    expect(changedAccountsInConfig(before, 'accounts: [').everyAccount).toBe(true);
  });

  it('a state file: the accounts whose entry changed', () => {
    const s = (a: number, b: number) => JSON.stringify({ serial: a + b, accounts: { a: { items: { x: a } }, b: { items: { y: b } } } });
    expect(changedAccountsInState(s(1, 1), s(1, 2))).toEqual(['b']);
    expect(changedAccountsInState(s(1, 1), 'not json')).toBeUndefined();
  });
});

describe('changed accounts, from the cut of both versions', () => {
  /** What the accounts' data says changed: the definition the cut must agree with. */
  const oracle = (before: string, after: string) => {
    const then = yamlData(before)!.data as Record<string, Record<string, unknown>>;
    const now = yamlData(after)!.data as Record<string, Record<string, unknown>>;
    const rest = (d: Record<string, unknown>) => canonicalJson({ ...d, accounts: undefined });
    if (rest(now) !== rest(then)) return { accounts: [], everyAccount: true };
    const a = now['accounts'] ?? {};
    const b = then['accounts'] ?? {};
    return { accounts: Object.keys(a).filter((n) => canonicalJson(a[n]) !== canonicalJson(b[n])), everyAccount: false };
  };
  // A `|+` scalar keeps the blank lines after it: last in the block, they are part of its data.
  const block = (name: string, token: string, label: string, note: string) =>
    `  ${name}:\n    vendor: thalamus\n    token: ${token}\n    status_variants:\n      - { id: v1, label: "${label}", maps_to: open }\n${note}`;
  const edit = fc.constantFrom(
    'none',
    'token',
    'label',
    'comment before the next block',
    'blank line at the end',
    'quote style',
    'key order',
    'kept scalar trailing line',
  );

  it('names exactly the accounts whose data changed, whatever was edited, and every account for a shared setting', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,5}$/), { minLength: 1, maxLength: 5 }),
        fc.array(edit, { minLength: 5, maxLength: 5 }),
        fc.constantFrom('none', 'comment', 'categories'),
        fc.boolean(),
        (names, edits, header, reorder) => {
          const keep = '    note: |+\n      kept\n';
          const before = `version: 1\naccounts:\n${names.map((n) => block(n, 'tok', 'Open', keep)).join('')}`;
          const blocks = names.map((n, i) => {
            const e = edits[i]!;
            let b = block(
              n,
              e === 'token' ? 'tok2' : 'tok',
              e === 'label' ? 'Opened' : 'Open',
              e === 'kept scalar trailing line' ? `${keep}\n` : keep,
            );
            if (e === 'comment before the next block') b += '  # the next one is new\n';
            if (e === 'blank line at the end') b += '\n';
            if (e === 'quote style') b = b.replace('token: tok', "token: 'tok'");
            if (e === 'key order') b = b.replace('    vendor: thalamus\n    token: tok\n', '    token: tok\n    vendor: thalamus\n');
            return b;
          });
          if (reorder) blocks.reverse();
          const top =
            header === 'categories'
              ? 'version: 1\ncategories: [open, closed]\n'
              : header === 'comment'
                ? '# ops\nversion: 1\n'
                : 'version: 1\n';
          const after = `${top}accounts:\n${blocks.join('')}`;
          const got = changedAccountsInConfig(before, after);
          const want = oracle(before, after);
          expect(got.everyAccount).toBe(want.everyAccount);
          expect([...got.accounts].sort()).toEqual([...want.accounts].sort());
        },
      ),
      { numRuns: 200 },
    );
  });
});
