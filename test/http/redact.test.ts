// Secrets are scrubbed from every output in one pass over the text, however many accounts'
// credentials there are: nothing of a secret is left, in any form a vendor may echo it.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactor } from '../../src/http/redact.js';

/** Every form `redactor` promises to remove: as given, URI-encoded, as a query value, base64. */
const forms = (s: string) => [s, encodeURIComponent(s), new URLSearchParams({ s }).toString().slice(2), Buffer.from(s).toString('base64')];

describe('scrubbing secrets from output', () => {
  it('leaves no form of any secret, and no start of a long one, whatever text surrounds them', () => {
    const secret = fc.string({ unit: fc.constantFrom(...'abcXYZ0189-_~+/= é'.split('')), minLength: 4, maxLength: 24 });
    fc.assert(
      fc.property(
        fc.uniqueArray(secret, { minLength: 1, maxLength: 6 }),
        fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.nat(40)), { maxLength: 30 }),
        (secrets, parts) => {
          // Numbers pick a secret's form, or (for long ones) a cut-short start of it.
          const text = parts
            .map((p) => {
              if (typeof p === 'string') return p;
              const s = secrets[p % secrets.length]!;
              const all = forms(s);
              return p % 5 === 4 && s.length >= 16 ? s.slice(0, Math.max(8, Math.floor(s.length / 2)) + (p % 3)) : all[p % all.length]!;
            })
            .join('');
          const out = redactor(secrets)(text);
          for (const s of secrets) {
            for (const f of forms(s)) if (f.length >= 4) expect(out.split(REDACTED).join('\u0000')).not.toContain(f);
            if (s.length >= 16) expect(out.split(REDACTED).join('\u0000')).not.toContain(s.slice(0, Math.max(8, Math.floor(s.length / 2))));
          }
          expect(redactor(secrets)(out)).toBe(out);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('redacts secrets that overlap in the text as one span, leaving no piece of either', () => {
    const scrub = redactor(['abcdef12', 'ef12ghij']);
    expect(scrub('x abcdef12ghij y')).toBe(`x ${REDACTED} y`);
    expect(scrub('abcdef12 and ef12ghij')).toBe(`${REDACTED} and ${REDACTED}`);
  });

  it('leaves text without a secret as it is, and scrubs 300 accounts’ tokens from 2.5 MB in one pass', () => {
    const tokens = Array.from({ length: 300 }, (_, i) => `tok_${String(i).padStart(3, '0')}_${'k'.repeat(20)}`);
    const scrub = redactor(tokens);
    const line = '  ~ office-001.statuses["contact:Sold"] label: "Old" → "New"\n';
    const text = line.repeat(40_000);
    expect(scrub(text)).toBe(text);
    expect(scrub(`${text}${tokens[299]}`)).toBe(`${text}${REDACTED}`);
  });
});
