// Precompiles the answer shapes — every one a module of src/vendors exports, and the saved
// plan's — into src/http/answer-validators.generated.ts, keyed by the digest of each schema
// (`npm run schema`), so checking a vendor's answer never loads ajv's compiler. Found by looking
// at what the vendor folders export: a new vendor's shapes are precompiled with no list to edit.
// A test keeps the file current.

import { readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import { digest } from '../src/digest.js';
import { ANSWER_AJV_OPTIONS, type AnswerShape } from '../src/http/answer.js';
import { savedPlanShape } from '../src/plan-file/saved-plan.js';
import { standaloneModule } from './generated-module.js';

function isShape(v: unknown): v is AnswerShape {
  const s = v as Partial<AnswerShape> | null;
  return typeof s === 'object' && s !== null && typeof s.name === 'string' && typeof s.schema === 'object' && s.schema !== null;
}

/** The modules of a folder and its subfolders (.ts under vitest, .js once built). */
function modulesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && ['.ts', '.js'].includes(extname(e.name)) && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Every answer shape, each schema once, in digest order. */
export async function answerShapes(): Promise<{ digest: string; shape: AnswerShape }[]> {
  const found = new Map<string, AnswerShape>();
  const add = (shape: AnswerShape) => found.set(digest(shape.schema), shape);
  for (const file of modulesUnder(fileURLToPath(new URL('../src/vendors/', import.meta.url)))) {
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const value of Object.values(module)) if (isShape(value)) add(value);
  }
  add(savedPlanShape());
  return [...found].sort(([a], [b]) => (a < b ? -1 : 1)).map(([d, shape]) => ({ digest: d, shape }));
}

export async function answerValidatorsText(): Promise<string> {
  const shapes = await answerShapes();
  const ajv = new Ajv({ ...ANSWER_AJV_OPTIONS, code: { source: true, esm: true } });
  const refs: Record<string, string> = {};
  for (const [i, { shape }] of shapes.entries()) {
    const { $id: _id, ...schema } = shape.schema; // keyed by name here: an $id would be a second key
    ajv.addSchema(schema, `answer${i}`);
    refs[`answer${i}`] = `answer${i}`;
  }
  const table = shapes.map(({ digest: d, shape }, i) => `  ${JSON.stringify(d)}: answer${i}, // ${shape.name}`).join('\n');
  const code = standaloneModule(standalone.default(ajv, refs), "the vendors' answer shapes");
  return `${code.trimEnd()}\nexport const byDigest = {\n${table}\n};\n`;
}
