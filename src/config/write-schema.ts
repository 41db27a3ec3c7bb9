// Writes schemas/statusform.schema.json from the adapters (npm run schema). A test keeps the file current.

import { writeFileSync } from 'node:fs';
import { adapters } from '../vendors/registry.js';
import { buildSchema } from './schema.js';

export function schemaText(): string {
  return `${JSON.stringify(buildSchema(adapters), null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL('../../schemas/statusform.schema.json', import.meta.url), schemaText());
}
