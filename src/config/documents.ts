// Config files → YAML documents that remember where every value came from, with ${ENV}
// substituted in place. Reports problems positioned as file:line:col; never throws for bad input.

import { readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { ConfigProblem, Position } from '../errors.js';
import { UsageError } from '../errors.js';
import { treeFromEvents } from './yaml-events.js';
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
  /** SHA-256 of the file's text as written (of a cut text, what its cutter sets: '' until then). */
  textDigest: string;
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

/**
 * Where each line of a text starts, to turn offsets into line:col (1-based, as editors count). A
 * text cut from a file (account-split.ts) counts lines as the file does, through its pieces' map.
 */
export class LineIndex {
  readonly lineStarts: number[] = [0];
  constructor(
    text: string,
    private readonly pieces?: { here: readonly number[]; there: readonly number[] },
  ) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }
  linePos(offset: number): { line: number; col: number } {
    const index = lastAtMost(this.lineStarts, offset);
    return { line: this.fileLine(index) + 1, col: offset - this.lineStarts[index]! + 1 };
  }
  /** The offset where a line (1-based, as the file counts) starts; undefined when it is not in this text. */
  lineStart(line: number): number | undefined {
    if (!this.pieces) return this.lineStarts[line - 1];
    const k = lastAtMost(this.pieces.there, line - 1);
    if (k < 0) return undefined;
    const index = this.pieces.here[k]! + line - 1 - this.pieces.there[k]!;
    return index < (this.pieces.here[k + 1] ?? this.lineStarts.length) ? this.lineStarts[index] : undefined;
  }
  private fileLine(index: number): number {
    if (!this.pieces) return index;
    const k = lastAtMost(this.pieces.here, index);
    return this.pieces.there[k]! + index - this.pieces.here[k]!;
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

/** How a text was read: by the fast reader or not, and how many problems its YAML had (not counting `${NAME}`s). */
export interface ReadReport {
  fast: boolean;
  yamlProblems: number;
}

/**
 * One config text → its document (tree, data, line index). js-yaml's event parser reads it when
 * it can; the `yaml` package when it cannot, or when `parser` asks for it (the tests compare the two).
 */
export function parseConfigText(
  file: string,
  text: string,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
  parser: 'fast' | 'yaml' = 'fast',
  report: ReadReport = { fast: false, yamlProblems: 0 },
  pieces?: { here: readonly number[]; there: readonly number[] },
): ConfigDocument {
  const lines = new LineIndex(text, pieces);
  // A cut text is not the file: whoever cut it gives the document the file's digest.
  const textDigest = pieces ? '' : createHash('sha256').update(text).digest('hex');
  const d: ConfigDocument = { file, root: null, lines, data: undefined, textDigest };
  const found: TreeProblem[] = [];
  const fast = parser === 'fast' ? treeFromEvents(text, found) : undefined;
  const before = problems.length;
  report.fast = fast !== undefined;
  report.yamlProblems = 0;
  if (fast) d.root = fast.root;
  else if (!readWithYamlPackage(d, text, found, problems)) {
    report.yamlProblems = problems.length - before;
    return d;
  }
  report.yamlProblems = found.length + problems.length - before;
  for (const p of found.splice(0)) problems.push({ position: positionAt(d, p.offset), message: p.message });
  substituteEnv(d, env, problems);
  const built = treeData(d.root, found);
  for (const p of found) problems.push({ position: positionAt(d, p.offset), message: p.message });
  report.yamlProblems += found.length;
  if (built) d.data = built.data;
  return d;
}

/**
 * The plain data of a YAML text as written (no `${NAME}` replaced), read as config files are;
 * undefined when it is not YAML the loader would accept.
 */
export function yamlData(text: string): { data: unknown } | undefined {
  const found: TreeProblem[] = [];
  let root = treeFromEvents(text, found)?.root;
  if (root === undefined) {
    const doc = yamlModule().parseDocument(text, { uniqueKeys: true, strict: true, version: '1.2', merge: true });
    if (doc.errors.length > 0) return undefined;
    root = treeFromDocument(yamlModule(), doc, found);
  }
  const built = found.length === 0 ? treeData(root, found) : undefined;
  return found.length === 0 ? built : undefined;
}

/** The `yaml` package, loaded only for the texts the fast parser leaves to it (and by `adopt`, `import`). */
type YamlPackage = typeof import('yaml');
type YamlDocument = import('yaml').Document.Parsed;
let yamlPackage: YamlPackage | undefined;
function yamlModule(): YamlPackage {
  yamlPackage ??= createRequire(import.meta.url)('yaml') as YamlPackage;
  return yamlPackage;
}

/**
 * Reads a text the fast parser left alone (a syntax error, a tag, a directive…) with the `yaml`
 * package: its errors become problems, one per line; false when the text cannot be read further.
 */
function readWithYamlPackage(d: ConfigDocument, text: string, found: TreeProblem[], problems: ConfigProblem[]): boolean {
  // Merge keys (`<<: *defaults`) are supported, as YAML 1.1 had them: accounts often share settings.
  const doc = yamlModule().parseDocument(text, { prettyErrors: false, uniqueKeys: true, strict: true, version: '1.2', merge: true });
  const lines = d.lines;
  // Repeated keys alone are found again as the tree is made, at the repeated key (the yaml package
  // points after the pair before it, which may be another account's block).
  const onlyRepeats = doc.errors.every((e) => e.code === 'DUPLICATE_KEY');
  // One message per line: a mis-indented line makes the parser report several things about it.
  const byLine = new Map<number, { position: Position; errors: typeof doc.errors }>();
  for (const err of onlyRepeats ? [] : doc.errors) {
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
              (lines.lineStart(position.line) !== undefined
                ? (/^ */.exec(text.slice(lines.lineStart(position.line)))?.[0].length ?? 0)
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
  if (!onlyRepeats) return false;
  d.root = treeFromDocument(yamlModule(), doc, found);
  return true;
}

/** The tree of a Document parsed by the `yaml` package (for the texts the fast parser leaves to it). */
function treeFromDocument(yaml: YamlPackage, doc: YamlDocument, problems: TreeProblem[]): YamlNode | null {
  const { isAlias, isMap, isScalar, isSeq, Scalar } = yaml;
  const done = new Map<unknown, YamlNode>();
  const convert = (node: unknown): YamlNode | null => {
    if (node === null || node === undefined) return null;
    const known = done.get(node);
    if (known) return known;
    const offset = (node as import('yaml').Node).range?.[0] ?? 0;
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
        // As the fast reader does: the same value twice (===, so never NaN) is a repeated key, reported where it is.
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
