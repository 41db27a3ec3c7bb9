import fc from 'fast-check';
import { createHash } from 'node:crypto';
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

  it('digests are the SHA-256 of the canonical JSON, though made in pieces (saved plans from before stay valid)', () => {
    const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withObjectString: true, maxDepth: 4 }), (v) => {
        expect(digest(v)).toBe(sha(canonicalJson(v)));
      }),
    );
    const big = {
      accounts: Array.from({ length: 300 }, (_, i) => ({ name: `office-${i}`, items: Array.from({ length: 65 }, (_, j) => ({ j })) })),
    };
    expect(digest(big)).toBe(sha(canonicalJson(big)));
  });
});
