// Issue 11, item 8: the published schema is standard JSON Schema that a strict validator accepts,
// and every shipped example (and the config reference in docs/configuration.md) validates against it as written,
// `${VAR}` references and all (no environment substitution: what an editor sees).

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const schema = JSON.parse(readFileSync(new URL('schemas/statusform.schema.json', root), 'utf8')) as Record<string, unknown>;
const readme = readFileSync(new URL('docs/configuration.md', root), 'utf8');

function validator() {
  // ajv's strict mode: unknown keywords (like `discriminator`), ignored `type`s and such are errors.
  return new Ajv({ strict: true, allErrors: true, allowUnionTypes: true }).compile(schema);
}

const sources: [string, string][] = [
  ...readdirSync(new URL('examples/', root), { withFileTypes: true })
    // A directory of account files is checked by the loader (test/config/account-files.test.ts).
    .filter((e) => e.isDirectory() && !existsSync(new URL(`examples/${e.name}/accounts/`, root)))
    .flatMap((e) =>
      readdirSync(new URL(`examples/${e.name}/`, root))
        .filter((f) => f === 'statusform.yaml')
        .map((f): [string, string] => [`examples/${e.name}/${f}`, readFileSync(new URL(`examples/${e.name}/${f}`, root), 'utf8')]),
    ),
  [
    'docs/configuration.md config reference',
    [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes('version: 1') && b.includes('accounts:'))!,
  ],
];

describe('the config schema, for editors and validators', () => {
  it('uses standard keywords only (strict ajv compiles it)', () => {
    expect(() => validator()).not.toThrow();
    expect(JSON.stringify(schema)).not.toContain('discriminator');
  });

  it.each(sources)('validates %s with zero errors, ${VAR} references as written', (_name, text) => {
    const validate = validator();
    const ok = validate(parse(text));
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 1)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('allows ${VAR} where a number or boolean may come from the environment, and nowhere it is not a reference', () => {
    const validate = validator();
    const config = (v: unknown) => ({
      version: 1,
      accounts: { x: { vendor: 'thalamus', token: 't', prune: v, max_wait_seconds: v, status_variants: [] } },
    });
    expect(validate(config('${PRUNE}'))).toBe(true);
    expect(validate(config('yes'))).toBe(false);
  });

  it('gives one error for an unknown vendor, not one per vendor', () => {
    const validate = validator();
    validate({ version: 1, accounts: { x: { vendor: 'Thalamus', token: 't', status_variants: [] } } });
    expect(validate.errors!.map((e) => `${e.instancePath} ${e.keyword}`)).toEqual(['/accounts/x/vendor enum']);
  });
});
