// The JSON Schema of one `apply --json` event line as published (schemas/apply-events.schema.json),
// from src/render/apply-events.ts. A test keeps the file current.

import { buildApplyEventsSchema } from '../src/render/apply-events-schema.js';

export function applyEventsSchemaText(): string {
  return `${JSON.stringify(buildApplyEventsSchema(), null, 2)}\n`;
}
