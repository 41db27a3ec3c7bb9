// The one HTTP client: keep-alive pools per origin (undici Agent), timeouts, pacing to the
// account's rate limit, retries with backoff and jitter honouring Retry-After, and the single
// place that decides what is retryable and what is terminal. Adapters never retry on their own.

import { Agent, type Dispatcher } from 'undici';
import { VendorError } from '../errors.js';
import { inertText, withoutUserinfo } from '../inert.js';
import type { RateLimit } from '../model.js';
import { answerProblem, preview, type AnswerShape } from './answer.js';
import { Pacer, realClock, type Clock } from './pacer.js';
import { redactor, registerSecrets } from './redact.js';
import { isAllowedBaseUrl, isLoopbackHost } from './url-policy.js';

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

/** Pauses at least this long are announced on stderr, with or without a TTY (once each). */
const ANNOUNCE_WAIT_MS = 5_000;

/** Error codes that mean the connection failed before the request could have been received. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH']);

/** How many connections the shared pool opens to one origin (one request each at a time). */
export const CONNECTIONS_PER_ORIGIN = 16;

let sharedAgent: Agent | undefined;
/** The process-wide keep-alive agent: one connection pool per origin. */
export function defaultAgent(): Agent {
  sharedAgent ??= new Agent({ keepAliveTimeout: 10_000, connections: CONNECTIONS_PER_ORIGIN, pipelining: 1 });
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
  | { kind: 'unauthorised'; response: HttpResponse<unknown>; sentAuth: Record<string, string> }
  | { kind: 'terminal'; status?: number; message: string; code?: string }
  /** The request's deadline ran out during this exchange. */
  | { kind: 'expired'; reason: string }
  /** Another request of the account ran out of its deadline: this one was not sent, or was abandoned in flight. */
  | { kind: 'halted'; reason: string; sent: boolean };

/** What messages name of a request. */
type RequestShown = Pick<HttpRequest, 'address' | 'path' | 'method'>;

/** What is left of one request's deadline, ms: each exchange and each backoff takes from it. */
interface Budget {
  leftMs: number;
}

export class HttpClient {
  private readonly base: URL;
  private readonly pacer: Pacer;
  private readonly clock: Clock;
  private readonly dispatcher: Dispatcher;
  /** Built at its first use: most runs never scrub, and a fleet has a client per account. */
  private scrubStatic: ((t: string) => string) | undefined;
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly deadlineMs: number;
  private readonly maxWaitMs: number;
  private readonly random: () => number;
  /** Set once the vendor asked for a wait longer than allowed: every later request fails with it. */
  private waitRefused: string | undefined;
  /** Set once a request ran out of its deadline: the vendor is not answering, so nothing more is sent. */
  private stalled: string | undefined;
  /** Aborts the exchanges in flight, when the account stalls. */
  private readonly inFlight = new Set<AbortController>();
  /** When the last announced pause ends (epoch ms): a pause is announced once, however many answers ask for it. */
  private announcedUntil = 0;
  readonly stats: HttpStats;

  constructor(private readonly opts: HttpClientOptions) {
    if (!isAllowedBaseUrl(opts.baseUrl)) {
      throw new VendorError(
        withoutUserinfo(opts.baseUrl),
        'refusing a base URL that is not https (plain http is allowed only to loopback)',
      );
    }
    this.base = new URL(opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
    this.clock = opts.clock ?? realClock;
    this.pacer = new Pacer(opts.rateLimit, this.clock);
    this.dispatcher = opts.dispatcher ?? defaultAgent();
    // Header values are credentials too (a Basic header's base64 of id:secret): every output scrubs them,
    // also where a vendor hands them back inside live data.
    registerSecrets([...(opts.secrets ?? []), ...Object.values(opts.headers ?? {})]);
    this.attempts = opts.retry?.attempts ?? 6;
    this.baseDelayMs = opts.retry?.baseDelayMs ?? 250;
    this.maxDelayMs = opts.retry?.maxDelayMs ?? 20_000;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.deadlineMs = opts.deadlineMs ?? Math.max(DEFAULT_DEADLINE_MS, this.timeoutMs);
    this.maxWaitMs = opts.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    this.random = opts.random ?? Math.random;
    this.stats = opts.stats ?? newStats();
  }

  /** Scrubs every known secret (config credentials, auth headers, session tokens) from text. */
  scrub(text: string): string {
    const dynamic = this.opts.auth?.secrets?.() ?? [];
    this.scrubStatic ??= redactor([...(this.opts.secrets ?? []), ...Object.values(this.opts.headers ?? {})]);
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
    const budget: Budget = { leftMs: this.deadlineMs };
    let refreshed = false;
    let lastReason = '';
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      const outcome = await this.once<T>(req, budget);
      switch (outcome.kind) {
        case 'ok':
          return outcome.response;
        case 'terminal':
          throw new VendorError(req.address, this.scrub(outcome.message), {
            status: outcome.status,
            ...(outcome.code ? { code: outcome.code } : {}),
          });
        case 'expired':
          throw this.expired(req, idempotent, attempt, lastReason, outcome.reason);
        case 'halted':
          throw this.halted(req, idempotent, outcome);
        case 'unauthorised':
          if (this.opts.auth?.refresh && !refreshed && !req.skipAuth) {
            refreshed = true;
            await this.opts.auth.refresh(outcome.sentAuth);
            attempt--; // a credential refresh is not a retry of a failure
            continue;
          }
          throw new VendorError(req.address, this.scrub(this.unauthorised(outcome.response)), { status: 401 });
        case 'unknown': {
          if (idempotent) {
            lastReason = outcome.reason;
            break;
          }
          if (!req.recover) throw this.outcomeUnknown(req, outcome.reason);
          const recovered = await req.recover();
          if (recovered) return recovered;
          lastReason = `${outcome.reason} (re-read: it did not take effect)`;
          break;
        }
        case 'retry':
          lastReason = outcome.reason;
          if (outcome.waitMs !== undefined) this.vendorWait(outcome.waitMs, 'Retry-After', req);
          break;
      }
      if (attempt < this.attempts) await this.beforeRetry(req, attempt, lastReason, budget);
    }
    throw new VendorError(req.address, this.scrub(`gave up after ${this.attempts} attempts at ${this.base.host}: ${lastReason}`), {
      code: 'E_RETRIES_EXHAUSTED',
    });
  }

  /** The backoff before a retry, announced from the second retry on; the request gives up when it would outlast its deadline. */
  private async beforeRetry(req: RequestShown, attempt: number, lastReason: string, budget: Budget): Promise<void> {
    const wait = this.backoff(attempt);
    if (wait >= budget.leftMs) {
      const reason = `no time left for another attempt within ${this.deadlineText()}`;
      this.stall(req);
      throw new VendorError(req.address, this.scrub(`gave up after ${attempt} attempts at ${this.base.host}: ${lastReason}; ${reason}`), {
        code: 'E_DEADLINE',
      });
    }
    this.stats.retries++;
    // One blip is routine; from the second retry on, the user hears why the run is slow.
    if (attempt >= 2) {
      const request = `${req.method} ${this.shortPath(req)}`;
      this.notice(`${request} failed (${lastReason}), retry ${attempt} of ${this.attempts - 1} in ${(wait / 1000).toFixed(1)} s`, {
        kind: 'retry',
        seconds: wait / 1000,
        reason: lastReason,
        request,
        attempt,
      });
    }
    budget.leftMs -= wait;
    await this.clock.sleep(wait);
  }

  /** "its deadline of 120 s, retries included". */
  private deadlineText(): string {
    return `its deadline of ${Math.round(this.deadlineMs / 1000)} s, retries included`;
  }

  /** A request that ran out of its deadline: it fails, and so does the account (see stall). */
  private expired(req: RequestShown, idempotent: boolean, attempt: number, lastReason: string, reason: string): VendorError {
    this.stall(req);
    const full = `${reason} (its deadline, retries included)`;
    if (!idempotent) return this.outcomeUnknown(req, full);
    const earlier = attempt > 1 ? `gave up after ${attempt} attempts at ${this.base.host}: ${lastReason}; then ` : '';
    return new VendorError(req.address, this.scrub(`${earlier}${full}`), { code: 'E_DEADLINE' });
  }

  /**
   * A request stopped because another one stalled the account: not sent, or abandoned in flight
   * (its outcome unknown when it is not idempotent).
   */
  private halted(req: RequestShown, idempotent: boolean, outcome: { reason: string; sent: boolean }): VendorError {
    if (outcome.sent && !idempotent) return this.outcomeUnknown(req, `it was abandoned in flight (${outcome.reason})`);
    return new VendorError(req.address, this.scrub(`${outcome.sent ? 'abandoned in flight' : 'not sent'}: ${outcome.reason}`), {
      code: 'E_DEADLINE',
    });
  }

  private outcomeUnknown(req: RequestShown, reason: string): VendorError {
    return new VendorError(
      req.address,
      this.scrub(`outcome unknown after ${reason}; not re-sent (it is not idempotent). Run plan to see the live state.`),
      { code: 'E_OUTCOME_UNKNOWN' },
    );
  }

  /**
   * The vendor did not complete a request within its deadline: a vendor that trickles or stays
   * silent would cost every later request the same, so the account stops here — exchanges in
   * flight are abandoned and no new one starts — and the run's cost stays one deadline.
   */
  private stall(req: RequestShown): void {
    this.stalled ??=
      `${this.base.host} did not complete ${req.method} ${this.shortPath(req)} within ${this.deadlineText()}, ` +
      'so nothing more is sent to it for this account in this run';
    for (const exchange of this.inFlight) exchange.abort();
  }

  /** Full jitter: a random wait up to base·2^(attempt-1), capped. Pauses asked by the vendor are kept by the pacer. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(this.random() * ceiling);
  }

  /**
   * A wait the vendor asked for: the whole account pauses (the pacer holds every request that has
   * not started) when it is within the limit, and the run stops when it is not, so no run sleeps
   * for a day on a vendor's word. A long pause is announced once, however many answers ask for it;
   * again only when one moves its end by as much again.
   */
  private vendorWait(waitMs: number, source: string, req: Pick<HttpRequest, 'address' | 'path' | 'method'>): void {
    if (!Number.isFinite(waitMs) || waitMs > this.maxWaitMs) {
      const asked = Number.isFinite(waitMs) ? `${Math.ceil(waitMs / 1000)} s` : 'for ever';
      this.waitRefused =
        `${this.base.host} asked to wait ${asked} (${source}); ` +
        `the limit is ${Math.round(this.maxWaitMs / 1000)} s (max_wait_seconds on the account, or --max-wait)`;
      throw new VendorError(req.address, this.waitRefused, { code: 'E_WAIT_TOO_LONG' });
    }
    const now = this.clock.now();
    const until = this.pacer.pauseUntil(now + Math.max(0, waitMs));
    const pauseMs = until - now;
    if (pauseMs < ANNOUNCE_WAIT_MS || until < this.announcedUntil + ANNOUNCE_WAIT_MS) return;
    this.announcedUntil = until;
    this.notice(
      `${this.base.host} asked to wait ${Math.ceil(pauseMs / 1000)} s (${source}), ` +
        `resuming at ${new Date(until).toISOString().slice(11, 19)} UTC`,
      { kind: 'wait', seconds: pauseMs / 1000, reason: source, until: new Date(until).toISOString() },
    );
  }

  private notice(line: string, notice: Omit<HttpNotice, 'label'>): void {
    const scrubbed = { ...notice, reason: this.scrub(notice.reason), ...(this.opts.label ? { label: this.opts.label } : {}) };
    this.opts.notify?.(this.scrub(this.opts.label ? `${this.opts.label}: ${line}` : line), scrubbed);
  }

  private shortPath(req: Pick<HttpRequest, 'address' | 'path' | 'method'>): string {
    try {
      return this.url(req.path).pathname;
    } catch {
      return req.path;
    }
  }

  private async once<T>(req: HttpRequest<T>, budget: Budget): Promise<Outcome<T>> {
    if (this.waitRefused) return { kind: 'terminal', message: this.waitRefused, code: 'E_WAIT_TOO_LONG' };
    if (this.stalled === undefined) await this.pacer.acquire();
    // Checked after the wait too: the account may have stalled meanwhile.
    if (this.stalled !== undefined) return { kind: 'halted', reason: this.stalled, sent: false };
    const url = this.url(req.path, req.query);
    const shown = `${req.method} ${url.pathname}${url.search}`;
    const sentAuth = this.opts.auth && !req.skipAuth ? await this.opts.auth.headers() : {};
    const headers: Record<string, string> = { accept: 'application/json', ...this.opts.headers, ...sentAuth };
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
    // Idle timeouts alone let a body that trickles in a byte a second run for ever: the whole
    // exchange, headers and body, gets what is left of the request's deadline.
    const exchange = new AbortController();
    let expired = false;
    const timer = setTimeout(
      () => {
        expired = true;
        exchange.abort();
      },
      Math.max(0, budget.leftMs),
    );
    this.inFlight.add(exchange);
    try {
      const res = await this.dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers,
        body: payload,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: exchange.signal,
      });
      status = res.statusCode;
      resHeaders = res.headers as HttpResponse['headers'];
      text = await res.body.text();
    } catch (err) {
      const code = expired ? 'DEADLINE' : exchange.signal.aborted ? 'HALTED' : ((err as { code?: string }).code ?? 'ERROR');
      this.log(`${req.method} ${shownUrl(url)} ✗ ${code} (${Math.round(this.clock.now() - started)} ms)`);
      if (code === 'DEADLINE')
        return { kind: 'expired', reason: `no complete answer within ${Math.round(this.deadlineMs / 1000)} s to ${shown}` };
      if (code === 'HALTED') return { kind: 'halted', reason: this.stalled ?? 'the account stopped', sent: true };
      return this.failed(err, code, url, shown);
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(exchange);
      budget.leftMs -= this.clock.now() - started;
      this.opts.answered?.();
    }
    this.log(`${req.method} ${shownUrl(url)} → ${status} (${Math.round(this.clock.now() - started)} ms)`);
    this.observeQuota(resHeaders, req);
    if (status >= 200 && status < 300) return this.accepted(req, shown, status, resHeaders, text);
    const response: HttpResponse<T> = { status, headers: resHeaders, body: parseBody(text) as T };
    if (status === 429) {
      this.stats.rateLimited++;
      const waitMs = retryAfterMs(resHeaders, this.clock.now());
      return { kind: 'retry', reason: `429 ${this.describe(response)}`, waitMs: waitMs ?? this.pacer.requestInterval };
    }
    if (status === 401) return { kind: 'unauthorised', response, sentAuth };
    if (status >= 500) return { kind: 'unknown', reason: `${status} ${this.describe(response)}` };
    if (status === 408) return { kind: 'unknown', reason: '408 request timeout' };
    return { kind: 'terminal', status, message: `${status} ${this.describe(response)}` };
  }

  /**
   * An exchange that failed without an answer: retried when nothing was sent, an unknown outcome
   * otherwise, terminal where retrying cannot help.
   */
  private failed<T>(err: unknown, code: string, url: URL, shown: string): Outcome<T> {
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
          `the request to ${url.host} could not be built (${(err as Error).message}); ` +
          `check the account's credentials and settings for stray characters`,
      };
    }
    if (NOT_SENT_CODES.has(code)) return { kind: 'retry', reason, notSent: true };
    return { kind: 'unknown', reason };
  }

  /** A 2xx answer: handed back only when it is what the docs say it is. */
  private accepted<T>(req: HttpRequest<T>, shown: string, status: number, headers: HttpResponse['headers'], text: string): Outcome<T> {
    const parsed = parseAnswer(text, header(headers, 'content-type'), req.answer !== undefined);
    const refused = parsed.ok ? this.opts.refusal?.(parsed.body) : undefined;
    if (refused !== undefined)
      return { kind: 'terminal', status, code: 'E_REFUSED', message: `${shown} answered ${status} but refused: ${refused}` };
    const shapeProblem = parsed.ok ? (req.answer ? answerProblem(req.answer, parsed.body) : undefined) : parsed.problem;
    const problem = shapeProblem ?? (parsed.ok && req.about ? req.about(parsed.body as T) : undefined);
    if (problem === undefined) return { kind: 'ok', response: { status, headers, body: (parsed.ok ? parsed.body : null) as T } };
    const message = `${shown} answered ${status}, but ${problem}`;
    this.log(`${shown}: ${message}`);
    // A create the vendor may have made: look before sending again, as after a 5xx.
    if (req.recover && !(req.idempotent ?? req.method !== 'POST')) return { kind: 'unknown', reason: message };
    return { kind: 'terminal', status, code: 'E_ANSWER', message };
  }

  /**
   * Honours a spent quota (remaining 0) with a reset by pausing until the reset. Read under the
   * common spellings: X-RateLimit-*, X-Rate-Limit-Remaining, and the IETF draft's RateLimit-*
   * (whose reset is seconds from now).
   */
  private observeQuota(headers: HttpResponse['headers'], req: Pick<HttpRequest, 'address' | 'path' | 'method'>): void {
    const remaining =
      header(headers, 'x-ratelimit-remaining') ?? header(headers, 'x-rate-limit-remaining') ?? header(headers, 'ratelimit-remaining');
    if (remaining === undefined || Number(remaining) > 0) return;
    const reset = header(headers, 'x-ratelimit-reset') ?? header(headers, 'ratelimit-reset');
    if (reset === undefined) return;
    const now = this.clock.now();
    const at = resetToEpochMs(Number(reset), now);
    if (at === undefined) return;
    try {
      this.vendorWait(at - now, 'X-RateLimit-Reset', req);
    } catch {
      // This answer stands; the next request fails with the refusal (waitRefused).
    }
  }

  /** The message of a 401: which host refused, what it said, and what to check. */
  private unauthorised(res: HttpResponse<unknown>): string {
    const hint = this.opts.authHint ? `; check ${this.opts.authHint}` : '';
    return `${this.base.host} refused the credentials (401 ${this.describe(res)})${hint}`;
  }

  /** What an error answer says, on one line and inert: it goes into notices, errors and logs. */
  private describe(res: HttpResponse<unknown>): string {
    return inertText(this.describeBody(res));
  }

  private describeBody(res: HttpResponse<unknown>): string {
    const documented = this.opts.errorShape === undefined || answerProblem(this.opts.errorShape, res.body) === undefined;
    const own = documented ? this.opts.describeError?.(res.status, res.body) : undefined;
    if (own) return own;
    if (typeof res.body === 'string' && res.body.length > 0) return `(not the vendor's documented error body) ${preview(res.body, 120)}`;
    if (res.body !== null && res.body !== undefined) return `(not the vendor's documented error body) ${preview(res.body, 120)}`;
    return 'with an empty body';
  }

  private log(line: string): void {
    this.opts.log?.(this.scrub(line));
  }
}

/** A request's URL for the --verbose log: never the `user:password@` a base URL may carry. */
function shownUrl(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const shown = new URL(url.href);
  shown.username = '';
  shown.password = '';
  return shown.href;
}

/**
 * A 2xx body as JSON, or what is wrong with it: empty, an HTML page, cut short, not JSON. A body
 * that need not be anything (no `answer` shape, e.g. a 204) may be empty.
 */
function parseAnswer(
  text: string,
  contentType: string | undefined,
  required: boolean,
): { ok: true; body: unknown } | { ok: false; problem: string } {
  if (text.trim().length === 0) return required ? { ok: false, problem: 'the body is empty' } : { ok: true, body: null };
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch (err) {
    if (!required) return { ok: true, body: text };
    if (/html/i.test(contentType ?? '') || /^\s*</.test(text))
      return { ok: false, problem: `the body is an HTML page, not JSON (${preview(text, 80)})` };
    if (/^\s*[[{]/.test(text)) return { ok: false, problem: `the JSON is cut short or broken (${(err as Error).message})` };
    return { ok: false, problem: `the body is not JSON (${preview(text, 80)})` };
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
