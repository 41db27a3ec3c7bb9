// Issue 22, item 7: every published schema (schemas/*.json) is one any validator accepts — ajv
// compiles it with its default options and no strict-mode warning (no union `type` lists), and
// it passes the meta-schema it names (draft-07).

import { readFileSync, readdirSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../schemas/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('the published schemas', () => {
  it('are all here', () => {
    expect(files.sort()).toEqual(['apply-events.schema.json', 'plan.schema.json', 'statusform.schema.json']);
  });

  it.each(files)('%s compiles in ajv with default options, without a strict-mode warning', (file) => {
    const schema = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Record<string, unknown>;
    const said: string[] = [];
    const logger = { log: () => {}, warn: (...a: unknown[]) => said.push(a.join(' ')), error: (...a: unknown[]) => said.push(a.join(' ')) };
    expect(() => new Ajv({ logger }).compile(schema)).not.toThrow();
    expect(said).toEqual([]);
    expect(() => new Ajv({ strictTypes: true, logger }).compile(schema)).not.toThrow();
  });

  it.each(files)('%s passes its meta-schema (draft-07)', (file) => {
    const schema = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Record<string, unknown>;
    expect(schema['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    const ajv = new Ajv({ validateSchema: false });
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
  });
});
