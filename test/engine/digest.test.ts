import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, digest } from '../../src/digest.js';

describe('canonical JSON', () => {
  it('is JSON that parses back to the same data, whatever the key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
    expect(digest({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe(digest({ a: [1, { c: 3, d: 2 }], b: 1 }));
  });
});
