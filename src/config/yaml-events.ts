// The fast way to a config file's tree: js-yaml's event parser (one flat pass, offsets into the
// text) composed here into yaml-tree nodes. It takes plain YAML — maps, lists, scalars, anchors,
// aliases, merge keys — and leaves everything else to the `yaml` package, whose messages and rules
// the loader keeps: a syntax error, a tag, a directive, several documents, a key that is a map or
// a list, an alias before its anchor or inside it, and what the two parsers read differently (a
// tab, a quoted scalar over several lines, a block scalar with an indentation indicator, a block
// mapping on its key's line, an anchor not followed by a space). `undefined` says "ask the other parser".

import {
  COLLECTION_STYLE_FLOW,
  EVENT_ALIAS,
  EVENT_DOCUMENT,
  EVENT_MAPPING,
  EVENT_POP,
  EVENT_SCALAR,
  EVENT_SEQUENCE,
  SCALAR_STYLE_DOUBLE_QUOTED,
  SCALAR_STYLE_PLAIN,
  SCALAR_STYLE_SINGLE_QUOTED,
  getScalarValue,
  parseEvents,
  type Event,
  type ScalarEvent,
} from 'js-yaml';
import { resolvePlain, type TreeProblem, type YamlMap, type YamlNode, type YamlSeq } from './yaml-tree.js';

interface Frame {
  node: YamlMap | YamlSeq;
  /** The key read and waiting for its value (maps only). */
  key?: YamlNode;
  /** Keys seen in this map, by resolved value, for the duplicate-key check. */
  keys?: Set<unknown>;
  /** The collection's anchor (`&name`) while it is being read: an alias to it now is the `yaml` package's case. */
  anchor?: { name: string; pending: Pending };
}

/** An anchor whose collection is not complete yet. */
interface Pending {
  readonly pending: true;
}

/** The tree of `text`, with duplicate keys as problems; undefined when the `yaml` package should read it. */
export function treeFromEvents(text: string, problems: TreeProblem[]): { root: YamlNode | null } | undefined {
  // What the two parsers allow in different places goes by the `yaml` package's rules: tabs, a
  // line break that is a lone CR, and a document marker that is indented or ends a document early.
  if (text.includes('\t') || /\r(?!\n)/.test(text) || /^(?:[ ]+---|[ ]*\.\.\.)(?:[ \r]|$)/m.test(text)) return undefined;
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch {
    return undefined; // a syntax error: the `yaml` package words it, one message per line
  }
  // The latest definition of a name wins, as YAML says, and a collection's anchor is defined where it starts.
  const anchors = new Map<string, YamlNode | Pending>();
  const stack: Frame[] = [];
  const found: TreeProblem[] = [];
  let root: YamlNode | null = null;
  let documents = 0;
  /** Where the last thing read ends: empty values and block scalars are placed from it. */
  let end = 0;

  /** A finished node joins its parent: as a map's key, a map's value, or a list's item. False: not for this parser. */
  const attach = (node: YamlNode): boolean => {
    const top = stack[stack.length - 1];
    if (!top) {
      root = node;
      return true;
    }
    if (top.node.kind === 'seq') {
      top.node.items.push(node);
      return true;
    }
    if (top.key === undefined) {
      if (node.kind !== 'scalar') return false; // a map or list as a key: the `yaml` package's rules apply
      top.key = node;
      return true;
    }
    const key = top.key;
    top.key = undefined;
    const merge = key.kind === 'scalar' && key.plain && key.text === '<<';
    // Keys are the same when their values are (===, as the `yaml` package compares them: never NaN).
    if (!merge && key.kind === 'scalar' && !Number.isNaN(key.value)) {
      top.keys ??= new Set();
      if (top.keys.has(key.value)) found.push({ offset: key.offset, message: 'duplicate key: Map keys must be unique' });
      top.keys.add(key.value);
    }
    top.node.pairs.push({ key, value: node, merge });
    return true;
  };
  /** A node's anchor, or false when the text after it is not a space (js-yaml allows `&a{…}`, YAML does not). */
  const anchorOf = (e: { anchorStart: number; anchorEnd: number }): string | undefined | false => {
    if (e.anchorStart < 0) return undefined;
    const next = text[e.anchorEnd];
    return next === undefined || next === ' ' || next === '\n' || next === '\r' ? text.slice(e.anchorStart, e.anchorEnd) : false;
  };

  for (const e of events) {
    switch (e.type) {
      case EVENT_DOCUMENT:
        if (++documents > 1 || e.directives.length > 0) return undefined;
        break;
      case EVENT_SCALAR: {
        const name = anchorOf(e);
        if (e.tagStart >= 0 || name === false || readDifferently(text, e, end)) return undefined;
        const value = e.valueStart < 0 ? '' : getScalarValue(text, e);
        const top = stack[stack.length - 1];
        // An empty key (`: value`) is where its `:` is; an empty value, after it.
        const emptyKey = e.valueStart < 0 && e.anchorStart < 0 && top?.node.kind === 'map' && top.key === undefined;
        const offset = emptyKey ? nextToken(text, end) : scalarOffset(text, e, end);
        // A key near or over 1,024 characters (YAML counts its anchor, quotes and spaces too): YAML refuses it, js-yaml takes it.
        const keyStart = e.anchorStart >= 0 ? Math.min(offset, e.anchorStart - 1) : offset;
        if (top?.node.kind === 'map' && top.key === undefined && e.valueEnd - keyStart > 1000) return undefined;
        // A block map whose first key has an anchor starts, for the `yaml` package, at the key.
        if (top?.node.kind === 'map' && top.node.pairs.length === 0 && top.key === undefined && e.anchorStart - 1 === top.node.offset)
          top.node.offset = offset;
        // The next empty value is looked for after this one (so empty list items each get their own `-`).
        end =
          e.valueEnd < 0
            ? Math.max(end, offset)
            : e.valueEnd + (e.style === SCALAR_STYLE_SINGLE_QUOTED || e.style === SCALAR_STYLE_DOUBLE_QUOTED ? 1 : 0);
        const plain = e.style === SCALAR_STYLE_PLAIN;
        const node: YamlNode = { kind: 'scalar', offset, value: plain ? resolvePlain(value) : value, plain, text: value };
        if (!attach(node)) return undefined;
        if (name) anchors.set(name, node);
        break;
      }
      case EVENT_ALIAS: {
        const target = anchors.get(text.slice(e.anchorStart, e.anchorEnd));
        if (!target || 'pending' in target) return undefined;
        end = e.anchorEnd;
        if (!attach({ kind: 'alias', offset: e.anchorStart - 1, target })) return undefined;
        break;
      }
      case EVENT_MAPPING:
      case EVENT_SEQUENCE: {
        const name = anchorOf(e);
        if (e.tagStart >= 0 || name === false) return undefined;
        // A block collection on the same line as its key (`a: &x b: c`): js-yaml takes it, YAML does not.
        const key = stack[stack.length - 1]?.key;
        if (e.style !== COLLECTION_STYLE_FLOW && key && text.lastIndexOf('\n', e.start) < key.offset) return undefined;
        const node: YamlMap | YamlSeq =
          e.type === EVENT_MAPPING ? { kind: 'map', offset: e.start, pairs: [] } : { kind: 'seq', offset: e.start, items: [] };
        end = e.style === COLLECTION_STYLE_FLOW ? e.start + 1 : e.start;
        const frame: Frame = { node };
        if (name) {
          frame.anchor = { name, pending: { pending: true } };
          anchors.set(name, frame.anchor.pending);
        }
        stack.push(frame);
        break;
      }
      case EVENT_POP: {
        const frame = stack.pop();
        if (!frame) break; // the document's end
        if (frame.node.kind === 'map' && frame.key !== undefined) return undefined; // a key left without a value
        if (!attach(frame.node)) return undefined;
        // Unless the name was given to another node since, as the latest definition.
        if (frame.anchor && anchors.get(frame.anchor.name) === frame.anchor.pending) anchors.set(frame.anchor.name, frame.node);
        break;
      }
    }
  }
  problems.push(...found);
  return { root };
}

