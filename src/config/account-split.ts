// A config file cut into its accounts' blocks by its lines alone, so that a run that covers some
// accounts (a shard, --account) parses only theirs: one account of 300 took 0.6 s to plan when
// the whole 1.2 MB file was parsed, 0.28 s when only its block is.
//
// The cut is made only where lines alone are certain to decide it: block style at the top and
// at the accounts' level, plain names, and nothing that lets one block's text stand in another
// (no anchor, alias, tag or directive anywhere — judged generously: a `*` or `&` that only might
// be one is enough to read the whole file). What is kept keeps its columns, and its line numbers
// through the pieces' map (documents.ts's LineIndex reads positions through it). The loader
// still checks the parsed result against the cut (see load.ts) and reads the whole file when
// they disagree.

import { resolvePlain } from './yaml-tree.js';

/** One account's block: its name's line to the next account's (or to the end of `accounts`). */
export interface AccountBlock {
  name: string;
  /** Offsets in the text: the block's first character, and the first character after it. */
  start: number;
  end: number;
  /** Where the name is written (1-based, as editors count). */
  line: number;
  col: number;
  /** The line `end` starts (1-based). */
  endLine: number;
}

export interface AccountSplit {
  blocks: AccountBlock[];
  /** Offset just after `accounts:` (where ` {}` goes when no block is kept); -1 without `accounts`. */
  accountsKeyEnd: number;
}

