// Scrubbing of secret values from any text that may reach an output stream, a file or an error.

export const REDACTED = '[redacted]';

/** Returns a function that replaces every occurrence of the given secrets (and their URL-encoded forms). */
export function redactor(secrets: Iterable<string>): (text: string) => string {
  const needles = new Set<string>();
  for (const s of secrets) {
    if (typeof s !== 'string' || s.length < 4) continue;
    needles.add(s);
    needles.add(encodeURIComponent(s));
    needles.add(new URLSearchParams({ s }).toString().slice(2)); // a query value: space as +, ~()! escaped
    needles.add(Buffer.from(s).toString('base64'));
  }
  const sorted = [...needles].sort((a, b) => b.length - a.length);
  return (text: string) => {
    let out = text;
    for (const n of sorted) out = out.split(n).join(REDACTED);
    return out;
  };
}

const known = new Set<string>();

/** Registers secret values for the process-wide last line of defence (error reports). */
export function registerSecrets(values: Iterable<string>): void {
  for (const v of values) known.add(v);
}

/** Scrubs every registered secret from text. */
export function scrubKnown(text: string): string {
  return known.size === 0 ? text : redactor(known)(text);
}
