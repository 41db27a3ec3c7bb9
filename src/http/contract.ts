// What callers hand the HTTP client and get back: requests, answers, auth, options, notices and counters.

import type { Dispatcher } from 'undici';
import type { RateLimit } from '../model.js';
import type { AnswerShape } from './answer.js';
import type { Clock } from './pacer.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export interface HttpRequest<T = unknown> {
  method: HttpMethod;
  /** Path below the base URL, e.g. `/statuses`; or an absolute URL on the same origin (pagination links). */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** The address the request acts for; named in every error. */
  address: string;
  /**
   * Whether re-sending is harmless. Defaults to true for GET/PUT/DELETE and false for POST.
   * A non-idempotent request whose outcome is unknown (5xx, reset or timeout after sending) is
   * never re-sent blindly: `recover` is asked first.
   */
  idempotent?: boolean;
  /**
   * Called when a non-idempotent request may or may not have taken effect. It re-reads the
   * vendor and returns the response the request would have produced if it did take effect, or
   * `undefined` if it certainly did not (then the request is sent again). Without `recover`,
   * an unknown outcome is a terminal error.
   */
  recover?: () => Promise<HttpResponse<T> | undefined>;
  /** Send without the auth provider's headers (the request that fetches a session token). */
  skipAuth?: boolean;
  /**
   * The documented shape of a successful answer. A 2xx body that is not JSON or does not match is
   * never handed back: a read fails with a one-line error naming the request; a non-idempotent
   * write with `recover` is treated as an unknown outcome (re-read, then sent again only if it did
   * not take effect); any other write fails, unrecorded.
   */
  answer?: AnswerShape;
  /**
   * Whether a well-shaped answer is about what was asked (a create answered with another item's
   * id is not): undefined when it is, else what is wrong. Treated like a wrong shape — never
   * recorded; for a create with `recover`, an unknown outcome that is looked up before sending again.
   */
  about?: (body: T) => string | undefined;
}

export interface AuthProvider {
  /** Headers that authenticate a request (may fetch a session token first). */
  headers(): Promise<Record<string, string>>;
  /**
   * Called once after a 401 to get fresh credentials before one more try. `refused` are the auth
   * headers the refused request carried: requests refused together for one expired credential
   * renew it once (the others find it renewed already).
   */
  refresh?(refused: Record<string, string>): Promise<void>;
  /** Values to scrub from output, e.g. a session token fetched at run time. */
  secrets?(): string[];
}

export interface HttpClientOptions {
  baseUrl: string;
  /** Static headers (e.g. `apikey`). Their values are treated as secrets. */
  headers?: Record<string, string>;
  auth?: AuthProvider;
  /** Turns a vendor error body into one line of text (the vendor's own message). */
  describeError?: (status: number, body: unknown) => string | undefined;
  /** The documented shape of the vendor's error bodies; one that does not match is shown as such, never guessed at. */
  errorShape?: AnswerShape;
  /**
   * A refusal inside a 2xx answer (series.hr's `200 {"success": false, …}`): the vendor's message
   * when the body says the request failed, else undefined.
   */
  refusal?: (body: unknown) => string | undefined;
  /** What the request acts for in notices on stderr, e.g. the account name. */
  label?: string;
  /** Receives notices a user should see even without --verbose: retries, long waits (the line, and the same as data). */
  notify?: (line: string, notice: HttpNotice) => void;
  /** Called as each exchange ends, answered or failed: the request no longer waits on a connection. */
  answered?: () => void;
  /** Which settings (and environment variables) hold the credentials, for the message of a 401. */
  authHint?: string;
  /** The longest wait a vendor may ask for (Retry-After, X-RateLimit-Reset), ms; beyond it the request fails. */
  maxWaitMs?: number;
  /**
   * Every request's total deadline, ms: the exchanges of all its attempts (headers and body) and
   * the backoff between them; not the pacing and pauses of the account, which are bounded on their own.
   * A request that runs out of it stops the account: nothing more is sent to it in this run.
   */
  deadlineMs?: number;
  rateLimit: RateLimit;
  /** Secret values to scrub from every message (credentials from the config). */
  secrets?: string[];
  dispatcher?: Dispatcher;
  clock?: Clock;
  /** Per-request idle timeout while waiting for headers or the next piece of body, ms. */
  timeoutMs?: number;
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Receives one redacted line per request (for `--verbose`). */
  log?: (line: string) => void;
  /** Counters shared across clients, for summaries and benchmarks. */
  stats?: HttpStats;
  /** Random source for jitter (injectable for tests). */
  random?: () => number;
}

export interface HttpStats {
  requests: number;
  retries: number;
  rateLimited: number;
}

export function newStats(): HttpStats {
  return { requests: 0, retries: 0, rateLimited: 0 };
}

/** The longest vendor-requested wait, by default: a few minutes, then the run says why it stops. */
export const DEFAULT_MAX_WAIT_MS = 300_000;
/** A request's total deadline, by default: its exchanges (headers and body) and backoff, retries included. */
export const DEFAULT_DEADLINE_MS = 120_000;
/** A wait the user should hear about, as data (for machine-readable output): a vendor-requested pause, or a retry's backoff. */
export interface HttpNotice {
  kind: 'wait' | 'retry';
  /** What the request acts for (the account name), when the client has a label. */
  label?: string;
  /** How long the wait is. */
  seconds: number;
  /** For a wait, what asked for it (`Retry-After`, `X-RateLimit-Reset`); for a retry, why the last attempt failed. */
  reason: string;
  /** For a wait: when it ends (ISO 8601). */
  until?: string;
  /** For a retry: the request (`GET /statuses`) and which retry this is. */
  request?: string;
  attempt?: number;
}
