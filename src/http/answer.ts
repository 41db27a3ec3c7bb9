// Checks a vendor's answer against the shape its docs give, before anything reads it. A JSON
// Schema per response is declared in each vendor's folder; this compiles them (once, lazily, so
// commands that make no request never load ajv) and turns a mismatch into one line of text.

import { Ajv, type ValidateFunction } from 'ajv';

/** A documented response body: a name for messages and the JSON Schema it must match. */
export interface AnswerShape {
  /** What the answer is, for messages: "a page of statuses", "a ticket". */
  readonly name: string;
  readonly schema: Readonly<Record<string, unknown>>;
}

let ajv: Ajv | undefined;
const compiled = new WeakMap<AnswerShape, ValidateFunction>();

function validatorFor(shape: AnswerShape): ValidateFunction {
  let v = compiled.get(shape);
  if (!v) {
    // Vendors add fields over time: schemas say what must be there, and may leave the rest open.
    ajv ??= new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
    v = ajv.compile(shape.schema);
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
