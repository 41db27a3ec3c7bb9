// Config files → YAML documents that remember where every value came from, with ${ENV}
// substituted in place. Reports problems positioned as file:line:col; never throws for bad input.

import { readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { createHash } from 'node:crypto';
import { parseDocument, isAlias, isMap, isScalar, isSeq, Scalar, type Document, type Node as YamlPackageNode } from 'yaml';
import type { ConfigProblem, Position } from '../errors.js';
import {
  treeData,
  valueScalars,
  type TreeProblem,
  type YamlAlias,
  type YamlMap,
  type YamlNode,
  type YamlScalar,
  type YamlSeq,
} from './yaml-tree.js';
import { flowVariableMessage, unquotedFlowVariable } from './flow-variable.js';

export { nodeAt } from './yaml-tree.js';

/** Config files larger than this are refused before parsing (a status list is never this big). */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

export interface ConfigDocument {
  /** The path as shown to the user (relative to the working directory where possible). */
  file: string;
  /** The document's tree: where each value is written. */
  root: YamlNode | null;
  lines: LineIndex;
  /** The plain data, after env substitution; undefined when the file could not be parsed. */
  data: unknown;
  /** SHA-256 of the file's text as written. */
  textDigest: string;
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

/** Where each line of a text starts, to turn offsets into line:col (1-based, as editors count). */
export class LineIndex {
  readonly lineStarts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }
  linePos(offset: number): { line: number; col: number } {
    const index = lastAtMost(this.lineStarts, offset);
    return { line: index + 1, col: offset - this.lineStarts[index]! + 1 };
  }
  /** The offset where a line (1-based) starts; undefined past the end. */
  lineStart(line: number): number | undefined {
    return this.lineStarts[line - 1];
  }
}

/** The index of the last element of an ascending list that is at most `value` (-1: none). */
export function lastAtMost(sorted: readonly number[], value: number): number {
  let lo = -1;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid]! <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Position of a character offset in a document. */
export function positionAt(d: Pick<ConfigDocument, 'file' | 'lines'>, offset: number): Position {
  const { line, col } = d.lines.linePos(offset);
  return { file: d.file, line, col };
}

/** Position of a node (its first character), or of the file's start when there is no node. */
export function positionOf(d: Pick<ConfigDocument, 'file' | 'lines'>, node: YamlNode | null | undefined): Position {
  return node ? positionAt(d, node.offset) : { file: d.file, line: 1, col: 1 };
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
  for (const node of valueScalars(d.root)) {
    if (typeof node.value !== 'string' || !node.value.includes('$')) continue;
    const source = node.value;
    const whole = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(source);
    const replaced = source.replace(ENV_REF, (match, name: string | undefined) => {
      if (match === '$${') return '${';
      if (name === undefined || !ENV_NAME.test(name)) {
        problems.push({
          position: positionOf(d, node),
          message: `"${match}" is not a valid environment reference (use \${NAME})`,
          code: 'E_ENV_REF',
        });
        return match;
      }
      const value = env[name];
      if (value === undefined) {
        problems.push({ position: positionOf(d, node), message: `environment variable ${name} is not set`, code: 'E_ENV_UNSET' });
        return match; // keep the reference, so the rest of the file is still checked
      }
      return value;
    });
    node.substituted = replaced;
    node.value = whole && node.plain ? typedScalar(replaced) : replaced;
  }
}

function typedScalar(text: string): string | number | boolean {
  // Not "0123": a leading zero means the text is an identifier (a key, a code), not a number.
  if (/^-?(0|[1-9]\d*)$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

/** Reads one config file's text: a file that cannot be read, is too large or is not UTF-8 is a problem. */
export function readConfigText(path: string, cwd: string, problems: ConfigProblem[]): { file: string; text: string } | undefined {
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
  try {
    return { file, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const line = firstInvalidUtf8Line(bytes);
    problems.push({ position: at(line), message: 'file is not valid UTF-8' });
    return undefined;
  }
}

/** One config text → its document (tree, data, line index), read by the `yaml` package. */
export function parseConfigText(file: string, text: string, env: NodeJS.ProcessEnv, problems: ConfigProblem[]): ConfigDocument {
  const textDigest = createHash('sha256').update(text).digest('hex');
  const d: ConfigDocument = { file, root: null, lines: new LineIndex(text), data: undefined, textDigest };
  const found: TreeProblem[] = [];
  if (!readYaml(d, text, found, problems)) return d;
  substituteEnv(d, env, problems);
  const built = treeData(d.root, found);
  for (const p of found) problems.push({ position: positionAt(d, p.offset), message: p.message });
  if (built) d.data = built.data;
  return d;
}

/**
 * The plain data of a YAML text as written (no `${NAME}` replaced), read as config files are;
 * undefined when it is not YAML the loader would accept.
 */
export function yamlData(text: string): { data: unknown } | undefined {
  const doc = parseDocument(text, YAML_OPTIONS);
  if (doc.errors.length > 0) return undefined;
  const found: TreeProblem[] = [];
  const root = treeFromDocument(doc, found);
  const built = found.length === 0 ? treeData(root, found) : undefined;
  return found.length === 0 ? built : undefined;
}

/** YAML 1.2; merge keys (`<<: *defaults`) as YAML 1.1 had them, since accounts often share settings. */
const YAML_OPTIONS = { prettyErrors: false, uniqueKeys: true, strict: true, version: '1.2', merge: true } as const;

/**
 * Parses a text into the document's tree; its errors become problems, one per line. False when
 * the text cannot be read further (a repeated key alone is reported and the rest still checked).
 */
function readYaml(d: ConfigDocument, text: string, found: TreeProblem[], problems: ConfigProblem[]): boolean {
  const doc = parseDocument(text, YAML_OPTIONS);
  // Repeated keys alone are found again as the tree is made, at the repeated key (the yaml package
  // points after the pair before it, which may be another account's block).
  const onlyRepeats = doc.errors.every((e) => e.code === 'DUPLICATE_KEY');
  if (!onlyRepeats) {
    problems.push(...syntaxProblems(d, text, doc.errors));
    return false;
  }
  d.root = treeFromDocument(doc, found);
  return true;
}

type YamlError = Document.Parsed['errors'][number];

/** One message per line: a mis-indented line makes the parser report several things about it. */
function syntaxProblems(d: ConfigDocument, text: string, errors: readonly YamlError[]): ConfigProblem[] {
  const byLine = new Map<number, { position: Position; errors: YamlError[] }>();
  for (const err of errors) {
    const position = positionAt(d, err.pos[0]);
    const entry = byLine.get(position.line) ?? { position, errors: [] };
    entry.errors.push(err);
    byLine.set(position.line, entry);
  }
  return [...byLine.values()].map(({ position, errors: onLine }) => {
    const first = onLine[0]!;
    const variable = unquotedFlowVariable(text, d.lines.lineStart(position.line) ?? 0);
    if (variable) return { position: positionAt(d, variable.offset), message: flowVariableMessage(variable.variable) };
    if (onLine.length === 1 && !INDENT_CODES.has(first.code)) return { position, message: yamlMessage(first.code, first.message) };
    const indent = /^ */.exec(text.slice(d.lines.lineStart(position.line) ?? 0))?.[0].length ?? 0;
    return {
      position: { ...position, col: 1 + indent },
      message:
        `this line's indentation does not fit the lines above it: indent it exactly as far as ` +
        `the fields it belongs with (the parser says: ${yamlMessage(first.code, first.message)})`,
    };
  });
}

/** The tree of a Document parsed by the `yaml` package. */
function treeFromDocument(doc: Document.Parsed, problems: TreeProblem[]): YamlNode | null {
  const done = new Map<unknown, YamlNode>();
  const convert = (node: unknown): YamlNode | null => {
    if (node === null || node === undefined) return null;
    const known = done.get(node);
    if (known) return known;
    const offset = (node as YamlPackageNode).range?.[0] ?? 0;
    if (isAlias(node)) {
      const placeholder: YamlAlias = { kind: 'alias', offset, target: { kind: 'scalar', offset, value: null, plain: true, text: '' } };
      done.set(node, placeholder);
      const target = convert(node.resolve(doc));
      if (target) placeholder.target = target;
      else problems.push({ offset, message: `the alias *${node.source} names no anchor (&${node.source}) written before it` });
      return placeholder;
    }
    if (isScalar(node)) {
      const merge = typeof node.value === 'symbol';
      const text = typeof node.source === 'string' ? node.source : merge ? '<<' : String(node.value);
      const s: YamlScalar = {
        kind: 'scalar',
        offset,
        value: merge ? '<<' : node.value,
        plain: !node.type || node.type === Scalar.PLAIN,
        text,
      };
      done.set(node, s);
      return s;
    }
    if (isMap(node)) {
      const m: YamlMap = { kind: 'map', offset, pairs: [] };
      done.set(node, m);
      const keys = new Set<unknown>();
      for (const p of node.items) {
        const merge = isScalar(p.key) && typeof p.key.value === 'symbol';
        const key = convert(p.key) ?? { kind: 'scalar', offset, value: null, plain: true, text: '' };
        // The same value twice (===, so never NaN) is a repeated key, reported where it is.
        if (!merge && key.kind === 'scalar' && !Number.isNaN(key.value)) {
          if (keys.has(key.value)) problems.push({ offset: key.offset, message: 'duplicate key: Map keys must be unique' });
          keys.add(key.value);
        }
        m.pairs.push({ key, value: convert(p.value), merge });
      }
      return m;
    }
    if (isSeq(node)) {
      const s: YamlSeq = { kind: 'seq', offset, items: [] };
      done.set(node, s);
      for (const item of node.items) s.items.push(convert(item));
      return s;
    }
    return null;
  };
  return convert(doc.contents);
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
