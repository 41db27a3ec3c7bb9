// Config files → YAML documents that remember where every value came from, with ${ENV}
// substituted in place. Reports problems positioned as file:line:col; never throws for bad input.

import { readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import {
  LineCounter,
  Scalar,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import type { ConfigProblem, Position } from '../errors.js';
import { UsageError } from '../errors.js';

/** Config files larger than this are refused before parsing (a status list is never this big). */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

export interface ConfigDocument {
  /** The path as shown to the user (relative to the working directory where possible). */
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  /** The plain data, after env substitution; undefined when the file could not be parsed. */
  data: unknown;
}

/** Finds the config files: one file, or every *.yaml / *.yml of a directory (sorted, not recursive). */
export function configFiles(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UsageError(`no configuration at ${path} (give one with -c PATH: a statusform.yaml or a directory of *.yaml files)`);
  }
  if (st.isFile()) return [path];
  const files = readdirSync(path)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(path, f));
  if (files.length === 0) throw new UsageError(`no *.yaml files in ${path}`);
  return files;
}

/** The path with every symbolic link resolved (of its nearest existing part, for a file not made yet). */
export function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(realPath(parent), basename(path));
  }
}

export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel.startsWith('..') || rel === '' ? path : rel;
}

/** Position of a character offset in a document. */
export function positionAt(d: Pick<ConfigDocument, 'file' | 'lines'>, offset: number): Position {
  const { line, col } = d.lines.linePos(offset);
  return { file: d.file, line, col };
}

/** Position of a node (its first character), or of the file's start when the node has no range. */
export function positionOf(d: Pick<ConfigDocument, 'file' | 'lines'>, node: Node | null | undefined): Position {
  const offset = node?.range?.[0];
  return offset === undefined ? { file: d.file, line: 1, col: 1 } : positionAt(d, offset);
}

/**
 * The node at a path of keys and indices, or the deepest existing ancestor (so a missing field
 * is reported where its parent is). `keyNode` asks for the key of the last map pair instead of its value.
 */
export function nodeAt(doc: Document.Parsed, path: readonly (string | number)[], keyNode = false): Node | null {
  let node: unknown = doc.contents;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node)) {
      const pair = pairAt(doc, node, String(seg));
      if (!pair) return node;
      if (keyNode && i === path.length - 1) return pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) return node;
      node = item;
    } else {
      return (node as Node | null) ?? null;
    }
  }
  return (node as Node | null) ?? null;
}

const MERGE_KEY = '<<';

/**
 * The pair for `key` in a map: its own, or one a merge key (`<<: *anchor`, `<<: [*a, *b]`) brings
 * in, where it is written (so a problem in a merged value is reported at the anchor's line).
 * Own keys win, then the merged maps in order, as YAML merges them.
 */
