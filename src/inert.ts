// What a vendor or a config file says, made inert for every output: text that cannot start a line,
// a workflow command or a terminal escape; markdown that cannot leave its block, mention, link or
// reference anyone; URLs without their `user:password@`. Pure, and at the bottom so errors, HTTP
// and config can use it as well as the renderers and the CLI.
//
// The GitHub Actions runner reads every line of stdout and stderr. It obeys a line that starts
// with `::` once leading whitespace is trimmed (`::add-mask::…`, `::stop-commands::…`), and a
// `##[command]` anywhere in a line (the legacy form). It splits lines at CR as well as LF, and it
// compares culture-sensitively, where invisible characters (zero-width, format, control) are
// ignored — so escapes here are always visible ASCII, never an invisible character.

/** Characters that must not reach an output as they are: controls (C0, DEL, C1), format and invisible ones, line separators. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/gu;

/** Those, or one of our own colour codes (SGR), which the last guard lets through. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is what a colour code starts with
const UNSAFE_OR_COLOUR = /\x1b\[[0-9;]*m|[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/gu;

/** A `##[` (legacy workflow command), invisible characters between its parts included. */
const LEGACY_COMMAND = /#([\p{Default_Ignorable_Code_Point}\p{Mn}]*)#([\p{Default_Ignorable_Code_Point}\p{Mn}]*)\[/gu;

/** A line the runner would take for a workflow command: `::` after whitespace or invisible characters. */
const COMMAND_LINE = /^(?:[^\S\n]|[\p{Default_Ignorable_Code_Point}\p{Mn}])*:[\p{Default_Ignorable_Code_Point}\p{Mn}]*:/gmu;

/** The `user:password@` of a URL in any text (the authority ends at `/`, `?`, `#` or a quote). */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#"'<>`\\]*@/gi;

/** Whether a text may need any of it: most values (a label, an address) do not, and are passed through at once. */
const SUSPECT = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}#@]/u;

const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A character as JSON writes it escaped (`\n`, `\u001b`; astral ones as a surrogate pair): visible, and the same inside JSON. */
function escaped(ch: string): string {
  const short = SHORT_ESCAPES[ch];
  if (short) return short;
  let out = '';
  for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

const PICTOGRAPH = /(?:\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}]|\uFE0F)$/u;
const PICTOGRAPH_START = /^\p{Extended_Pictographic}/u;

/**
 * The invisible characters that are part of how a text is written, kept: a zero-width joiner or
 * non-joiner between letters (Persian, Indic scripts) or inside an emoji sequence, a variation
 * selector after a visible character, and the tag characters of a subdivision flag. Everywhere
 * else they are escaped. (The `::` and `##[` guards see through the ones kept.)
 */
function partOfWriting(ch: string, before: string, after: string): boolean {
  const code = ch.codePointAt(0)!;
  if ((code === 0x200c || code === 0x200d) && /\p{L}\p{M}*$/u.test(before) && /^\p{L}/u.test(after)) return true;
  if (code === 0x200d) return PICTOGRAPH.test(before) && PICTOGRAPH_START.test(after);
  if ((code >= 0xfe00 && code <= 0xfe0f) || (code >= 0xe0100 && code <= 0xe01ef))
    return before !== '' && !/[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\s]$/u.test(before);
  if (code >= 0xe0020 && code <= 0xe007f) return /(?:\u{1F3F4}|[\u{E0020}-\u{E007F}])$/u.test(before);
  return false;
}

/** Escapes what `pattern` finds, but for characters that are part of the writing and for what `keep` allows. */
function escapeUnsafe(text: string, pattern: RegExp, keep: (match: string) => boolean): string {
  return text.replace(pattern, (ch: string, offset: number) => {
    if (keep(ch)) return ch;
    if (partOfWriting(ch, text.slice(Math.max(0, offset - 2), offset), text.slice(offset + ch.length, offset + ch.length + 2))) return ch;
    return escaped(ch);
  });
}

/** `##[` as `#\u0023[`: the same text inside JSON, visible elsewhere, and no legacy workflow command. */
function breakLegacyCommands(text: string): string {
  return text.replace(LEGACY_COMMAND, '#$1\\u0023$2[');
}

/** Replaces the `user:password@` of every URL in a text with `[redacted]@`. */
export function withoutUserinfo(text: string): string {
  return text.replace(USERINFO, '$1[redacted]@');
}

/**
 * One value a vendor or a config file gave, fit for one line of text: every control, escape,
 * invisible character and line break as a visible escape (`\n`, `\u001b`), no `##[`, no URL
 * credentials. The result never holds a line break, so it can never start a line of its own.
 */
export function inertText(value: string): string {
  if (!SUSPECT.test(value)) return value;
  return breakLegacyCommands(withoutUserinfo(escapeUnsafe(value, UNSAFE, () => false)));
}

