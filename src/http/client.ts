// The one HTTP client: the request loop (attempts paced to the account's rate limit, retries with
// backoff and jitter, a credential refreshed once), each request's deadline, and stopping an
// account that stalls. What an attempt's end means is decided in retry-policy.ts, the waits a
// vendor asks for are kept in vendor-waits.ts; adapters never retry on their own.

import type { Dispatcher } from 'undici';
import { VendorError } from '../errors.js';
import { withoutUserinfo } from '../inert.js';
import { defaultAgent } from './agent.js';
import { answerProblem } from './answer.js';
import { describeErrorAnswer, parseAnswer, parseBody } from './body.js';
import {
  DEFAULT_DEADLINE_MS,
  DEFAULT_MAX_WAIT_MS,
  newStats,
  type HttpClientOptions,
  type HttpNotice,
  type HttpRequest,
  type HttpResponse,
  type HttpStats,
} from './contract.js';
import { exchange, shownUrl, type Budget, type Exchanged } from './exchange.js';
import { header, quotaResetAt, retryAfterMs } from './headers.js';
import { Pacer, realClock, type Clock } from './pacer.js';
import { redactor, registerSecrets } from './redact.js';
import { backoffMs, failureOutcome, statusOutcome, unresolvedMessage, type Outcome } from './retry-policy.js';
import { isAllowedBaseUrl } from './url-policy.js';
import { VendorWaits } from './vendor-waits.js';

export { closeDefaultAgent, CONNECTIONS_PER_ORIGIN, defaultAgent } from './agent.js';
export * from './contract.js';
export { isAllowedBaseUrl };

/** What messages name of a request. */
type RequestShown = Pick<HttpRequest, 'address' | 'path' | 'method'>;

/** One request's attempts so far: what the loop carries from one attempt to the next. */
interface Attempts {
  readonly idempotent: boolean;
  readonly budget: Budget;
  refreshed: boolean;
  lastReason: string;
  /** How many attempts found that the host name does not resolve. */
  unresolved: number;
}

/** What the loop does after an attempt: hand back the answer, try again at once (fresh credentials), or back off and retry. */
type Next<T> = { answer: HttpResponse<T> } | 'again' | 'retry';

