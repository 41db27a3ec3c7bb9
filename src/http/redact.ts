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
  const sorted = [...needles].sort((a, b) => b.length - a.length);
  const starts = [...prefixes].filter(([n]) => n.length > 0);
  return (text: string) => {
    let out = text;
    for (const n of sorted) out = out.split(n).join(REDACTED);
    for (const [n, min] of starts) out = redactStarts(out, n, min);
    return out;
  };
}

/** Replaces every run of `text` that is the first `min` or more characters of `needle`. */
function redactStarts(text: string, needle: string, min: number): string {
  const head = needle.slice(0, min);
  let at = text.indexOf(head);
  if (at < 0) return text;
  let out = '';
  let from = 0;
  while (at >= 0) {
    let end = at + head.length;
    while (end < text.length && end - at < needle.length && text[end] === needle[end - at]) end++;
    out += `${text.slice(from, at)}${REDACTED}`;
    from = end;
    at = text.indexOf(head, end);
  }
  return out + text.slice(from);
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
