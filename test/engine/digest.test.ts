import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CanonicalHash, canonicalJson, digest } from '../../src/digest.js';

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

  /** Any UTF-16 text: quotes, backslashes, control characters, lone and paired surrogates. */
  const anyText = fc
    .array(fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0x22, 0x5c, 0x0a, 0xd800, 0xdc00, 0x2028)), {
      maxLength: 12,
    })
    .map((units) => String.fromCharCode(...units));

  it('writes every string as JSON.stringify does, and keys sorted as JSON.stringify would after a sort', () => {
    const sorted = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sorted)
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
            )
          : v;
    const data = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, anyText, fc.integer(), fc.boolean(), fc.constant(null), tie('list'), tie('map')),
      list: fc.array(tie('value'), { maxLength: 4 }),
      map: fc.dictionary(anyText, tie('value'), { maxKeys: 4 }),
    })).value;
    fc.assert(
      fc.property(data, (v) => {
        expect(canonicalJson(v)).toBe(JSON.stringify(sorted(v)));
      }),
      { numRuns: 300 },
    );
  });

  // Pieces are whole strings (the writer never splits one, and writes a lone surrogate escaped).
  it('hashes text added in pieces, short and longer than its chunk, as the SHA-256 of the whole text', () => {
    const whole = fc.string({ unit: 'binary', maxLength: 12 });
    const piece = fc.oneof(
      whole,
      whole.map((t) => t.repeat(4000)),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const hash = new CanonicalHash();
        for (const p of pieces) hash.text(p);
        expect(hash.digest()).toBe(`sha256:${createHash('sha256').update(pieces.join('')).digest('hex')}`);
      }),
      { numRuns: 100 },
    );
  });
});
