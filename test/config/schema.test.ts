import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schemaText, validatorText } from '../../scripts/config-schema.js';
import { adapters } from '../../src/vendors/registry.js';

describe('the published JSON Schema', () => {
  it('is exactly what the adapters declare (run `npm run schema` after changing one)', () => {
    const onDisk = readFileSync(new URL('../../schemas/statusform.schema.json', import.meta.url), 'utf8');
    expect(onDisk).toBe(schemaText());
  });

  it('is what the precompiled validator checks (run `npm run schema` after changing one)', () => {
    const generated = readFileSync(new URL('../../src/config/validate-config.generated.ts', import.meta.url), 'utf8');
    expect(generated).toBe(validatorText());
  });

  it("holds a vendor-only setting such as allow_delete only in that vendor's accounts, as the adapter declares it", () => {
    for (const a of adapters) {
      const setting = a.hardDeleteSetting;
      if (!a.capabilities.hardDelete) expect(setting, a.vendor).toBeUndefined();
      else expect(a.accountSchema.properties[setting!], a.vendor).toMatchObject({ type: 'boolean', default: false });
    }
    const definitions = (JSON.parse(schemaText()) as { definitions: Record<string, { properties?: Record<string, unknown> }> }).definitions;
    const withAllowDelete = Object.keys(definitions).filter((d) => definitions[d]!.properties?.['allow_delete'] !== undefined);
    expect(withAllowDelete).toEqual(['propertydeck_account']);
  });
});
