// Adding items to one collection of a config file in place: the new items' text is spliced into the
// file's own text — after the collection's last item, into an empty `[]`, or under a new key — so
// every other byte (other accounts, comments and their alignment, line ends, scalar styles, blank
// lines) stays as written, and the result is read back as the loader reads it before it is returned.
// Pure (text in, text out).

import { isDeepStrictEqual } from 'node:util';
import { RefusedError } from '../errors.js';
import { Document, YAMLSeq, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { yamlData } from './documents.js';

/** One splice: `insert` goes at `at`, replacing `remove` characters. */
interface Splice {
  at: number;
  remove: number;
  insert: string;
}

const BOM = '\uFEFF';

/**
 * Appends `items` (nodes with their `commentBefore`) to the sequence at `path`, e.g.
 * ['accounts', 'estate', 'statuses'] in a file of accounts or ['statuses'] in an account file.
 * The map holding the sequence must exist; the sequence itself may be missing, empty or flow.
 * Throws RefusedError (saying why, without the file's name) when the items cannot be added there
 * safely, or when the text made would not read back as the old items followed by the new ones with
 * everything else unchanged.
 */
export function appendItems(text: string, path: readonly string[], items: readonly Node[]): string {
  if (items.length === 0) return text;
  // The parser counts a byte order mark as a column of the first line; the splice is made without it.
  const bom = text.startsWith(BOM) ? BOM : '';
  const body = text.slice(bom.length);
  const splices = splicesFor(body, path, items);
  const eol = lineEnd(body);
  let out = body;
  for (const s of [...splices].sort((a, b) => b.at - a.at)) {
    const insert = eol === '\n' ? s.insert : s.insert.replace(/(?<!\r)\n/g, '\r\n');
    out = out.slice(0, s.at) + insert + out.slice(s.at + s.remove);
  }
  proveAppended(body, out, path, items);
  return bom + out;
}

/** Where the items' text goes in `text`; refused where adding them would change what the file inherits. */
function splicesFor(text: string, path: readonly string[], items: readonly Node[]): Splice[] {
  const doc = parseDocument(text);
  const where = path.join('.');
  const holder = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(holder) || !holder.range)
    throw new RefusedError(`${path.slice(0, -1).join('.') || 'the file'} is not a mapping written in the file (an alias?)`);
  if (holder.items.some((p) => isScalar(p.key) && p.key.value === '<<'))
    throw new RefusedError(
      `the mapping that holds ${where} takes keys from a \`<<\` merge key, and a list added there would replace the one it inherits`,
    );
  const key = path.at(-1)!;
  const pair = holder.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
  if (pair !== undefined && isAlias(pair.value))
    throw new RefusedError(`${where} is an alias (${String(pair.value)}) of a list written elsewhere, which other places may share`);
  return pair === undefined ? [underNewKey(text, holder, key, items)] : intoValue(text, holder, pair, items);
}

/** The key's sequence exists (block or flow) or its value is empty. */
function intoValue(text: string, holder: YAMLMap, pair: Pair, items: readonly Node[]): Splice[] {
  const seq = pair.value;
  const keyCol = column(text, (pair.key as Node).range![0]);
  if (isSeq(seq) && seq.flow) {
    // `statuses: []` in a block mapping becomes a block list; inside flow, the list stays flow.
    if (seq.items.length === 0 && !holder.flow) {
      const at = afterSpaces(text, seq.range![0]);
      return [{ at, remove: seq.range![1] - at, insert: `\n${block(items, keyCol + 2).trimEnd()}` }];
    }
    if (seq.items.length === 0)
      return [{ at: afterSpaces(text, seq.range![1] - 1), remove: 0, insert: flowSameLine(items, lineIndent(text, seq.range![0]), '') }];
    return intoFlowList(text, seq, items);
  }
  if (isSeq(seq) && seq.items.length > 0) {
    const at = afterLine(text, (seq.items.at(-1) as Node).range![1]);
    return [{ at, remove: 0, insert: prefixNewline(text, at) + block(items, column(text, seq.range![0])) }];
  }
  // `statuses:` with nothing after it: the list goes on the lines below the key.
  const at = afterLine(text, (pair.key as Node).range![1]);
  return [{ at, remove: 0, insert: prefixNewline(text, at) + block(items, keyCol + 2) }];
}

/**
 * After the last item of a flow list that has some: a comma after it unless one is written (a
 * trailing comma), then the items. Where the closing `]` is on a line of its own, the items go on
 * their own lines at the last item's indentation, and a comment after the last item stays with it.
 */