/** A node property (anchor `&`, alias `*`, tag `!`) may start here: after a line start, a space, a flow indicator or `:`. */
const PROPERTY = /(?:^|[\s[\]{},:])[&*!][^\s]/m;
const TOP_KEY = /^([A-Za-z_][A-Za-z0-9_-]*):(?:[ ]|$)/;
/** An account's name alone on its line (a comment after a space may follow). */
const NAME_LINE = /^([A-Za-z0-9_][A-Za-z0-9_.-]*):(?:[ ]+(?:#.*)?)?$/;
const EMPTY_VALUE = /^[ ]*(?:#.*)?$/;

/** The text's account blocks, or undefined when lines alone cannot be sure of them (the file is then parsed whole). */
export function splitAccounts(text: string): AccountSplit | undefined {
  // Lines end with LF or CRLF; a carriage return on its own ends a line for YAML but not here.
  if (text.includes('\t') || /\r(?!\n)/.test(text) || PROPERTY.test(text) || /^(?:%|---|\.\.\.)/m.test(text)) return undefined;
  const blocks: AccountBlock[] = [];
  const names = new Set<string>();
  const topKeys = new Set<string>();
  let accountsKeyEnd = -1;
  let region: 'top' | 'accounts' = 'top';
  let indent = 0; // of the account names, once the first is seen
  let open: AccountBlock | undefined;
  for (let offset = 0, lineNo = 1; ; lineNo++) {
    const nl = text.indexOf('\n', offset);
    const lineEnd = lineEndAt(text, offset);
    let spaces = 0;
    while (offset + spaces < lineEnd && text.charCodeAt(offset + spaces) === 32) spaces++;
    const blank = offset + spaces === lineEnd || text.charCodeAt(offset + spaces) === 35; // '#'
    // Most lines are inside a block, deeper than its name: only the others are looked at further.
    const line = blank || (region === 'accounts' && spaces > indent && indent > 0) ? '' : text.slice(offset, lineEnd);
    if (!blank) {
      if (spaces === 0) {
        // A top-level key ends the accounts' region (and the open block).
        if (open) Object.assign(open, { end: offset, endLine: lineNo });
        open = undefined;
        region = 'top';
        const key = TOP_KEY.exec(line);
        if (!key || !isText(key[1]!) || topKeys.has(key[1]!)) return undefined;
        topKeys.add(key[1]!);
        if (key[1] === 'accounts') {
          if (!EMPTY_VALUE.test(line.slice(key[0].length))) return undefined;
          region = 'accounts';
          accountsKeyEnd = offset + 'accounts:'.length;
        }
      } else if (region === 'accounts') {
        if (indent === 0) indent = spaces;
        if (spaces < indent) return undefined;
        if (spaces === indent) {
          const name = NAME_LINE.exec(line.slice(spaces));
          // `true` and `True`, `1` and `01` are one key to YAML: only names that are text are compared as text.
          if (!name || !isText(name[1]!) || names.has(name[1]!)) return undefined;
          names.add(name[1]!);
          if (open) Object.assign(open, { end: offset, endLine: lineNo });
          open = { name: name[1]!, start: offset, end: text.length, line: lineNo, col: spaces + 1, endLine: Number.NaN };
          blocks.push(open);
        } else if (!open) {
          return undefined;
        }
      }
    }
    if (nl < 0) {
      // The end of the text: the start of the line after this one, or of this (empty) line after a final line break.
      if (open) open.endLine = offset === text.length ? lineNo : lineNo + 1;
      break;
    }
    offset = nl + 1;
  }
  return { blocks, accountsKeyEnd };
}

/** A text cut from a file: what is kept, and which line of the file each kept piece starts on. */
export interface CutText {
  text: string;
  /** Per piece: its first line here and in the file (0-based), in order. */
  pieces: { here: number[]; there: number[] };
}

/**
 * The text with only the blocks `keep` names; the others' lines are left out, and `pieces` says
 * where each kept line was (a line break in place of each, as a first version did, made a kept
 * `|+` block scalar keep them too). When every block is left out, `accounts:` becomes
 * `accounts: {}` (only a comment after it on that line moves).
 */
export function keepBlocks(text: string, split: AccountSplit, keep: ReadonlySet<string>): CutText {
  const parts: string[] = [];
  const here: number[] = [];
  const there: number[] = [];
  let lines = 0;
  let from = 0;
  let fromLine = 1;
  const take = (to: number) => {
    if (to <= from) return;
    const piece = text.slice(from, to);
    here.push(lines);
    there.push(fromLine - 1);
    parts.push(piece);
    lines += countBreaks(piece);
  };
  for (const b of split.blocks) {
    if (keep.has(b.name)) continue;
    take(b.start);
    from = b.end;
    fromLine = b.endLine;
  }
  take(text.length);
  let out = parts.join('');
  if (split.blocks.length > 0 && !split.blocks.some((b) => keep.has(b.name))) {
    out = `${out.slice(0, split.accountsKeyEnd)} {}${out.slice(split.accountsKeyEnd)}`;
  }
  return { text: out, pieces: { here, there } };
}

/** Whether YAML reads a plain scalar as text (not a number, a boolean or null). */
function isText(plain: string): boolean {
  return typeof resolvePlain(plain) === 'string';
}

function countBreaks(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * The secret fields' values written in a block, read from its lines, for scrubbing an account a
 * run does not parse; undefined when the lines leave any doubt (a secret field written another
 * way than `field: value` on one line — over several lines, as a block scalar, in flow style,
 * with a quoted key, as a number, with `$${`), and the block must be parsed to be sure.
 */
export function credentialsWritten(blockText: string, fields: readonly string[], env: NodeJS.ProcessEnv): string[] | undefined {
  const found: string[] = [];
  let done = -1; // the start of the last line looked at: a line naming two fields is read once
  // Only the lines that name a secret field are read (one or two in a block of dozens).
  for (const mention of blockText.matchAll(mentionsOf(fields))) {
    const start = blockText.lastIndexOf('\n', mention.index) + 1;
    if (start === done) continue;
    done = start;
    const end = lineEndAt(blockText, start);
    const m = /^([ ]*)(?:-[ ]+)?([A-Za-z_]+):[ ]+(\S.*)$/.exec(blockText.slice(start, end));
    if (!m || !fields.includes(m[2]!)) return undefined;
    // A deeper line after it continues the value.
    if (nextIndent(blockText, end) > m[1]!.length) return undefined;
    const value = scalarWritten(m[3]!);
    if (value === undefined || value.includes('$${')) return undefined;
    found.push(value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (ref, name: string) => env[name] ?? ref));
  }
  return found.filter((v) => v !== '');
}

const mentionPatterns = new Map<string, RegExp>();
function mentionsOf(fields: readonly string[]): RegExp {
  const key = fields.join('|');
  let pattern = mentionPatterns.get(key);
  if (!pattern) {
    pattern = new RegExp(`\\b(?:${key})\\b`, 'g');
    mentionPatterns.set(key, pattern);
  }
  return pattern;
}

/** Where the line starting at `start` ends, before its line break (LF or CRLF). */
function lineEndAt(text: string, start: number): number {
  const nl = text.indexOf('\n', start);
  const end = nl < 0 ? text.length : nl;
  return end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
}

/** The indentation of the first line after `from` that is neither blank nor a comment (-1: none). */
function nextIndent(text: string, from: number): number {
  for (let start = text.indexOf('\n', from) + 1; start > 0 && start < text.length; start = text.indexOf('\n', start) + 1) {
    let spaces = 0;
    while (text.charCodeAt(start + spaces) === 32) spaces++;
    const c = text.charCodeAt(start + spaces);
    if (!(c === 10 || c === 13 || c === 35 || Number.isNaN(c))) return spaces;
  }
  return -1;
}

/** A one-line scalar as written after `key: `, with a trailing comment; undefined unless it is plainly text. */
function scalarWritten(written: string): string | undefined {
  const double = /^"((?:[^"\\]|\\.)*)"[ ]*(?:#.*)?$/.exec(written);
  if (double) {
    try {
      return JSON.parse(`"${double[1]}"`) as string;
    } catch {
      return undefined; // a YAML escape JSON does not have
    }
  }
  const single = /^'((?:[^']|'')*)'[ ]*(?:#.*)?$/.exec(written);
  if (single) return single[1]!.replaceAll("''", "'");
  // What YAML would read as something else than plain text: another kind of node, a comment, a map.
  if (/^(?:["'|>{}[\],!&*@`%#]|[-?:](?:[ ]|$))/.test(written)) return undefined;
  const plain = written.replace(/[ ]+#.*$/, '').trimEnd();
  return isText(plain) && !plain.includes(': ') ? plain : undefined;
}
