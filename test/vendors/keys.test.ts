// What makes a key is declared, not packed into a string and split again: a vendor whose key is
// several fields names them, and every item it declares carries them in its fields.

import { describe, expect, it } from 'vitest';
import { adapters } from '../../src/vendors/registry.js';
import { propertydeck } from '../../src/vendors/propertydeck/adapter.js';

const ctx = { categories: ['open', 'pending'], problem: () => undefined, positionOf: () => ({ file: 'statusform.yaml', line: 1, col: 1 }) };

describe('keys made of several fields', () => {
  it.each(adapters.map((a) => [a.vendor, a] as const))('%s: what cannot change in place is part of the key', (_, adapter) => {
    const keyFields = adapter.keyFields ?? [];
    expect((adapter.replaceOn ?? []).filter((f) => !keyFields.includes(f))).toEqual([]);
  });

  it('a Property Deck status declares its type and label as fields, and only a change of type needs a new status', () => {
    expect(propertydeck.keyFields).toEqual(['type', 'label']);
    expect(propertydeck.replaceOn).toEqual(['type']);
    const [item] = propertydeck.desiredItems({ statuses: [{ label: 'Sold: STC', type: 'property', maps_to: 'pending' }] }, ctx);
    expect(item).toMatchObject({ key: 'property:Sold: STC', fields: { type: 'property', label: 'Sold: STC' } });
  });
});