export class HttpClient {
  private readonly base: URL;
  private readonly pacer: Pacer;
  private readonly clock: Clock;
  private readonly dispatcher: Dispatcher;
  /** Built at its first use: most runs never scrub, and a fleet has a client per account. */
  private scrubStatic: ((t: string) => string) | undefined;
  private readonly attempts: number;
  private readonly retryDelays: { baseDelayMs: number; maxDelayMs: number };
  private readonly timeoutMs: number;
  private readonly deadlineMs: number;
  private readonly random: () => number;
  /** The waits the vendor asks the account for. */
  private readonly waits: VendorWaits;
  /** Set once a request ran out of its deadline: the vendor is not answering, so nothing more is sent. */
  private stalled: string | undefined;
  /** Aborts the exchanges in flight, when the account stalls. */
  private readonly inFlight = new Set<AbortController>();
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
    this.retryDelays = { baseDelayMs: opts.retry?.baseDelayMs ?? 250, maxDelayMs: opts.retry?.maxDelayMs ?? 20_000 };
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.deadlineMs = opts.deadlineMs ?? Math.max(DEFAULT_DEADLINE_MS, this.timeoutMs);
    const announce = (line: string, notice: Omit<HttpNotice, 'label'>) => this.notice(line, notice);
    this.waits = new VendorWaits(this.pacer, this.clock, this.base.host, opts.maxWaitMs ?? DEFAULT_MAX_WAIT_MS, announce);
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
    const run: Attempts = {
      idempotent: req.idempotent ?? req.method !== 'POST',
      budget: { leftMs: this.deadlineMs },
      refreshed: false,
      lastReason: '',
      unresolved: 0,
    };
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      const next = await this.afterAttempt(req, await this.once<T>(req, run.budget), attempt, run);
      if (next === 'again') {
        attempt--; // a credential refresh is not a retry of a failure
        continue;
      }
      if (next !== 'retry') return next.answer;
      if (attempt < this.attempts) await this.beforeRetry(req, attempt, run.lastReason, run.budget);
    }
    throw new VendorError(req.address, this.scrub(`gave up after ${this.attempts} attempts at ${this.base.host}: ${run.lastReason}`), {
      code: 'E_RETRIES_EXHAUSTED',
    });
  }

  /** Acts on how an attempt ended: hands back the answer, throws what cannot be helped, or says to try again. */
  private async afterAttempt<T>(req: HttpRequest<T>, outcome: Outcome<T>, attempt: number, run: Attempts): Promise<Next<T>> {
    switch (outcome.kind) {
      case 'ok':
        return { answer: outcome.response };
      case 'terminal':
        throw new VendorError(req.address, this.scrub(outcome.message), {
          status: outcome.status,
          ...(outcome.code ? { code: outcome.code } : {}),
        });
      case 'expired':
        throw this.expired(req, run.idempotent, attempt, run.lastReason, outcome.reason);
      case 'halted':
        throw this.halted(req, run.idempotent, outcome);
      case 'unauthorised':
        if (this.opts.auth?.refresh && !run.refreshed && !req.skipAuth) {
          run.refreshed = true;
          await this.opts.auth.refresh(outcome.sentAuth);
          return 'again';
        }
        throw new VendorError(req.address, this.scrub(this.unauthorised(outcome.response)), { status: 401 });
      case 'unknown':
        return this.afterUnknown(req, outcome.reason, run);
      case 'unresolved':
        return this.afterUnresolved(req, outcome, run);
      case 'retry':
        run.lastReason = outcome.reason;
        if (outcome.waitMs !== undefined) this.waits.ask(outcome.waitMs, 'Retry-After', req.address);
        return 'retry';
    }
  }

  /**
   * An attempt that may or may not have taken effect: retried when re-sending is harmless; else
   * `recover` looks first, and without it the request fails, not re-sent.
   */
  private async afterUnknown<T>(req: HttpRequest<T>, reason: string, run: Attempts): Promise<Next<T>> {
    if (run.idempotent) {
      run.lastReason = reason;
      return 'retry';
    }
    if (!req.recover) throw this.outcomeUnknown(req, reason);
    const recovered = await req.recover();
    if (recovered) return { answer: recovered };
    run.lastReason = `${reason} (re-read: it did not take effect)`;
    return 'retry';
  }

  /** A host name that did not resolve: tried once more, as a blip of the resolver; a second time, it fails as such. */
  private afterUnresolved<T>(req: HttpRequest<T>, outcome: Outcome<T> & { kind: 'unresolved' }, run: Attempts): Next<T> {
    run.unresolved++;
    if (run.unresolved > 1) {
      const message = unresolvedMessage(outcome, run.unresolved, `${req.method} ${this.shortPath(req)}`);
      throw new VendorError(req.address, this.scrub(message), { code: 'E_DNS' });
    }
    run.lastReason = outcome.reason;
    return 'retry';
  }

  /** The backoff before a retry, announced from the second retry on; the request gives up when it would outlast its deadline. */
  private async beforeRetry(req: RequestShown, attempt: number, lastReason: string, budget: Budget): Promise<void> {
    const wait = backoffMs(attempt, this.retryDelays, this.random);
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

  private notice(line: string, notice: Omit<HttpNotice, 'label'>): void {
    const scrubbed = { ...notice, reason: this.scrub(notice.reason), ...(this.opts.label ? { label: this.opts.label } : {}) };
    this.opts.notify?.(this.scrub(this.opts.label ? `${this.opts.label}: ${line}` : line), scrubbed);
  }

  private shortPath(req: RequestShown): string {
    try {
      return this.url(req.path).pathname;
    } catch {
      return req.path;
    }
  }

  /** One attempt: waits for the account's pace, sends, and says how it ended. */
  private async once<T>(req: HttpRequest<T>, budget: Budget): Promise<Outcome<T>> {
    if (this.waits.refused) return { kind: 'terminal', message: this.waits.refused, code: 'E_WAIT_TOO_LONG' };
    if (this.stalled === undefined) await this.pacer.acquire();
    // Checked after the wait too: the account may have stalled meanwhile.
    if (this.stalled !== undefined) return { kind: 'halted', reason: this.stalled, sent: false };
    const url = this.url(req.path, req.query);
    const shown = `${req.method} ${url.pathname}${url.search}`;
    const sentAuth = this.opts.auth && !req.skipAuth ? await this.opts.auth.headers() : {};
    const headers: Record<string, string> = { accept: 'application/json', ...this.opts.headers, ...sentAuth };
    let body: string | undefined;
    if (req.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.body);
    }
    const started = this.clock.now();
    this.stats.requests++;
    const init = { method: req.method, headers, body, timeoutMs: this.timeoutMs, deadlineMs: budget.leftMs };
    const answer = await exchange(this.dispatcher, url, init, this.inFlight);
    budget.leftMs -= this.clock.now() - started;
    this.opts.answered?.();
    const result = answer.ok ? `→ ${answer.status}` : `✗ ${answer.code}`;
    this.log(`${req.method} ${shownUrl(url)} ${result} (${Math.round(this.clock.now() - started)} ms)`);
    if (!answer.ok) return this.unanswered(answer, url, shown);
    return this.answered(req, shown, answer, sentAuth);
  }

  /** An exchange that ended without an answer: the deadline ran out, the account stalled, or the network failed. */
  private unanswered<T>(failure: Exchanged & { ok: false }, url: URL, shown: string): Outcome<T> {
    if (failure.code === 'DEADLINE')
      return { kind: 'expired', reason: `no complete answer within ${Math.round(this.deadlineMs / 1000)} s to ${shown}` };
    if (failure.code === 'HALTED') return { kind: 'halted', reason: this.stalled ?? 'the account stopped', sent: true };
    return failureOutcome(failure.error, failure.code, url, shown);
  }

  /** An answer: its quota headers observed, then a 2xx checked, a 429 waited on, any other status classified. */
  private answered<T>(req: HttpRequest<T>, shown: string, answer: Exchanged & { ok: true }, sentAuth: Record<string, string>): Outcome<T> {
    const { status, headers, text } = answer;
    this.observeQuota(headers, req);
    if (status >= 200 && status < 300) return this.accepted(req, shown, status, headers, text);
    const response: HttpResponse<T> = { status, headers, body: parseBody(text) as T };
    if (status === 429) {
      this.stats.rateLimited++;
      const waitMs = retryAfterMs(headers, this.clock.now());
      return { kind: 'retry', reason: `429 ${this.describe(response)}`, waitMs: waitMs ?? this.pacer.requestInterval };
    }
    return statusOutcome(response, this.describe(response), sentAuth);
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

  /** Honours a spent quota (remaining 0) with a reset by pausing until the reset. */
  private observeQuota(headers: HttpResponse['headers'], req: RequestShown): void {
    const now = this.clock.now();
    const at = quotaResetAt(headers, now);
    if (at === undefined) return;
    try {
      this.waits.ask(at - now, 'X-RateLimit-Reset', req.address);
    } catch {
      // This answer stands; the next request fails with the refusal (waits.refused).
    }
  }

  /** The message of a 401: which host refused, what it said, and what to check. */
  private unauthorised(res: HttpResponse<unknown>): string {
    const hint = this.opts.authHint ? `; check ${this.opts.authHint}` : '';
    return `${this.base.host} refused the credentials (401 ${this.describe(res)})${hint}`;
  }

  /** What an error answer says, on one line and inert: it goes into notices, errors and logs. */
  private describe(res: HttpResponse<unknown>): string {
    return describeErrorAnswer(res, this.opts);
  }

  private log(line: string): void {
    this.opts.log?.(this.scrub(line));
  }
}
