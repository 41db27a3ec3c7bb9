// Checks a vendor's answer against the shape its docs give, before anything reads it. A JSON
// Schema per response is declared in each vendor's folder; `npm run schema` precompiles them
// (answer-validators.generated.ts, keyed by the schema's digest), so a run does not load ajv's
// compiler. A schema that is not there (changed since) is compiled here, once. A mismatch becomes
// one line of text.

import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, Options } from 'ajv';
import { digest } from '../digest.js';
import { byDigest } from './answer-validators.generated.js';

/** A documented response body: a name for messages and the JSON Schema it must match. */
export interface AnswerShape {
  /** What the answer is, for messages: "a page of statuses", "a ticket". */
  readonly name: string;
  readonly schema: Readonly<Record<string, unknown>>;
}

/** How answer schemas are compiled, at build time and here alike. Vendors add fields over time: schemas say what must be there. */
export const ANSWER_AJV_OPTIONS: Options = { allErrors: false, strict: true, allowUnionTypes: true };

/** A compiled schema, from ajv at build time or now. */
interface Validator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

let ajv: Ajv | undefined;
const compiled = new WeakMap<AnswerShape, Validator>();
const precompiled: Readonly<Record<string, Validator | undefined>> = byDigest;

function validatorFor(shape: AnswerShape): Validator {
  let v = compiled.get(shape);
  if (!v) {
    v = precompiled[digest(shape.schema)];
    if (!v) {
      ajv ??= new (createRequire(import.meta.url)('ajv') as typeof import('ajv')).Ajv(ANSWER_AJV_OPTIONS);
      v = ajv.compile(shape.schema);
    }
    compiled.set(shape, v);
  }
  return v;
}

/** Whether `body` is of the documented shape; undefined when it is, else what is wrong, in one line. */
export function answerProblem(shape: AnswerShape, body: unknown): string | undefined {
  const validate = validatorFor(shape);
  if (validate(body)) return undefined;
  const e = validate.errors?.[0];
  if (!e) return `it is not ${shape.name}`;
  const where = e.instancePath === '' ? 'the body' : e.instancePath;
  const detail =
    e.keyword === 'required'
      ? `lacks "${String(e.params['missingProperty'])}"`
      : e.keyword === 'additionalProperties'
        ? `has an unknown field "${String(e.params['additionalProperty'])}"`
        : (e.message ?? 'is invalid');
  return `it is not ${shape.name}: ${where} ${detail} (got ${preview(valueAt(body, e.instancePath))})`;
}

/** The value at a JSON pointer, for messages. */
function valueAt(body: unknown, pointer: string): unknown {
  let at: unknown = body;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[seg] : undefined;
  }
  return at;
}

/** A short, single-line rendering of a value for an error message. */
export function preview(value: unknown, max = 60): string {
  let text: string;
  if (value === undefined) text = 'nothing';
  else if (typeof value === 'string') text = JSON.stringify(value);
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  text = text.replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
