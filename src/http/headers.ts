// Reading the answer headers that steer waiting: Retry-After and the rate-limit quota headers.

import type { HttpResponse } from './contract.js';

export function header(headers: HttpResponse['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Retry-After as milliseconds from now: either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(headers: HttpResponse['headers'], now: number): number | undefined {
  const v = header(headers, 'retry-after');
  if (v === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * When a spent quota (remaining 0) resets, as epoch ms; undefined while quota is left or no reset
 * is given. Read under the common spellings: X-RateLimit-*, X-Rate-Limit-Remaining, and the IETF
 * draft's RateLimit-* (whose reset is seconds from now).
 */
export function quotaResetAt(headers: HttpResponse['headers'], now: number): number | undefined {
  const remaining =
    header(headers, 'x-ratelimit-remaining') ?? header(headers, 'x-rate-limit-remaining') ?? header(headers, 'ratelimit-remaining');
  if (remaining === undefined || Number(remaining) > 0) return undefined;
  const reset = header(headers, 'x-ratelimit-reset') ?? header(headers, 'ratelimit-reset');
  if (reset === undefined) return undefined;
  return resetToEpochMs(Number(reset), now);
}

/**
 * X-RateLimit-Reset is sent either as epoch seconds (GitHub, Laravel) or as seconds until reset
 * (others). A value larger than a year of seconds is taken as an epoch.
 */
function resetToEpochMs(value: number, now: number): number | undefined {
  if (!Number.isFinite(value) || value < 0) return undefined;
  return value > 31_536_000 ? value * 1000 : now + value * 1000;
}
