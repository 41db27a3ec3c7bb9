// Where an account's block is in a document, as offsets: to tell whose a problem is (another
// account's `${NAME}` is its own run's) and to find where an item's value is written.

import type { Position } from '../errors.js';
import { lastAtMost, positionAt, type ConfigDocument } from './documents.js';
import { hasAliases, scalarPairs } from './yaml-tree.js';

/** An account's block in a document, as offsets: from its name to the next account's (or the next top-level key). */
interface Span {
  name: string;
  from: number;
  to: number;
}

const spansOf = new WeakMap<ConfigDocument, Span[] | undefined>();

/** Every account's block in a document; undefined where blocks are not known (a `<<` among the accounts brings in others'). */
function accountSpans(d: ConfigDocument): Span[] | undefined {
  if (spansOf.has(d)) return spansOf.get(d);
  const top = d.root?.kind === 'map' ? d.root : undefined;
  const at = top?.pairs.findIndex((p) => !p.merge && p.key.kind === 'scalar' && p.key.value === 'accounts') ?? -1;
  const accounts = at >= 0 ? top!.pairs[at]!.value : null;
  let spans: Span[] | undefined;
  if (accounts?.kind === 'map' && !accounts.pairs.some((p) => p.merge)) {
    const end = top!.pairs[at + 1]?.key.offset ?? Number.POSITIVE_INFINITY;
    spans = accounts.pairs.map((p, i) => ({
      name: p.key.kind === 'scalar' ? String(p.key.value) : '',
      from: p.key.offset,
      to: accounts.pairs[i + 1]?.key.offset ?? end,
    }));
  }
  spansOf.set(d, spans);
  return spans;
}

/**
 * Whether a position lies in the block of an account that is not chosen (from its name to the
 * next account's). Never, in a document with aliases: a chosen account may take any of its text.
 */
export function otherAccountsAt(d: ConfigDocument, chosen: ReadonlySet<string>): (p: Position) => boolean {
  if (hasAliases(d.root)) return () => false;
  const spans = accountSpans(d)?.filter((span) => !chosen.has(span.name));
  if (!spans) return () => false;
  return (p) => {
    const o = offsetOf(d, p);
    return spans.some((span) => o >= span.from && o < span.to);
  };
}

/** A position's offset in its document's text. */
function offsetOf(d: ConfigDocument, p: Position): number {
  return (d.lines.lineStart(p.line) ?? 0) + p.col - 1;
}

/** Per document, where each scalar value is written as a pair's value, in document order (built on first need). */
const writtenAt = new WeakMap<ConfigDocument, Map<unknown, number[]>>();

function valueOffsets(d: ConfigDocument): Map<unknown, number[]> {
  let index = writtenAt.get(d);
  if (!index) {
    index = new Map();
    for (const pair of scalarPairs(d.root)) {
      const offsets = index.get(pair.value.value) ?? [];
      offsets.push(pair.value.offset);
      index.set(pair.value.value, offsets);
    }
    for (const offsets of index.values()) offsets.sort((a, b) => a - b);
    writtenAt.set(d, index);
  }
  return index;
}

/**
 * Where the scalar `value` of an item of `account` (its `maps_to`) is written: the first place at
 * or after the item within the account's block, else the first in that block (a `mappings` entry
 * above the tickets), else the item's position — never in another account's block. An item
 * written elsewhere (through an alias) is looked up from where it is written. Looked up in an
 * index of the document, so a config with thousands of such problems is reported at once.
 */
export function valuePosition(d: ConfigDocument, account: string, from: Position, value: string): Position {
  const offsets = valueOffsets(d).get(value) ?? [];
  const span = accountSpans(d)?.find((b) => b.name === account);
  const start = offsetOf(d, from);
  const inside = span !== undefined && start >= span.from && start < span.to;
  /** The first offset at or after `o`, if below `to`. */
  const firstFrom = (o: number, to: number): number | undefined => {
    const found = offsets[lastAtMost(offsets, o - 1) + 1];
    return found !== undefined && found < to ? found : undefined;
  };
  const at = inside ? (firstFrom(start, span.to) ?? firstFrom(span.from, span.to)) : firstFrom(start, Number.POSITIVE_INFINITY);
  return at === undefined ? from : positionAt(d, at);
}
