// The plan's JSON Schema as published (schemas/plan.schema.json): the strict form of what
// src/plan-file/wire-schema.ts builds. A test keeps the file current.

import { buildPlanSchema } from '../src/plan-file/wire-schema.js';

export function planSchemaText(): string {
  return `${JSON.stringify(buildPlanSchema({ strict: true }), null, 2)}\n`;
}
