// The one place that decides what an attempt's end means: an answer, a retry, an unknown
// outcome, a terminal failure; and how long to back off before the next attempt.

import type { HttpResponse } from './contract.js';
import { isLoopbackHost } from './url-policy.js';

/** How one attempt ended, as the request loop acts on it. */
export type Outcome<T> =
  | { kind: 'ok'; response: HttpResponse<T> }
  | { kind: 'retry'; reason: string; waitMs?: number }
  /** The host name did not resolve: retried once at most, as a name that fails twice is not a blip. */
  | { kind: 'unresolved'; reason: string; host: string; code: string }
  | { kind: 'unknown'; reason: string }
  | { kind: 'unauthorised'; response: HttpResponse<unknown>; sentAuth: Record<string, string> }
  | { kind: 'terminal'; status?: number; message: string; code?: string }
  /** The request's deadline ran out during this exchange. */
  | { kind: 'expired'; reason: string }
  /** Another request of the account ran out of its deadline: this one was not sent, or was abandoned in flight. */
  | { kind: 'halted'; reason: string; sent: boolean };

/**
 * Error codes that mean the connection failed before the request could have been received.
 * `EAI_AGAIN` is the resolver saying "not now" (a blip on a CI runner): retried like the others.
 */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'EAI_AGAIN']);

/** Error codes that mean the host name does not exist (nothing was sent): one more try, not five. */
const UNRESOLVED_CODES = new Set(['ENOTFOUND']);

/**
 * An exchange that failed without an answer: retried when nothing was sent, an unknown outcome
 * otherwise, terminal where retrying cannot help.
 */
export function failureOutcome<T>(error: unknown, code: string, url: URL, shown: string): Outcome<T> {
  const reason = `${code} ${url.host} on ${shown}`;
  if (code === 'ECONNREFUSED' && isLoopbackHost(url.hostname)) {
    // Nothing listens here: on this machine that is a simulator that is not running, not a blip.
    return {
      kind: 'terminal',
      code: 'E_CONNREFUSED',
      message:
        `cannot connect to ${url.host} (connection refused): nothing listens there. If this is the sandbox, ` +
        `is \`statusform sandbox\` running, and are its export lines set in this shell?`,
    };
  }
  if (code === 'UND_ERR_INVALID_ARG') {
    // Nothing was sent and nothing would change on a retry: a header value undici refuses (a credential with a line break, say).
    return {
      kind: 'terminal',
      code: 'E_REQUEST',
      message:
        `the request to ${url.host} could not be built (${(error as Error).message}); ` +
        `check the account's credentials and settings for stray characters`,
    };
  }
  if (UNRESOLVED_CODES.has(code)) return { kind: 'unresolved', reason, host: url.hostname, code };
  if (NOT_SENT_CODES.has(code)) return { kind: 'retry', reason };
  return { kind: 'unknown', reason };
}

/** The message of a host name that did not resolve: the name alone, never the URL (it may carry userinfo). */
export function unresolvedMessage(outcome: { host: string; code: string }, tries: number, shown: string): string {
  const times = tries === 1 ? 'once' : tries === 2 ? 'twice' : `${tries} times`;
  return (
    `could not resolve host "${outcome.host}" (${outcome.code}), tried ${times} for ${shown}; ` +
    `check the account's base_url and this machine's DNS`
  );
}

/**
 * An error answer (not 2xx, not 429): a 401 may be cured by fresh credentials, a 5xx or 408 may or
 * may not have taken effect, anything else is terminal.
 */
export function statusOutcome<T>(response: HttpResponse<T>, described: string, sentAuth: Record<string, string>): Outcome<T> {
  const { status } = response;
  if (status === 401) return { kind: 'unauthorised', response, sentAuth };
  if (status >= 500) return { kind: 'unknown', reason: `${status} ${described}` };
  if (status === 408) return { kind: 'unknown', reason: '408 request timeout' };
  return { kind: 'terminal', status, message: `${status} ${described}` };
}

/** Full jitter: a random wait up to base·2^(attempt-1), capped. Pauses asked by the vendor are kept by the pacer. */
export function backoffMs(attempt: number, retry: { baseDelayMs: number; maxDelayMs: number }, random: () => number): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}
