// Adding items to one collection of a config file in place: the new items' text is spliced into the
// file's own text — after the collection's last item, into an empty `[]`, or under a new key — so
// every other byte (other accounts, comments and their alignment, line ends, scalar styles, blank
// lines) stays as written. Pure (text in, text out).

import { UsageError } from '../errors.js';
import { Document, YAMLSeq, isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';

/** One splice: `insert` goes at `at`, replacing `remove` characters. */
interface Splice {
  at: number;
  remove: number;
  insert: string;
}

/**
 * Appends `items` (nodes with their `commentBefore`) to the sequence at `path`, e.g.
 * ['accounts', 'estate', 'statuses'] in a file of accounts or ['statuses'] in an account file.
 * The map holding the sequence must exist; the sequence itself may be missing, empty or flow.
 */
export function appendItems(text: string, path: readonly string[], items: readonly Node[]): string {
  if (items.length === 0) return text;
  const doc = parseDocument(text);
  const holder = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(holder) || !holder.range)
    throw new UsageError(`cannot add to ${path.join('.')}: it is not in a mapping written in the file (an alias or merge key?)`);
  const key = path.at(-1)!;
  const pair = holder.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
  const splice = pair === undefined ? underNewKey(text, holder, key, items) : intoValue(text, holder, pair, items);
  const eol = lineEnd(text);
  const insert = eol === '\n' ? splice.insert : splice.insert.replace(/(?<!\r)\n/g, '\r\n');
  return text.slice(0, splice.at) + insert + text.slice(splice.at + splice.remove);
}

/** The key's sequence exists (block or flow) or its value is empty. */
function intoValue(text: string, holder: YAMLMap, pair: Pair, items: readonly Node[]): Splice {
  const seq = pair.value;
  const keyCol = column(text, (pair.key as Node).range![0]);
  if (isSeq(seq) && seq.flow) {
    // `statuses: []` in a block mapping becomes a block list; inside flow, the list stays flow.
    if (seq.items.length === 0 && !holder.flow)
      return { at: seq.range![0], remove: seq.range![1] - seq.range![0], insert: `\n${block(items, keyCol + 2).trimEnd()}` };
    return { at: beforeClose(text, seq.range![1]), remove: 0, insert: flow(items, lineIndent(text, seq.range![0]), seq.items.length > 0) };
  }
  if (isSeq(seq) && seq.items.length > 0) {
    const at = afterLine(text, (seq.items.at(-1) as Node).range![1]);
    return { at, remove: 0, insert: prefixNewline(text, at) + block(items, column(text, seq.range![0])) };
  }
  // `statuses:` with nothing after it: the list goes on the lines below the key.
  const at = afterLine(text, (pair.key as Node).range![1]);
  return { at, remove: 0, insert: prefixNewline(text, at) + block(items, keyCol + 2) };
}

/** The collection's key is missing: it is added after the mapping's last pair, at its keys' column. */
function underNewKey(text: string, holder: YAMLMap, key: string, items: readonly Node[]): Splice {
  if (holder.flow) {
    const listed = flow(items, lineIndent(text, holder.range![0]), false);
    return { at: beforeClose(text, holder.range![1]), remove: 0, insert: `${holder.items.length > 0 ? ', ' : ''}${key}: [${listed}]` };
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
 * The items inside a flow list, one a line, each note a comment line above its item; `lineIndent`
 * is the indentation of the line the list starts on (a flow list's lines must be indented deeper).
 */
function flow(items: readonly Node[], lineIndent: number, afterOthers: boolean): string {
  const pad = ' '.repeat(lineIndent + 4);
  const parts = items.map((node) => {
    const note = node.commentBefore;
    node.commentBefore = undefined;
    if (isMap(node) || isSeq(node)) node.flow = true;
    const one = new Document(node).toString({ lineWidth: 0, blockQuote: false }).trimEnd();
    const comments = note ? note.split('\n').map((l) => `${pad}#${l}\n`) : [];
    return `\n${comments.join('')}${pad}${one}`;
  });
  return `${afterOthers ? ',' : ''}${parts.join(',')}\n${' '.repeat(lineIndent + 2)}`;
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

/** Just after the last character before a flow collection's closing bracket that is not a space. */
function beforeClose(text: string, end: number): number {
  let at = end - 1;
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