function intoFlowList(text: string, seq: YAMLSeq, items: readonly Node[]): Splice[] {
  const last = seq.items.at(-1);
  const lastNode = (isPair(last) ? (last.value ?? last.key) : last) as Node | null;
  const lastRange = lastNode?.range;
  const close = text.lastIndexOf(']', seq.range![1] - 1);
  if (!lastRange || close < lastRange[1]) throw new RefusedError('its flow list `[…]` could not be found in the text as written');
  const gap = text.slice(lastRange[1], close);
  const comma = /^[^#]*?,/.exec(gap);
  const anchor = lastRange[1] + (comma ? comma[0].length : 0);
  const lineBreak = text.slice(anchor, close).search(/\r?\n/);
  if (lineBreak < 0) return [{ at: anchor, remove: 0, insert: flowSameLine(items, lineIndent(text, seq.range![0]), comma ? '' : ',') }];
  const onOwnLines = lineIndent(text, lastRange[0]) > lineIndent(text, seq.range![0]);
  const pad = onOwnLines ? lineIndent(text, lastRange[0]) : lineIndent(text, seq.range![0]) + 4;
  const listed = flowItems(items, pad).join(',') + (comma ? ',' : '');
  return [...(comma ? [] : [{ at: lastRange[1], remove: 0, insert: ',' }]), { at: anchor + lineBreak, remove: 0, insert: listed }];
}

/** The collection's key is missing: it is added after the mapping's last pair, at its keys' column. */
function underNewKey(text: string, holder: YAMLMap, key: string, items: readonly Node[]): Splice {
  if (holder.flow) {
    const listed = flowSameLine(items, lineIndent(text, holder.range![0]), '');
    return { at: afterSpaces(text, holder.range![1] - 1), remove: 0, insert: `${holder.items.length > 0 ? ', ' : ''}${key}: [${listed}]` };
  }
  const first = holder.items[0]?.key as Node | undefined;
  const col = first?.range ? column(text, first.range[0]) : 0;
  const lastValue = (holder.items.at(-1)?.value ?? holder.items.at(-1)?.key) as Node | undefined;
  const at = lastValue?.range ? afterLine(text, lastValue.range[1]) : text.length;
  return { at, remove: 0, insert: `${prefixNewline(text, at)}${' '.repeat(col)}${key}:\n${block(items, col + 2)}` };
}

/** The items as a block list at `indent`, each note a comment line above its item. */
function block(items: readonly Node[], indent: number): string {
  const seq = new YAMLSeq();
  seq.items.push(...items);
  const text = new Document(seq).toString({ lineWidth: 0, blockQuote: false });
  return text
    .split('\n')
    .map((l) => (l === '' ? l : ' '.repeat(indent) + l))
    .join('\n');
}

/**
 * The items inside a flow list whose closing bracket follows on the same line: `lead` (a comma, or
 * nothing), the items one a line, then a line break before the bracket. `lineIndent` is the
 * indentation of the line the list starts on (a flow list's lines must be indented deeper).
 */
function flowSameLine(items: readonly Node[], lineIndent: number, lead: string): string {
  return `${lead}${flowItems(items, lineIndent + 4).join(',')}\n${' '.repeat(lineIndent + 2)}`;
}

/** Each item in flow style on a line of its own at `indent`, its note comment lines above it. */
function flowItems(items: readonly Node[], indent: number): string[] {
  const pad = ' '.repeat(indent);
  return items.map((item) => {
    const node = item.clone() as Node;
    const note = node.commentBefore;
    node.commentBefore = undefined;
    if (isMap(node) || isSeq(node)) node.flow = true;
    const one = new Document(node).toString({ lineWidth: 0, blockQuote: false }).trimEnd();
    const comments = note ? note.split('\n').map((l) => `${pad}#${l}\n`) : [];
    return `\n${comments.join('')}${pad}${one}`;
  });
}

/**
 * The spliced text, read as the loader reads config files, must hold at `path` the old items
 * followed by the new ones, and everything else exactly as before; otherwise nothing is written.
 */
function proveAppended(before: string, after: string, path: readonly string[], items: readonly Node[]): void {
  const old = yamlData(before);
  const now = yamlData(after);
  const added = yamlData(block(items, 0));
  if (!old || !now || !added) throw new RefusedError('the text with the items added would not read back as YAML the configuration accepts');
  const oldItems = dataAt(old.data, path) ?? [];
  const expected = [...(Array.isArray(oldItems) ? oldItems : [oldItems]), ...(added.data as unknown[])];
  if (!isDeepStrictEqual(dataAt(now.data, path), expected))
    throw new RefusedError(`${path.join('.')} would not read back as its items followed by the new ones`);
  if (!isDeepStrictEqual(withoutKey(old.data, path), withoutKey(now.data, path)))
    throw new RefusedError(
      `adding the items to ${path.join('.')} would change other values of the file too (an anchor or merge key shared?)`,
    );
}

function dataAt(data: unknown, path: readonly string[]): unknown {
  let at = data;
  for (const key of path) at = isRecord(at) ? at[key] : undefined;
  return at;
}

/** A copy of `data` without the key at `path`: what must not change. */
function withoutKey(data: unknown, path: readonly string[]): unknown {
  const copy = structuredClone(data);
  const holder = dataAt(copy, path.slice(0, -1));
  if (isRecord(holder)) delete holder[path.at(-1)!];
  return copy;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The offset just after the line that holds `offset` (or `offset` itself, when a line ended there). */
function afterLine(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const next = text.indexOf('\n', offset);
  return next < 0 ? text.length : next + 1;
}

/** A line break when the insertion point is at the end of a file without a final one. */
function prefixNewline(text: string, at: number): string {
  return at > 0 && text[at - 1] !== '\n' ? '\n' : '';
}

/** Where the spaces before `offset` on its line begin (before a closing bracket, or an `[]` moved to the lines below). */
function afterSpaces(text: string, offset: number): number {
  let at = offset;
  while (at > 0 && text[at - 1] === ' ') at--;
  return at;
}

function lineIndent(text: string, offset: number): number {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^ */.exec(text.slice(start))![0].length;
}

function column(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** `\r\n` for a file written with it throughout; a file that mixes them gets `\n`. */
function lineEnd(text: string): string {
  return text.includes('\r\n') && !/(^|[^\r])\n/.test(text) ? '\r\n' : '\n';
}
