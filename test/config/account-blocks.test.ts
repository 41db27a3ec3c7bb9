// `shards --changed-since`: which accounts a change of a config file or of the state touches.

import { describe, expect, it } from 'vitest';
import { changedAccountsInConfig, changedAccountsInState } from '../../src/config/account-blocks.js';

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
