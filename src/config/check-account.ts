// The checks of an account's own settings that no schema can say: a base URL the HTTP layer
// may use, and settings that can travel in an HTTP header.

import { isAllowedBaseUrl } from '../http/url-policy.js';
import type { VendorAdapter } from '../vendors/adapter.js';
import { quoted } from './check-schema.js';

/** Reports a problem at a path of the account's settings. */
export type Report = (path: (string | number)[], message: string) => void;

/**
 * The account's base URL: required where the vendor has no public host, https (plain http only
 * to loopback), with no query or fragment. `unknown`: derived from a setting whose variable is
 * unset, so not checked.
 */
export function checkBaseUrl(baseUrl: string | undefined, adapter: VendorAdapter, unknown: boolean, problem: Report): void {
  if (baseUrl === undefined) {
    problem([], `base_url is required: ${adapter.vendor} has no public default host`);
  } else if (!unknown && !isAllowedBaseUrl(baseUrl)) {
    problem(['base_url'], `base_url must be an https URL (plain http only to loopback): ${quoted(baseUrl)}`);
  } else if (/[?#]/.test(baseUrl)) {
    // Request paths are joined to the base URL: a query or fragment there would swallow them.
    problem(['base_url'], `base_url must not have a query (?…) or a fragment (#…): ${quoted(baseUrl)}`);
  }
}

/**
 * Credentials and settings travel in HTTP headers and URLs: a line break (a file read with its
 * newline, a pasted token) would otherwise be refused by the HTTP layer on every retry.
 */
export function checkCharacters(settings: Readonly<Record<string, unknown>>, adapter: VendorAdapter, problem: Report): void {
  for (const [field, value] of Object.entries(settings)) {
    if (typeof value !== 'string') continue;
    const secret = adapter.secretFields.includes(field);
    const bad = illegalCharacter(value, secret);
    if (bad) {
      const rule = secret
        ? 'a credential is sent in an HTTP header, which must be one line of printable characters'
        : 'a setting must be one line of printable characters';
      problem([field], `contains ${bad}; ${rule} (check the environment variable or file it comes from)`);
    }
  }
}

const CONTROL_NAMES: Record<number, string> = { 10: 'a line break', 13: 'a carriage return', 9: 'a tab', 0: 'a NUL character' };

/**
 * The first character of `value` that cannot be sent in an HTTP header (RFC 9110 field value: no
 * control characters; bytes only, so nothing above U+00FF in a credential), in words; never the value itself.
 */
function illegalCharacter(value: string, credential: boolean): string | undefined {
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    if (code < 0x20 || code === 0x7f) return `${CONTROL_NAMES[code] ?? 'a control character'} (${hex})`;
    if (credential && code > 0xff) return `the character ${hex}, which an HTTP header cannot carry`;
  }
  return undefined;
}
