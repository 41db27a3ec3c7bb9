// Checking a document against the config schema: ajv's errors worded for people, each at the
// file:line:col of the value it is about, and fields the schema wants as text taken as written.

import type { ErrorObject } from 'ajv';
import type { ConfigProblem, Position } from '../errors.js';
import { formatPosition } from '../errors.js';
import { inertText, withoutUserinfo } from '../inert.js';
import { nearest } from '../suggest.js';
import { adapterFor, adapters } from '../vendors/registry.js';
import { nodeAt, positionOf, type ConfigDocument } from './documents.js';
import { buildSchema } from './schema.js';
import validateConfigSchema from './validate-config.generated.js';
import type { YamlNode } from './yaml-tree.js';

interface SchemaValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}
/** The schema, precompiled by ajv at build time (npm run schema): start-up does not compile it. */
const validateSchema = (): SchemaValidator => validateConfigSchema as SchemaValidator;

/**
 * A field the schema wants as text is taken as written: `token: 0012345` is the token "0012345",
 * not the number 12345 (nor `0x1F` 31, nor a long number rounded). Only plain scalars are read
 * again; a `${NAME}` alone stands for its variable's text.
 */
export function textWhereWritten(d: ConfigDocument): void {
  const validate = validateSchema();
  if (validate(d.data)) return;
  for (const e of validate.errors ?? []) {
    if (
      e.keyword !== 'type' ||
      !String((e.params as { type?: unknown }).type)
        .split(',')
        .includes('string')
    )
      continue;
    const path = pointer(e.instancePath);
    // An account's fields only: `state`, a path, is refused as a number (the state commands read it alone: config/settings.ts).
    if (path[0] !== 'accounts') continue;
    const node = nodeAt(d.root, path);
    if (node?.kind !== 'scalar' || !node.plain || typeof node.value === 'string' || node.value === null) continue;
    setAt(d.data, path, node.substituted ?? node.text);
  }
}

function setAt(data: unknown, path: readonly (string | number)[], value: string): void {
  let at = data as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  if (path.length > 0) at[path[path.length - 1]!] = value;
}

/**
 * Where a document's variables are unset, for a load that allows it (`unsetEnvAllowed`): the value
 * written there is unknown, so what a check finds there alone is no fault of the account.
 */
export function unsetAt(found: readonly ConfigProblem[]): ((p: Position) => boolean) | undefined {
  const at = new Set(found.filter((p) => p.code === 'E_ENV_UNSET').map((p) => formatPosition(p.position)));
  return at.size === 0 ? undefined : (p) => at.has(formatPosition(p));
}

/**
 * Checks a document's data against the schema; returns the accounts (`*`: the whole file) it finds
 * fault with. An error at an `unknown` value, or one only echoing others (no problem of its own),
 * leaves its account to be built and checked: `business_id: ${ID}` unset is text, not a number.
 */
export function schemaCheck(d: ConfigDocument, data: unknown, problems: ConfigProblem[], unknown?: (p: Position) => boolean): Set<string> {
  const bad = new Set<string>();
  const validate = validateSchema();
  if (validate(data)) return bad;
  const found = (validate.errors ?? []).map((e) => schemaProblem(d, e));
  // A misspelt field that says what to write instead is reported once, not also as the field missing.
  const named = new Set(found.flatMap((f) => (f?.instead ? [f.instead] : [])));
  for (const [i, e] of (validate.errors ?? []).entries()) {
    const found1 = found[i];
    const missing =
      e.keyword === 'required'
        ? [...pointer(e.instancePath), String((e.params as { missingProperty?: unknown }).missingProperty)].join('.')
        : '';
    if (found1 && !named.has(missing)) problems.push({ position: found1.position, message: found1.message });
    if (unknown && excused(d, e, found1, unknown, problems)) continue;
    const segs = pointer(e.instancePath);
    if (segs[0] === 'accounts' && segs[1] !== undefined) bad.add(String(segs[1]));
    else if (segs.length === 0 || segs[0] !== 'accounts') bad.add('*');
  }
  return bad;
}

