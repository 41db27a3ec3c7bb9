// The one HTTP client: keep-alive pools per origin (undici Agent), timeouts, pacing to the
// account's rate limit, retries with backoff and jitter honouring Retry-After, and the single
// place that decides what is retryable and what is terminal. Adapters never retry on their own.

import { Agent, type Dispatcher } from 'undici';
import { VendorError } from '../errors.js';
import type { RateLimit } from '../vendors/adapter.js';
import { Pacer, realClock, type Clock } from './pacer.js';
import { redactor } from './redact.js';
import { isAllowedBaseUrl } from './url-policy.js';

export { isAllowedBaseUrl };

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
}

export interface AuthProvider {
  /** Headers that authenticate a request (may fetch a session token first). */
  headers(): Promise<Record<string, string>>;
  /** Called once after a 401 to get fresh credentials before one more try. */
  refresh?(): Promise<void>;
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
  rateLimit: RateLimit;
  /** Secret values to scrub from every message (credentials from the config). */
  secrets?: string[];
  dispatcher?: Dispatcher;
  clock?: Clock;
  /** Per-request timeout for headers and body, ms. */
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

/** Error codes that mean the connection failed before the request could have been received. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH']);

let sharedAgent: Agent | undefined;
/** The process-wide keep-alive agent: one connection pool per origin. */
export function defaultAgent(): Agent {
  sharedAgent ??= new Agent({ keepAliveTimeout: 10_000, connections: 16, pipelining: 1 });
  return sharedAgent;
}

export async function closeDefaultAgent(): Promise<void> {
  const agent = sharedAgent;
  sharedAgent = undefined;
  if (agent) await agent.close();
}

type Outcome<T> =
  | { kind: 'ok'; response: HttpResponse<T> }
  | { kind: 'retry'; reason: string; waitMs?: number; notSent?: boolean }
  | { kind: 'unknown'; reason: string }
  | { kind: 'unauthorised'; response: HttpResponse<unknown> }
  | { kind: 'terminal'; status?: number; message: string };

export class HttpClient {
  private readonly base: URL;
  private readonly pacer: Pacer;
  private readonly clock: Clock;
  private readonly dispatcher: Dispatcher;
  private readonly scrubStatic: (t: string) => string;
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly random: () => number;
  readonly stats: HttpStats;

  constructor(private readonly opts: HttpClientOptions) {
    if (!isAllowedBaseUrl(opts.baseUrl)) {
      throw new VendorError(opts.baseUrl, 'refusing a base URL that is not https (plain http is allowed only to loopback)');
    }
    this.base = new URL(opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
    this.clock = opts.clock ?? realClock;
    this.pacer = new Pacer(opts.rateLimit, this.clock);
    this.dispatcher = opts.dispatcher ?? defaultAgent();
    this.scrubStatic = redactor([...(opts.secrets ?? []), ...Object.values(opts.headers ?? {})]);
    this.attempts = opts.retry?.attempts ?? 6;
    this.baseDelayMs = opts.retry?.baseDelayMs ?? 250;
    this.maxDelayMs = opts.retry?.maxDelayMs ?? 20_000;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.random = opts.random ?? Math.random;
    this.stats = opts.stats ?? newStats();
  }

  /** Scrubs every known secret (config credentials, auth headers, session tokens) from text. */
  scrub(text: string): string {
    const dynamic = this.opts.auth?.secrets?.() ?? [];
    return redactor(dynamic)(this.scrubStatic(text));
  }

  /** Resolves a path (or a same-origin absolute URL) against the base URL. */
  url(path: string, query?: HttpRequest['query']): URL {
    const u = /^https?:\/\//.test(path) ? new URL(path) : new URL(path.replace(/^\//, ''), this.base);
    if (u.origin !== this.base.origin) {
      throw new VendorError(this.base.origin, `refusing to follow a link to another origin (${u.origin})`);
    }
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u;
  }

  async request<T = unknown>(req: HttpRequest<T>): Promise<HttpResponse<T>> {
    const idempotent = req.idempotent ?? req.method !== 'POST';
    let refreshed = false;
    let lastReason = '';
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      const outcome = await this.once<T>(req);
      switch (outcome.kind) {
        case 'ok':
          return outcome.response;
        case 'terminal':
          throw new VendorError(req.address, this.scrub(outcome.message), { status: outcome.status });
        case 'unauthorised':
          if (this.opts.auth?.refresh && !refreshed && !req.skipAuth) {
            refreshed = true;
            await this.opts.auth.refresh();
            attempt--; // a credential refresh is not a retry of a failure
            continue;
          }
          throw new VendorError(req.address, this.scrub(this.describe(outcome.response)), { status: 401 });
        case 'unknown': {
          if (idempotent) {
            lastReason = outcome.reason;
            break;
          }
          if (!req.recover) {
            throw new VendorError(req.address, `outcome unknown after ${outcome.reason}; not re-sent (it is not idempotent). Run plan to see the live state.`, {
              code: 'E_OUTCOME_UNKNOWN',
            });
          }
          const recovered = await req.recover();
          if (recovered) return recovered;
          lastReason = `${outcome.reason} (re-read: it did not take effect)`;
          break;
        }
        case 'retry':
          lastReason = outcome.reason;
          if (outcome.waitMs !== undefined) {
            this.pacer.pauseUntil(this.clock.now() + outcome.waitMs);
          }
          break;
      }
      if (attempt < this.attempts) {
        this.stats.retries++;
        await this.clock.sleep(this.backoff(attempt));
      }
    }
    throw new VendorError(req.address, this.scrub(`gave up after ${this.attempts} attempts: ${lastReason}`), { code: 'E_RETRIES_EXHAUSTED' });
  }

