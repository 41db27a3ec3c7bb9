// Scrubbing of secret values from any text that may reach an output stream, a file or an error.

export const REDACTED = '[redacted]';

/** An auth header value: its scheme and the credential after it ("Basic dXNlcjpwYXNz"). */
const SCHEMED = /^(Basic|Bearer|Token|Digest)\s+(\S+)$/i;

/**
 * The shortest prefix of a Basic credential, base64(id:secret), that carries any bit of the
 * secret: the characters before it encode only the id and the colon. A vendor that echoes a
 * truncated header must not print a prefix one can decode to the start of the secret.
 */
function basicSecretStart(encoded: string): number | undefined {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  if (Buffer.from(decoded, 'utf8').toString('base64') !== encoded) return undefined;
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const idBytes = Buffer.byteLength(decoded.slice(0, colon + 1));
  return Math.max(4, Math.floor(idBytes / 3) * 4 + 1);
}

/**
 * Returns a function that replaces every occurrence of the given secrets in every form a vendor
 * may echo: as given, URL-encoded (path and query forms), base64, without an auth scheme ("Basic
 * …" and the bare base64), and — for long values — a truncated echo of their start.
 */
export function redactor(secrets: Iterable<string>): (text: string) => string {
  const needles = new Set<string>();
  /** Needles whose start alone must go too, from this many characters on. */
  const prefixes = new Map<string, number>();
  const add = (s: string) => {
    if (s.length < 4 || needles.has(s)) return;
    needles.add(s);
    needles.add(encodeURIComponent(s));
    needles.add(new URLSearchParams({ s }).toString().slice(2)); // a query value: space as +, ~()! escaped
    needles.add(Buffer.from(s).toString('base64'));
    if (s.length >= 16) prefixes.set(s, Math.max(8, Math.floor(s.length / 2)));
  };
  for (const s of secrets) {
    if (typeof s !== 'string') continue;
    add(s);
    const schemed = SCHEMED.exec(s);
    if (schemed) {
      const bare = schemed[2]!;
      add(bare);
      const start = /^basic$/i.test(schemed[1]!) ? basicSecretStart(bare) : undefined;
      if (start !== undefined) prefixes.set(bare, Math.min(prefixes.get(bare) ?? start, start));
    }
  }
  // Whole needles must match in full; a prefix rule from its `min` characters on.
  const rules: Rule[] = [...[...needles].map((n) => ({ text: n, min: n.length })), ...[...prefixes].map(([n, min]) => ({ text: n, min }))];
  if (rules.length === 0) return (text) => text;
  const index = new RuleIndex(rules);
  return (text: string) => index.redact(text);
}

/** Something to redact from its first `min` characters on (`min` = its length: only in full). */
interface Rule {
  text: string;
  min: number;
}

/** A rule as the index keeps it, with its first four characters. */
interface IndexedRule extends Rule {
  head: string;
}

/**
 * Finds every rule in a text in one pass, whatever the number of secrets: each position's first
 * two characters are tested against a table of the rules' (most positions stop there), then its
 * first four against the rules that start so. Every span a rule matches is redacted, and spans
 * that overlap are redacted as one, so no character of any secret is left between two markers.
 */
class RuleIndex {
  /** By the rules' first two characters (low bytes), a bit each: whether any rule starts so. */
  private readonly pairs = new Uint32Array(2048);
  /** By a hash of the rules' first four characters (a match is checked character by character). */
  private readonly byHead = new Map<number, IndexedRule[]>();

  constructor(rules: readonly Rule[]) {
    for (const r of rules) {
      const pair = pairOf(r.text, 0);
      this.pairs[pair >>> 5]! |= 1 << (pair & 31);
      const key = headOf(r.text, 0);
      const indexed = { ...r, head: r.text.slice(0, 4) };
      const list = this.byHead.get(key);
      if (list) list.push(indexed);
      else this.byHead.set(key, [indexed]);
    }
  }

  redact(text: string): string {
    let out = '';
    let from = 0; // the text before it is written out
    let spanStart = -1;
    let spanEnd = -1;
    for (let i = 0; i + 4 <= text.length; i++) {
      const pair = pairOf(text, i);
      if ((this.pairs[pair >>> 5]! & (1 << (pair & 31))) === 0) continue;
      const rules = this.byHead.get(headOf(text, i));
      if (!rules) continue;
      let end = -1;
      for (const r of rules) {
        let k = 4;
        while (k < r.text.length && i + k < text.length && text.charCodeAt(i + k) === r.text.charCodeAt(k)) k++;
        if (k >= r.min && text.startsWith(r.head, i)) end = Math.max(end, i + k);
      }
      if (end < 0) continue;
      if (i < spanEnd) {
        spanEnd = Math.max(spanEnd, end); // overlaps the span being built: one span
        continue;
      }
      if (spanStart >= 0) {
        out += `${text.slice(from, spanStart)}${REDACTED}`;
        from = spanEnd;
      }
      spanStart = i;
      spanEnd = end;
    }
    if (spanStart < 0) return text;
    return `${out}${text.slice(from, spanStart)}${REDACTED}${text.slice(spanEnd)}`;
  }
}

function pairOf(s: string, i: number): number {
  return ((s.charCodeAt(i) & 0xff) << 8) | (s.charCodeAt(i + 1) & 0xff);
}

/** A 32-bit hash of the four characters at `i`. */
function headOf(s: string, i: number): number {
  return (((s.charCodeAt(i) * 31 + s.charCodeAt(i + 1)) * 31 + s.charCodeAt(i + 2)) * 31 + s.charCodeAt(i + 3)) | 0;
}

const known = new Set<string>();

let scrubber: { size: number; scrub: (text: string) => string } | undefined;

/** Registers secret values for the process-wide last line of defence (every output, every error report). */
export function registerSecrets(values: Iterable<string>): void {
  for (const v of values) known.add(v);
}

/** Scrubs every registered secret from text (the scrubber is rebuilt only when a secret was added). */
export function scrubKnown(text: string): string {
  if (known.size === 0) return text;
  if (scrubber?.size !== known.size) scrubber = { size: known.size, scrub: redactor(known) };
  return scrubber.scrub(text);
}