/**
 * Whether a schema error leaves its account to be built, in a load where some values are
 * `unknown`: it only echoes others (no problem of its own), or it is at an unknown value where
 * the schema wants a scalar. A variable never holds a list or a mapping: that is said at the
 * field's name, where the unset variable's own message (which is dropped) does not hide it.
 */
function excused(
  d: ConfigDocument,
  e: ErrorObject,
  problem: ConfigProblem | undefined,
  unknown: (p: Position) => boolean,
  problems: ConfigProblem[],
): boolean {
  if (!problem) return true;
  if (!unknown(problem.position)) return false;
  const wanted = e.keyword === 'type' ? String((e.params as { type?: unknown }).type).split(',') : [];
  if (!wanted.includes('array') && !wanted.includes('object')) return true;
  problems.push({ position: positionOf(d, nodeAt(d.root, pointer(e.instancePath), true)), message: problem.message });
  return false;
}

export function pointer(instancePath: string): (string | number)[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function pathText(path: readonly (string | number)[]): string {
  return path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('');
}

/** How a message names a JSON type. */
const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
};

/** The plain value at a path of the data, for messages. */
function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let at = data;
  for (const seg of path) at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[seg] : undefined;
  return at;
}

/**
 * A value as a message names it: `2`, `the text "1"`, `a list`. Never whole where it may hold a
 * secret: a mapping or list by its kind only (a mistyped `state:` mapping holds a database
 * password), text from `${NAME}` as written (the variable, not what it holds), a URL without its
 * `user:password@`, and long text cut.
 */
export function describeValue(v: unknown, node?: YamlNode | null): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v !== 'string') return String(v);
  const text = withoutUserinfo(node?.kind === 'scalar' ? node.text : v);
  return `the text ${quoted(text.length > 40 ? `${text.slice(0, 40)}…` : text)}`;
}

/** Text of the config quoted for a message: on one line (JSON's escapes, and inertText's for the rest), without URL credentials. */
export function quoted(text: string): string {
  return inertText(JSON.stringify(withoutUserinfo(text)));
}

let runtimeSchema: Record<string, unknown> | undefined;