/** A message of several lines, each made inert (inertText): its own line breaks stay, nothing else does. */
export function inertLines(message: string): string {
  return message
    .split(/\r\n|\r|\n/)
    .map(inertText)
    .join('\n');
}

export interface OutputOptions {
  /** The text is statusform's own workflow command (an annotation, its data escaped): the `::` guard is off. */
  workflowCommand?: boolean;
}

/** Whether an output may need escapes, a `##[` broken or credentials redacted (line breaks and tabs alone do not). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
const SUSPECT_OUTPUT = /[\x00-\x08\x0b-\x1f\x7f-\x9f\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}#@]/u;

/** The guard's escapes: every control but line breaks, tabs and colour codes; `##[`; URL credentials. */
function guarded(text: string): string {
  return breakLegacyCommands(
    withoutUserinfo(escapeUnsafe(text, UNSAFE_OR_COLOUR, (m) => m === '\n' || m === '\t' || m.startsWith('\x1b['))),
  );
}

/**
 * The last guard on whatever statusform writes to stdout, stderr or the job summary, after each
 * value was made inert where it was put in: only line breaks, tabs and colour codes pass; no line
 * may start a workflow command (its first `:` is written `\u003a`); no `##[`; no URL credentials.
 * Lossless on JSON (the escapes are JSON's own), so it guards JSON output too.
 */
export function inertOutput(text: string, opts: OutputOptions = {}): string {
  const safe = SUSPECT_OUTPUT.test(text) ? guarded(text) : text;
  if (opts.workflowCommand) return safe;
  return safe.replace(COMMAND_LINE, (lead) => lead.replace(':', '\\u003a'));
}

// Markdown (GitHub's flavour): a pull-request comment and the job summary.

/** ASCII punctuation that means something inline in GFM: emphasis, code, links, images, HTML, tables, strikethrough, math, entities. */
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]<>|~#&$]/g;

/** Line breaks of any kind, and the whitespace around them. */
const LINE_BREAKS = /[^\S\r\n\u0085\u2028\u2029]*[\r\n\u0085\u2028\u2029]+\s*/g;

/** An invisible zero-width space, as an entity: it splits what GitHub would make live, and shows nothing. */
const ZWSP = '&#8203;';

/**
 * Splits what GitHub turns live in text: @mentions (and e-mail autolinks), issue references
 * (`#123`, `GH-123`), and URL autolinks (`scheme://`, `www.`). The split is a zero-width space
 * (as Dependabot and Renovate do), since a backslash does not stop GitHub from linking.
 */
function unlinked(markdown: string): string {
  return markdown
    .replace(/@(?=[\p{L}\p{N}_])/gu, `@${ZWSP}`)
    .replace(/\\#(?=\d)/g, `\\#${ZWSP}`)
    .replace(/\b(GH)-(?=\d)/gi, `$1${ZWSP}-`)
    .replace(/:(?=\/\/)/g, `:${ZWSP}`)
    .replace(/\b(www)\./gi, `$1${ZWSP}.`);
}

/**
 * A value as inline markdown text: line breaks collapsed to a space, controls as visible
 * escapes, every markdown character escaped, and no mention, reference or link. It stays
 * inside the paragraph, list item or quote it is put in.
 */
export function markdownText(value: string): string {
  return unlinked(inertText(value.replace(LINE_BREAKS, ' ')).replace(MARKDOWN_PUNCTUATION, '\\$&'));
}

/** The longest run of `char` in a text. */
function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

/**
 * A value as an inline code span (CommonMark: delimited by more backticks than any run inside,
 * padded when it starts or ends with one). Nothing in a code span is live; `|` still splits a
 * table cell, so tables escape it themselves.
 */
export function markdownCode(value: string): string {
  const text = inertText(value);
  const ticks = '`'.repeat(longestRun(text, '`') + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/**
 * Lines as a fenced code block whose fence is longer than any backtick run inside (CommonMark:
 * only a fence at least as long closes it), each line inert, so no line can close it early.
 */
export function markdownFence(lines: readonly string[], info = ''): string[] {
  const body = lines.map(inertText);
  // A fold, not Math.max(...lines): a plan of a few hundred thousand lines would overflow the call stack.
  const fence = '`'.repeat(body.reduce((n, l) => Math.max(n, longestRun(l, '`') + 1), 3));
  return [`${fence}${info}`, ...body, fence];
}

/**
 * A value as text inside raw HTML (a `<summary>`), where markdown escapes do not work: HTML
 * entities, line breaks collapsed, and no mention, reference or link.
 */
export function htmlText(value: string): string {
  const html = inertText(value.replace(LINE_BREAKS, ' '))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/#(?=\d)/g, `#${ZWSP}`);
  return unlinked(html);
}