function pairAt(doc: Document.Parsed, map: YAMLMap, key: string, depth = 0): Pair | undefined {
  const own = map.items.find((p) => isScalar(p.key) && typeof p.key.value !== 'symbol' && String(p.key.value) === key);
  if (own || depth > 20) return own;
  // With `merge: true` the parser gives a merge key the value Symbol('<<'), and `source` '<<'.
  for (const merge of map.items.filter(
    (p) => isScalar(p.key) && (p.key.source === MERGE_KEY || String(p.key.value) === `Symbol(${MERGE_KEY})`),
  )) {
    const sources = isSeq(merge.value) ? merge.value.items : [merge.value];
    for (const source of sources) {
      const target = isAlias(source) ? source.resolve(doc) : source;
      const found = isMap(target) ? pairAt(doc, target, key, depth + 1) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

const ENV_REF = /\$\$\{|\$\{([^}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Replaces `${NAME}` in every scalar value (not keys) with the environment variable NAME.
 * `$${` stands for a literal `${`. A missing or malformed variable is a problem at the scalar.
 * A plain (unquoted) scalar that is exactly one `${NAME}` takes the variable's YAML type, so
 * `business_id: ${TIMETAP_BUSINESS_ID}` is a number.
 */
export function substituteEnv(d: ConfigDocument, env: NodeJS.ProcessEnv, problems: ConfigProblem[]): void {
  visit(d.doc, {
    Scalar(key, node) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('$')) return;
      const source = node.value;
      const whole = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(source);
      const replaced = source.replace(ENV_REF, (match, name: string | undefined) => {
        if (match === '$${') return '${';
        if (name === undefined || !ENV_NAME.test(name)) {
          problems.push({ position: positionOf(d, node), message: `"${match}" is not a valid environment reference (use \${NAME})` });
          return match;
        }
        const value = env[name];
        if (value === undefined) {
          problems.push({ position: positionOf(d, node), message: `environment variable ${name} is not set`, code: 'E_ENV_UNSET' });
          return match; // keep the reference, so the rest of the file is still checked
        }
        return value;
      });
      node.value = whole && node.type === Scalar.PLAIN ? typedScalar(replaced) : replaced;
    },
  });
}

function typedScalar(text: string): string | number | boolean {
  // Not "0123": a leading zero means the text is an identifier (a key, a code), not a number.
  if (/^-?(0|[1-9]\d*)$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

/** Reads and parses one config file. Syntax errors, duplicate keys, bad encoding and oversize files become problems. */
export function readConfigDocument(
  path: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
): ConfigDocument | undefined {
  const file = displayPath(path, cwd);
  const at = (line = 1, col = 1): Position => ({ file, line, col });
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    problems.push({ position: at(), message: `cannot read ${basename(path)}: ${(err as Error).message}` });
    return undefined;
  }
  if (bytes.length > MAX_CONFIG_BYTES) {
    problems.push({ position: at(), message: `file is ${bytes.length} bytes; the limit is ${MAX_CONFIG_BYTES}` });
    return undefined;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const line = firstInvalidUtf8Line(bytes);
    problems.push({ position: at(line), message: 'file is not valid UTF-8' });
    return undefined;
  }
  const lines = new LineCounter();
  // Merge keys (`<<: *defaults`) are supported, as YAML 1.1 had them: accounts often share settings.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true, version: '1.2', merge: true });
  const d: ConfigDocument = { file, doc, lines, data: undefined };
  // One message per line: a mis-indented line makes the parser report several things about it.
  const byLine = new Map<number, { position: Position; errors: typeof doc.errors }>();
  for (const err of doc.errors) {
    const position = positionAt(d, err.pos[0]);
    const entry = byLine.get(position.line) ?? { position, errors: [] };
    entry.errors.push(err);
    byLine.set(position.line, entry);
  }
  for (const { position, errors } of byLine.values()) {
    const first = errors[0]!;
    const indentation = errors.length > 1 || INDENT_CODES.has(first.code);
    problems.push({
      position: indentation
        ? {
            ...position,
            col:
              1 +
              (lines.lineStarts[position.line - 1] !== undefined
                ? (/^ */.exec(text.slice(lines.lineStarts[position.line - 1]!))?.[0].length ?? 0)
                : 0),
          }
        : position,
      message: indentation
        ? `this line's indentation does not fit the lines above it: indent it exactly as far as ` +
          `the fields it belongs with (the parser says: ${yamlMessage(first.code, first.message)})`
        : yamlMessage(first.code, first.message),
    });
  }
  // A repeated key is reported, but the rest of the file is still checked: every problem at once.
  if (doc.errors.some((e) => e.code !== 'DUPLICATE_KEY')) return d;
  substituteEnv(d, env, problems);
  try {
    d.data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    problems.push({ position: at(), message: `cannot load YAML: ${(err as Error).message}` });
  }
  return d;
}

/** Parser errors that mean a line is indented wrongly. */
const INDENT_CODES = new Set(['BAD_INDENT']);

function yamlMessage(code: string, message: string): string {
  const first = message.split('\n')[0] ?? message;
  const clean = first.replace(/ at line \d+, column \d+:?$/, '');
  return code === 'DUPLICATE_KEY' ? `duplicate key: ${clean}` : clean;
}

function firstInvalidUtf8Line(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      line++;
      start = i + 1;
    }
  }
  return 1;
}
