// Stable digests of plain data: canonical JSON (sorted keys) hashed with SHA-256.

import { createHash, type Hash } from 'node:crypto';

/** The keys of an object in code-unit order, as `.sort()` gives them, sorted in place: the objects digested are many and small. */
function sortedKeys(obj: object): string[] {
  const keys = Object.keys(obj);
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > k; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = k;
  }
  return keys;
}

/** A string JSON writes as it is, between quotes: no quote, backslash, control character or surrogate. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are exactly what JSON escapes
const PLAIN_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/**
 * Writes canonical JSON in pieces: object keys sorted at every level, so equal data always gives
 * equal text; undefined members and functions left out, as JSON.stringify does. A string that
 * needs no escape is put as it is between quotes, not copied into a new quoted string.
 */
class CanonicalWriter {
  /** The same few keys come back in every item: each is quoted once, as the first member and as a later one. */
  private readonly quoted = new Map<string, readonly [first: string, later: string]>();
  constructor(private readonly put: (text: string) => void) {}

  write(v: unknown): void {
    if (typeof v === 'string') {
      if (PLAIN_STRING.test(v)) {
        this.put('"');
        this.put(v);
        this.put('"');
      } else this.put(JSON.stringify(v));
      return;
    }
    if (v === null || typeof v !== 'object') {
      this.put(JSON.stringify(v) ?? 'null');
      return;
    }
    if (Array.isArray(v)) {
      this.put('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) this.put(',');
        this.write(v[i] === undefined ? null : v[i]);
      }
      this.put(']');
      return;
    }
    const obj = v as Record<string, unknown>;
    let first = true;
    this.put('{');
    for (const k of sortedKeys(obj)) {
      const member = obj[k];
      if (member === undefined || typeof member === 'function') continue;
      let key = this.quoted.get(k);
      if (key === undefined) {
        const text = `${JSON.stringify(k)}:`;
        key = [text, `,${text}`];
        this.quoted.set(k, key);
      }
      this.put(first ? key[0] : key[1]);
      first = false;
      this.write(member);
    }
    this.put('}');
  }
}

/** JSON with object keys sorted at every level, so equal data always gives equal text. */
export function canonicalJson(value: unknown): string {
  let out = '';
  new CanonicalWriter((text) => {
    out += text;
  }).write(value);
  return out;
}

/**
 * A SHA-256 of canonical JSON and text, fed in pieces as it is made: a whole configuration's JSON
 * (300 accounts, 19,500 items) is never one string in memory.
 */
export class CanonicalHash {
  private readonly hash: Hash = createHash('sha256');
  private chunk = '';
  private readonly writer = new CanonicalWriter((text) => this.text(text));

  /** Adds the canonical JSON of `value`. */
  add(value: unknown): this {
    this.writer.write(value);
    return this;
  }

  /** Adds text as it is. */
  text(text: string): this {
    this.chunk += text;
    if (this.chunk.length > 16_384) {
      this.hash.update(this.chunk);
      this.chunk = '';
    }
    return this;
  }

  /** `sha256:` and the hex digest of everything added. */
  digest(): string {
    return `sha256:${this.hash.update(this.chunk).digest('hex')}`;
  }
}

/** SHA-256 of canonicalJson(value). */
export function digest(value: unknown): string {
  return new CanonicalHash().add(value).digest();
}