/** The part of the (runtime) schema at an ajv schemaPath such as `#/definitions/thalamus_account`: for the names a mapping may hold. */
function schemaAt(schemaPath: string): unknown {
  runtimeSchema ??= buildSchema(adapters, { envReferences: false });
  let at: unknown = runtimeSchema;
  for (const seg of schemaPath
    .replace(/^#\/?/, '')
    .split('/')
    .filter((x) => x !== '')) {
    at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  return at;
}

type SchemaProblem = ConfigProblem & { instead?: string };

/** One ajv error, with what wording it needs: where it is (as a path and in words) and its position. */
interface SchemaError {
  d: ConfigDocument;
  e: ErrorObject;
  path: (string | number)[];
  /** The path in words: `accounts.estate.statuses[2]`, or `(top level)`. */
  where: string;
  at: (p: (string | number)[], keyNode?: boolean) => Position;
  params: Record<string, unknown>;
}

/** Turns one ajv error into a positioned problem with a message a user can act on; undefined where another error says it. */
function schemaProblem(d: ConfigDocument, e: ErrorObject): SchemaProblem | undefined {
  if (e.propertyName !== undefined) return undefined; // reported once, by the propertyNames error
  const path = pointer(e.instancePath);
  const error: SchemaError = {
    d,
    e,
    path,
    where: pathText(path).replace(/^\./, '') || '(top level)',
    at: (p, keyNode = false) => positionOf(d, nodeAt(d.root, p, keyNode)),
    params: e.params as Record<string, unknown>,
  };
  switch (e.keyword) {
    case 'propertyNames':
      return badName(error);
    case 'required':
      return { position: error.at(path), message: `${error.where}: missing required field "${String(error.params['missingProperty'])}"` };
    case 'additionalProperties':
      return unknownField(error);
    case 'enum':
      return notAllowed(error);
    case 'if':
      return undefined; // the errors of the vendor's own schema say it
    case 'const':
      return {
        position: error.at(path),
        message:
          `${error.where}: must be ${JSON.stringify(error.params['allowedValue'])} ` +
          `(got ${describeValue(valueAt(d.data, path), nodeAt(d.root, path))})`,
      };
    case 'type':
      return wrongType(error);
    case 'discriminator':
      return unknownVendor(error);
    case 'oneOf':
      return undefined; // the discriminator error says it better
    default:
      return { position: error.at(path), message: `${error.where}: ${e.message ?? 'is invalid'}` };
  }
}

function badName({ path, where, at, params }: SchemaError): SchemaProblem {
  const name = String(params['propertyName']);
  return {
    position: at([...path, name], true),
    message: `${where}: the name "${name}" must start with a letter and hold only letters, digits, "_" and "-"`,
  };
}

function unknownField({ d, e, path, where, at, params }: SchemaError): SchemaProblem {
  const field = String(params['additionalProperty']);
  const known = Object.keys(
    (schemaAt(e.schemaPath.replace(/\/additionalProperties$/, '')) as { properties?: Record<string, unknown> } | undefined)?.properties ??
      {},
  );
  const vendor =
    path.length === 2 && path[0] === 'accounts'
      ? String((valueAt(d.data, path) as Record<string, unknown> | undefined)?.['vendor'] ?? '')
      : '';
  const adapter = adapterFor(vendor);
  // Another vendor's name for the list (Thalamus `statuses:`): say what this one calls it.
  if (adapter && field !== adapter.collection && adapters.some((a) => a.collection === field)) {
    return {
      position: at([...path, field], true),
      message: `${where}: ${adapter.displayName} calls this list \`${adapter.collection}\`, not \`${field}\``,
      instead: [...path, adapter.collection].join('.'),
    };
  }
  const guess = nearest(field, known);
  return {
    position: at([...path, field], true),
    message: `${where}: unknown field "${field}"${guess ? `: did you mean \`${guess}\`?` : ''}`,
    ...(guess ? { instead: [...path, guess].join('.') } : {}),
  };
}

function notAllowed({ d, path, where, at, params }: SchemaError): SchemaProblem {
  const value = valueAt(d.data, path);
  const allowed = (params['allowedValues'] as unknown[]).map(String);
  const guess = typeof value === 'string' ? nearest(value, allowed) : undefined;
  const didYouMean = guess ? `: did you mean \`${guess}\`?` : '';
  if (path.length === 3 && path[0] === 'accounts' && path[2] === 'vendor') {
    return {
      position: at(path),
      message:
        `accounts.${String(path[1])}: ` +
        `unknown vendor ${typeof value === 'string' ? quoted(value) : describeValue(value)}` +
        `${didYouMean} (known: ${allowed.join(', ')})`,
    };
  }
  return {
    position: at(path),
    message:
      `${where}: must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')} ` +
      `(got ${describeValue(value, nodeAt(d.root, path))})${didYouMean}`,
  };
}

function wrongType({ d, path, where, at, params }: SchemaError): SchemaProblem {
  const value = valueAt(d.data, path);
  if (path.length === 0 && (value === null || value === undefined))
    return {
      position: at(path),
      message: 'the file is empty: a configuration is a mapping that starts with `version: 1` and `accounts:`',
    };
  const wanted = String(params['type'])
    .split(',')
    .map((t) => TYPE_WORDS[t] ?? t)
    .join(' or ');
  return { position: at(path), message: `${where}: must be ${wanted} (got ${describeValue(value, nodeAt(d.root, path))})` };
}

function unknownVendor({ d, path, where, at, params }: SchemaError): SchemaProblem {
  const vendorPath = [...path, 'vendor'];
  const known = adapters.map((a) => a.vendor).join(', ');
  if (params['error'] === 'mapping') {
    const node = nodeAt(d.root, vendorPath);
    const value = node?.kind === 'scalar' ? node.value : undefined;
    return { position: at(vendorPath), message: `${where}: unknown vendor ${JSON.stringify(value)} (known: ${known})` };
  }
  return { position: at(path), message: `${where}: "vendor" must be one of ${known}` };
}