  /** Full jitter: a random wait up to base·2^(attempt-1), capped. Pauses asked by the vendor are kept by the pacer. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(this.random() * ceiling);
  }

  private async once<T>(req: HttpRequest<T>): Promise<Outcome<T>> {
    await this.pacer.acquire();
    const url = this.url(req.path, req.query);
    const headers: Record<string, string> = { accept: 'application/json', ...this.opts.headers };
    if (this.opts.auth && !req.skipAuth) Object.assign(headers, await this.opts.auth.headers());
    let payload: string | undefined;
    if (req.body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(req.body);
    }
    const started = this.clock.now();
    this.stats.requests++;
    let status: number;
    let resHeaders: HttpResponse['headers'];
    let text: string;
    try {
      const res = await this.dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers,
        body: payload,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      status = res.statusCode;
      resHeaders = res.headers as HttpResponse['headers'];
      text = await res.body.text();
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'ERROR';
      const reason = `${code} on ${req.method} ${url.pathname}`;
      this.log(`${req.method} ${url.href} ✗ ${code} (${Math.round(this.clock.now() - started)} ms)`);
      if (NOT_SENT_CODES.has(code)) return { kind: 'retry', reason, notSent: true };
      return { kind: 'unknown', reason };
    }
    this.log(`${req.method} ${url.href} → ${status} (${Math.round(this.clock.now() - started)} ms)`);
    this.observeQuota(resHeaders);
    const body = parseBody(text);
    const response: HttpResponse<T> = { status, headers: resHeaders, body: body as T };
    if (status >= 200 && status < 300) return { kind: 'ok', response };
    if (status === 429) {
      this.stats.rateLimited++;
      const waitMs = retryAfterMs(resHeaders, this.clock.now());
      return { kind: 'retry', reason: `429 ${this.describe(response)}`, waitMs: waitMs ?? this.pacer.requestInterval };
    }
    if (status === 401) return { kind: 'unauthorised', response };
    if (status >= 500) return { kind: 'unknown', reason: `${status} ${this.describe(response)}` };
    if (status === 408) return { kind: 'unknown', reason: '408 request timeout' };
    return { kind: 'terminal', status, message: `${status} ${this.describe(response)}` };
  }

  /** Honours X-RateLimit-Remaining: 0 with X-RateLimit-Reset by pausing until the reset. */
  private observeQuota(headers: HttpResponse['headers']): void {
    const remaining = header(headers, 'x-ratelimit-remaining');
    if (remaining === undefined || Number(remaining) > 0) return;
    const reset = header(headers, 'x-ratelimit-reset');
    if (reset === undefined) return;
    const at = resetToEpochMs(Number(reset), this.clock.now());
    if (at !== undefined) this.pacer.pauseUntil(at);
  }

  private describe(res: HttpResponse<unknown>): string {
    const own = this.opts.describeError?.(res.status, res.body);
    if (own) return own;
    if (typeof res.body === 'string' && res.body.length > 0) return res.body.slice(0, 200);
    return 'error';
  }

  private log(line: string): void {
    this.opts.log?.(this.scrub(line));
  }
}

function parseBody(text: string): unknown {
  if (text.length === 0) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

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
 * X-RateLimit-Reset is sent either as epoch seconds (GitHub, Laravel) or as seconds until reset
 * (others). A value larger than a year of seconds is taken as an epoch.
 */
function resetToEpochMs(value: number, now: number): number | undefined {
  if (!Number.isFinite(value) || value < 0) return undefined;
  return value > 31_536_000 ? value * 1000 : now + value * 1000;
}
