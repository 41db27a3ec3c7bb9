// Editing config files in place: values written into declared items through the yaml library's
// documents and their source tokens, so every other byte of the file — comments, their alignment,
// flow or block style, quoting, blank lines — stays as the user wrote it. Pure (text in, text out).

import {
  CST,
  Composer,
  Document,
  LineCounter,
  Parser,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';

/** A value from the vendor as the config spells it: `${` is text there, not a variable, so it is written `$${`. */
export function literal(v: unknown): unknown {
  return typeof v === 'string' ? v.replaceAll('${', () => '$${') : Array.isArray(v) ? v.map(literal) : v;
}

export type EditScalar = string | number | boolean | null;

/** One declared item's edit: found by its position in the file, inside the collection at `collection`. */
export interface NodeEdit {
  /** The item's position (1-based line and column of its first character), as the loader reported it. */
  at: { line: number; col: number };
  /** The path of the sequence that holds the item, e.g. ['accounts', 'estate', 'statuses']. */
  collection: readonly string[];
  /** Keys set to these values (written as literals: a `${` is not a variable). */
  set: Readonly<Record<string, EditScalar>>;
  /** Keys that go, each replaced in place (same line, same comment) by a key of `set` the item lacks. */
  replace: readonly string[];
  /** References to the item's old key in the collection's `depends_on` lists follow its new key. */
  rekey?: { from: string; to: string };
}

export interface EditProblem {
  edit: NodeEdit;
  message: string;
}

/** Where a scalar token sits: in a flow collection it must quote what a block would not. */
type Token = NonNullable<Scalar['srcToken']>;

/** A write into a key's value (and, when `key` is given, the key renamed). */
interface Write {
  pair: Pair<Scalar, unknown>;
  key?: string;
  value: EditScalar;
}

/**
 * Applies the edits to one file's text. Each edit either applies whole or not at all (a problem
 * says why: the item or a key of its own not found, a value that comes from a `${VAR}`).
 */
export function editItems(text: string, edits: readonly NodeEdit[]): { text: string; problems: EditProblem[] } {
  const lines = new LineCounter();
  const tokens = [...new Parser(lines.addNewLine).parse(text)];
  const doc = [...new Composer({ keepSourceTokens: true, merge: true }).compose(tokens)][0];
  if (!doc || doc.errors.length > 0) return { text, problems: edits.map((edit) => ({ edit, message: 'the file does not parse as YAML' })) };
  const problems: EditProblem[] = [];
  for (const edit of edits) {
    const seq = doc.getIn(edit.collection, true);
    const item = itemOf(seq, lines, edit);
    const writes = typeof item === 'string' ? item : writesOf(item, edit);
    if (typeof writes === 'string') {
      problems.push({ edit, message: writes });
      continue;
    }
    const inFlow = (item as YAMLMap).flow === true;
    for (const w of writes) {
      if (w.key !== undefined) CST.setScalarValue(w.pair.key.srcToken as Token, w.key, { implicitKey: true, inFlow });
      setScalar(w.pair.value as Scalar, w.value, inFlow);
    }
    if (edit.rekey && isSeq(seq)) rekey(seq, edit.rekey);
  }
  return { text: sameLineEnds(text, tokens.map((t) => CST.stringify(t)).join('')), problems };
}

/** The item an edit is for, found by its position in the collection; or why it cannot be edited. */
function itemOf(seq: unknown, lines: LineCounter, edit: NodeEdit): YAMLMap | string {
  const offset = (lines.lineStarts[edit.at.line - 1] ?? Number.NaN) + edit.at.col - 1;
  const item = isSeq(seq) ? seq.items.find((i) => (i as Node | null)?.range?.[0] === offset) : undefined;
  if (!isMap(item)) return `no item at line ${edit.at.line} of its ${edit.collection.at(-1)} (written through a merge key or an alias?)`;
  // An anchored item (or list) may be used again through an alias: editing it here would change the others too.
  const shared = [item, seq as Node].find((n) => (n as { anchor?: string }).anchor);
  if (shared) return `it is shared through &${(shared as { anchor?: string }).anchor} with other places; edit it by hand`;
  return item;
}

/** What an edit writes into the item: each key of `set` into a value of the item's own; or why it cannot. */
function writesOf(item: YAMLMap, edit: NodeEdit): Write[] | string {
  const own = (key: string) => item.items.find((p) => isScalar(p.key) && String(p.key.value) === key) as Pair<Scalar, unknown> | undefined;
  const replaceable = edit.replace.map(own).filter((p): p is Pair<Scalar, unknown> => p !== undefined);
  const writes: Write[] = [];
  for (const [key, value] of Object.entries(edit.set)) {
    const pair = own(key) ?? replaceable.shift();
    if (!pair || !isScalar(pair.value) || !pair.value.srcToken || !pair.key.srcToken)
      return `it has no ${key} of its own to write ${JSON.stringify(value)} to; write it by hand`;
    if (pair.value.anchor) return `its ${key} is shared through &${pair.value.anchor} with other places; edit it by hand`;
    if (typeof pair.value.value === 'string' && /\$\{/.test(pair.value.value.replaceAll('$${', '')))
      return `its ${key} comes from an environment variable (${pair.value.value}); set that to ${JSON.stringify(value)} instead`;
    writes.push({ pair, ...(String(pair.key.value) === key ? {} : { key }), value: literal(value) as EditScalar });
  }
  if (replaceable.length > 0) return `its ${replaceable.map((p) => String(p.key.value)).join(', ')} would have to go; edit it by hand`;
  return writes;
}

/** References to an item's old key in the collection's `depends_on` lists follow its new key. */
function rekey(seq: YAMLSeq, { from, to }: { from: string; to: string }): void {
  for (const other of seq.items) {
    const deps = isMap(other) ? other.get('depends_on', true) : undefined;
    if (!isSeq(deps)) continue;
    for (const dep of deps.items) if (isScalar(dep) && dep.srcToken && dep.value === from) setScalar(dep, to, deps.flow === true);
  }
}

/**
 * The edited text with the original's line ends: a value written over several lines (a quoted
 * scalar folded by the yaml library) breaks them with `\n`, which a file written with `\r\n`
 * throughout (Windows, `core.autocrlf`) keeps as `\r\n`. A file that mixes them is left as it is.
 */
function sameLineEnds(original: string, edited: string): string {
  const crlfOnly = original.includes('\r\n') && !/(^|[^\r])\n/.test(original);
  return crlfOnly ? edited.replace(/(?<!\r)\n/g, '\r\n') : edited;
}

/** Writes a value into a scalar's source token, quoted only when it must be (or when it was). */
function setScalar(node: Scalar, value: EditScalar, inFlow: boolean): void {
  const token = node.srcToken as Token;
  if (typeof value !== 'string') {
    CST.setScalarValue(token, value === null ? 'null' : String(value), { afterKey: true, inFlow, type: 'PLAIN' });
    return;
  }
  const was = token.type === 'single-quoted-scalar' ? 'QUOTE_SINGLE' : token.type === 'double-quoted-scalar' ? 'QUOTE_DOUBLE' : undefined;
  // Plain only when it reads back as this very string (not `true`, `5`, `null` or `~`).
  const alone = new Document(value).toString({ lineWidth: 0 });
  const type = was ?? (alone.startsWith('"') ? 'QUOTE_DOUBLE' : alone.startsWith("'") ? 'QUOTE_SINGLE' : 'PLAIN');
  CST.setScalarValue(token, value, { afterKey: true, inFlow, type });
}
