import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schemaText, validatorText } from '../../src/config/write-schema.js';

describe('the published JSON Schema', () => {
  it('is exactly what the adapters declare (run `npm run schema` after changing one)', () => {
    const onDisk = readFileSync(new URL('../../schemas/statusform.schema.json', import.meta.url), 'utf8');
    expect(onDisk).toBe(schemaText());
  });

  it('is what the precompiled validator checks (run `npm run schema` after changing one)', () => {
    const generated = readFileSync(new URL('../../src/config/validate-config.generated.ts', import.meta.url), 'utf8');
    expect(generated).toBe(validatorText());
  });
});
