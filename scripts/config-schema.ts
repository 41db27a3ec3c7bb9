// The config's JSON Schema as published (schemas/statusform.schema.json, for editors) and its
// precompiled ajv validator (src/config/validate-config.generated.ts, so start-up does not
// compile the schema), both from the adapters. A test keeps both current.

import { Ajv } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import { buildSchema } from '../src/config/schema.js';
import { adapters } from '../src/vendors/registry.js';
import { standaloneModule } from './generated-module.js';

const AJV_OPTIONS = { allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true } as const;

export function schemaText(): string {
  return `${JSON.stringify(buildSchema(adapters), null, 2)}\n`;
}

export function validatorText(): string {
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true } });
  // The loader validates after substituting the environment: the runtime schema has no `${NAME}` alternatives.
  return standaloneModule(standalone.default(ajv, ajv.compile(buildSchema(adapters, { envReferences: false }))), "the adapters' schemas");
}
