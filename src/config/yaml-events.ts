// The fast way to a config file's tree: js-yaml's event parser (one flat pass, offsets into the
// text) composed here into yaml-tree nodes. It takes plain YAML — maps, lists, scalars, anchors,
// aliases, merge keys — and leaves everything else (a syntax error, a tag, a directive, several
// documents, a key that is a map or a list, an alias before its anchor) to the `yaml` package,
// whose messages and rules the loader keeps; `undefined` says "ask the other parser".

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
  /** The collection's anchor (`&name`), registered when it is complete. */
  anchor?: { anchorStart: number; anchorEnd: number };
}

/** The tree of `text`, with duplicate keys as problems; undefined when the `yaml` package should read it. */
export function treeFromEvents(text: string, problems: TreeProblem[]): { root: YamlNode | null } | undefined {
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch {
    return undefined; // a syntax error: the `yaml` package words it, one message per line
  }
  const anchors = new Map<string, YamlNode>();
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
    if (!merge && key.kind === 'scalar') {
      top.keys ??= new Set();
      if (top.keys.has(key.value)) found.push({ offset: key.offset, message: 'duplicate key: Map keys must be unique' });
      top.keys.add(key.value);
    }
    top.node.pairs.push({ key, value: node, merge });
    return true;
  };
  const anchor = (e: { anchorStart: number; anchorEnd: number }, node: YamlNode) => {
    if (e.anchorStart >= 0) anchors.set(text.slice(e.anchorStart, e.anchorEnd), node);
  };

  for (const e of events) {
    switch (e.type) {
      case EVENT_DOCUMENT:
        if (++documents > 1 || e.directives.length > 0) return undefined;
        break;
      case EVENT_SCALAR: {
        if (e.tagStart >= 0) return undefined;
        const value = e.valueStart < 0 ? '' : getScalarValue(text, e);
        const offset = scalarOffset(text, e, end);
        end =
          e.valueEnd < 0 ? end : e.valueEnd + (e.style === SCALAR_STYLE_SINGLE_QUOTED || e.style === SCALAR_STYLE_DOUBLE_QUOTED ? 1 : 0);
        const plain = e.style === SCALAR_STYLE_PLAIN;
        const node: YamlNode = { kind: 'scalar', offset, value: plain ? resolvePlain(value) : value, plain, text: value };
        if (!attach(node)) return undefined;
        anchor(e, node);
        break;
      }
      case EVENT_ALIAS: {
        const target = anchors.get(text.slice(e.anchorStart, e.anchorEnd));
        if (!target) return undefined;
        end = e.anchorEnd;
        if (!attach({ kind: 'alias', offset: e.anchorStart - 1, target })) return undefined;
        break;
      }
      case EVENT_MAPPING:
      case EVENT_SEQUENCE: {
        if (e.tagStart >= 0) return undefined;
        const node: YamlMap | YamlSeq =
          e.type === EVENT_MAPPING ? { kind: 'map', offset: e.start, pairs: [] } : { kind: 'seq', offset: e.start, items: [] };
        end = e.style === COLLECTION_STYLE_FLOW ? e.start + 1 : e.start;
        // The anchor names the collection once it is complete: an alias inside its own anchor is the `yaml` package's case.
        stack.push(e.anchorStart >= 0 ? { node, anchor: { anchorStart: e.anchorStart, anchorEnd: e.anchorEnd } } : { node });
        break;
      }
      case EVENT_POP: {
        const frame = stack.pop();
        if (!frame) break; // the document's end
        if (frame.node.kind === 'map' && frame.key !== undefined) return undefined; // a key left without a value
        if (!attach(frame.node)) return undefined;
        if (frame.anchor) anchor(frame.anchor, frame.node);
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
  if (e.valueStart < 0) return afterIndicator(text, Math.max(end, e.anchorEnd));
  if (e.style === SCALAR_STYLE_SINGLE_QUOTED || e.style === SCALAR_STYLE_DOUBLE_QUOTED) return e.valueStart - 1;
  if (e.style === SCALAR_STYLE_PLAIN) return e.valueStart;
  return blockHeader(text, Math.max(end, e.anchorEnd), e.valueStart);
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
