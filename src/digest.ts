// Stable digests of plain data: canonical JSON (sorted keys) hashed with SHA-256.

import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so equal data always gives equal text. Undefined members are left
 * out, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined || typeof v === 'function') continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(k)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

/**
 * SHA-256 of canonicalJson(value), written to the hash in pieces as it is made: a whole
 * configuration's JSON (300 accounts, 19,500 items) is never one string in memory.
 */
export function digest(value: unknown): string {
  const hash = createHash('sha256');
  let chunk = '';
  const put = (text: string) => {
    chunk += text;
    if (chunk.length > 16_384) {
      hash.update(chunk);
      chunk = '';
    }
  };
  const write = (v: unknown): void => {
    if (v === null || typeof v !== 'object') {
      put(JSON.stringify(v) ?? 'null');
      return;
    }
    if (Array.isArray(v)) {
      put('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) put(',');
        write(v[i] === undefined ? null : v[i]);
      }
      put(']');
      return;
    }
    const obj = v as Record<string, unknown>;
    let first = true;
    put('{');
    for (const k of Object.keys(obj).sort()) {
      const member = obj[k];
      if (member === undefined || typeof member === 'function') continue;
      put(first ? `${JSON.stringify(k)}:` : `,${JSON.stringify(k)}:`);
      first = false;
      write(member);
    }
    put('}');
  };
  write(value);
  return `sha256:${hash.update(chunk).digest('hex')}`;
}