/**
 * Where a scalar starts as the `yaml` package counts it: at the opening quote, at a block
 * scalar's `|` or `>`, and for an empty value just after its `:` or `-` and the spaces after it.
 */
function scalarOffset(text: string, e: ScalarEvent, end: number): number {
  if (e.valueStart < 0) return e.anchorStart >= 0 ? afterSpaces(text, e.anchorEnd) : afterIndicator(text, end);
  if (e.style === SCALAR_STYLE_SINGLE_QUOTED || e.style === SCALAR_STYLE_DOUBLE_QUOTED) return e.valueStart - 1;
  if (e.style === SCALAR_STYLE_PLAIN) return e.valueStart;
  return blockHeader(text, Math.max(end, e.anchorEnd), e.valueStart);
}

/** The offset of the next character that is not white space or part of a comment. */
function nextToken(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (!/\s/.test(c)) return i;
  }
  return from;
}

function afterSpaces(text: string, from: number): number {
  let i = from;
  while (text[i] === ' ') i++;
  return i;
}

/**
 * Scalars the two parsers read differently: a quoted scalar over several lines (escaped line
 * breaks, blank lines), a block scalar with an indentation indicator (`|2`) or a line of spaces only.
 */
function readDifferently(text: string, e: ScalarEvent, end: number): boolean {
  if (e.valueStart < 0 || e.style === SCALAR_STYLE_PLAIN) return false;
  const lineBreak = text.indexOf('\n', e.valueStart);
  if (e.style === SCALAR_STYLE_SINGLE_QUOTED || e.style === SCALAR_STYLE_DOUBLE_QUOTED) return lineBreak >= 0 && lineBreak < e.valueEnd;
  const header = blockHeader(text, Math.max(end, e.anchorEnd), e.valueStart);
  const headerLine = text.slice(header, text.indexOf('\n', header) >>> 0);
  return /^[|>](?:[-+]?[1-9]|[1-9][-+])/.test(headerLine) || /(?:^|\n) +(?:\n|$)/.test(text.slice(header, e.valueEnd));
}

/** The offset after the next `:`, `-` or `?` indicator from `from` and the spaces after it (comments skipped). */
function afterIndicator(text: string, from: number): number {
  let i = from;
  for (; i < text.length && i < from + 4096; i++) {
    const c = text[i];
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if ((c === ':' || c === '-' || c === '?') && (i + 1 >= text.length || /[\s,\]}]/.test(text[i + 1]!))) {
      i++;
      while (text[i] === ' ' || text[i] === '\t') i++;
      return i;
    }
  }
  return from;
}

/** The offset of a block scalar's `|` or `>` between `from` and its content (comments skipped). */
function blockHeader(text: string, from: number, content: number): number {
  for (let i = from; i < content; i++) {
    const c = text[i];
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i < content && text[i] !== '\n') i++;
      continue;
    }
    if (c === '|' || c === '>') return i;
  }
  return content;
}
