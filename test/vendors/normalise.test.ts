// What counts as the same label or key: Unicode NFC, ordinary white space folded, other spaces kept.

import { describe, expect, it } from 'vitest';
import { invisibleDifference, key, label, lookalike, showInvisible } from '../../src/vendors/normalise.js';
import { timetap } from '../../src/vendors/timetap/adapter.js';

describe('labels and keys', () => {
  it('compare in Unicode NFC', () => {
    expect(label('Cafe\u0301')).toBe('Caf\u00E9');
    expect(key(' Cafe\u0301 ')).toBe('Caf\u00E9');
  });

  it('fold runs of ordinary white space, but keep a no-break space as written so the vendor value round-trips', () => {
    expect(label(' Sold \t STC\n')).toBe('Sold STC');
    expect(label('Sold\u00A0STC')).toBe('Sold\u00A0STC');
    expect(label('Sold \u00A0 STC')).toBe('Sold \u00A0 STC');
  });

  it('a TimeTap sub_status declared in NFD is the NFC key', () => {
    const items = timetap.desiredItems(
      { statuses: [{ sub_status: 'CAFE\u0301', status: 'OPEN', maps_to: 'open' }] },
      { categories: ['open'], problem: () => undefined, positionOf: () => ({ file: 'f', line: 1, col: 1 }) },
    );
    expect(items.map((i) => i.key)).toEqual(['CAF\u00C9']);
  });
});

describe('lookalikes: keys a reader cannot tell apart', () => {
  it('ignore normal form, zero-width characters and the kind of space, and say which made the difference', () => {
    for (const zw of ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF']) expect(lookalike(`Sold${zw} STC`)).toBe(lookalike('Sold STC'));
    expect(lookalike('Sold\u00A0STC')).toBe('Sold STC');
    expect(invisibleDifference('Sold\u200B STC', 'Sold STC')).toBe('U+200B ZERO WIDTH SPACE');
    expect(invisibleDifference('Sold\u00A0STC', 'Sold STC')).toBe('U+00A0 NO-BREAK SPACE');
    expect(invisibleDifference('Cafe\u0301', 'Caf\u00E9')).toBe('Unicode normal form');
    expect(showInvisible('"Sold\u200B\u00A0STC"')).toBe('"Sold\\u200B\\u00A0STC"');
  });
});
