// The simulators' shared machinery: a node:http server on 127.0.0.1 with JSON bodies, request
// records, latency, injected faults (before or after processing) and a fixed-window rate limiter.
// Each vendor supplies its routes and its own error body.

import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FaultOptions {
  /** Added before handling each request, ms. */
  latencyMs?: number;
  /** 0..1: answer 5xx without processing. */
  errorRate?: number;
  /** 0..1: process (state changes) and then answer 503. */
  errorAfterProcessRate?: number;
  /** 0..1: destroy the socket without processing. */
  resetRate?: number;
  /** 0..1: process, then destroy the socket without answering. */
  resetAfterProcessRate?: number;
  /** 0..1: process, then never answer (the client must time out). */
  hangAfterProcessRate?: number;
  /** 0..1: answer 429 (Retry-After: 1) whatever the real limiter says. */
  rateLimitRate?: number;
  /** Seed of the fault sequence, so a failing run can be repeated. */
  seed?: number;
}

/** A fixed window that starts with the first request after the previous window ended (like Laravel's limiter). */
export interface RateLimitOptions {
  limit: number;
  windowMs: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  status: number;
  faulted?: string;
  body?: unknown;
  at: number;
}

export interface SimulatorOptions<Seed> {
  port?: number;
  tokens?: string[];
  faults?: FaultOptions;
  rateLimit?: RateLimitOptions | false;
  seed?: Seed;
}

export interface RunningSimulator<Store> {
  readonly vendor: string;
  readonly url: string;
  readonly store: Store;
  readonly requests: RecordedRequest[];
  faults: FaultOptions;
  rateLimit: RateLimitOptions | false;
  resetRequests(): void;
  close(): Promise<void>;
}

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** Absolute URL of this server, for links in responses. */
  origin: string;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface VendorSpec {
  vendor: string;
  /** The vendor's error body for a status and message. */
  errorBody(status: number, message: string): unknown;
  /** Routes a request (after faults and the rate limiter). Changes the store. */
  handle(req: SimRequest): SimResponse;
  /** The rate limiter's key (per token, per API key); default one bucket for all. */
  limitKey?(req: SimRequest): string;
  /** Send X-RateLimit-Limit/-Remaining on every answer (Property Deck does). */
  rateLimitHeaders?: boolean;
}

/** mulberry32: a tiny seeded PRNG, so fault sequences are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Window {
  start: number;
  count: number;
}

export async function startSimulator<Store>(
  spec: VendorSpec,
  store: Store,
  opts: SimulatorOptions<unknown> & { basePath?: string },
  defaultLimit: RateLimitOptions | false,
): Promise<RunningSimulator<Store>> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const windows = new Map<string, Window>();
  let random = seededRandom(opts.faults?.seed ?? 1);
  let faults: FaultOptions = { ...opts.faults };
  let origin = '';

  const sim: RunningSimulator<Store> = {
    vendor: spec.vendor,
    url: '',
    store,
    requests,
    get faults() {
      return faults;
    },
    set faults(v: FaultOptions) {
      faults = { ...v };
      random = seededRandom(v.seed ?? 1);
    },
    rateLimit: opts.rateLimit === undefined ? defaultLimit : opts.rateLimit,
    resetRequests: () => {
      requests.length = 0;
    },
    close: async () => undefined,
  };

  const chance = (rate: number | undefined) => rate !== undefined && rate > 0 && random() < rate;

  const send = (res: ServerResponse, r: SimResponse, extra: Record<string, string> = {}) => {
    const headers: Record<string, string> = { ...extra, ...r.headers };
    if (r.body === undefined) {
      res.writeHead(r.status, headers);
      res.end();
      return;
    }
    const text = JSON.stringify(r.body);
    res.writeHead(r.status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  };

  /** Counts a request against its window; returns the 429 to send, or the quota headers. */
  const limit = (req: SimRequest): { reject?: SimResponse; headers: Record<string, string> } => {
    const rl = sim.rateLimit;
    if (!rl) return { headers: {} };
    const key = spec.limitKey?.(req) ?? '*';
    const now = Date.now();
    let w = windows.get(key);
    if (!w || now - w.start >= rl.windowMs) {
      w = { start: now, count: 0 };
      windows.set(key, w);
    }
    const resetMs = w.start + rl.windowMs - now;
    if (w.count >= rl.limit) {
      return {
        headers: {},
        reject: {
          status: 429,
          body: spec.errorBody(429, 'Too Many Attempts.'),
          headers: {
            'retry-after': String(Math.max(1, Math.ceil(resetMs / 1000))),
            'x-ratelimit-limit': String(rl.limit),
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(Math.ceil((now + resetMs) / 1000)),
            // Sandbox only: the exact wait, for clients under test with scaled-down windows.
            'x-ratelimit-reset-ms': String(resetMs),
          },
        },
      };
    }
    w.count++;
    return spec.rateLimitHeaders
      ? { headers: { 'x-ratelimit-limit': String(rl.limit), 'x-ratelimit-remaining': String(rl.limit - w.count) } }
      : { headers: {} };
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', origin);
        const rec: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.search, status: 0, at: Date.now() };
        requests.push(rec);
        const f = sim.faults;
        if (f.latencyMs) await new Promise((r) => setTimeout(r, f.latencyMs));
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        if (text.length > 0) {
          try {
            body = JSON.parse(text);
          } catch {
            rec.status = 400;
            return send(res, { status: 400, body: spec.errorBody(400, 'The request body is not valid JSON.') });
          }
        }
        rec.body = body;
        if (chance(f.resetRate)) {
          rec.faulted = 'reset';
          return req.socket.destroy();
        }
        if (chance(f.errorRate)) {
          rec.faulted = 'error';
          rec.status = 503;
          return send(res, { status: 503, body: spec.errorBody(503, 'Service Unavailable') });
        }
        if (chance(f.rateLimitRate)) {
          rec.faulted = 'rate-limit';
          rec.status = 429;
          return send(res, { status: 429, body: spec.errorBody(429, 'Too Many Attempts.'), headers: { 'retry-after': '1' } });
        }
        const simReq: SimRequest = { method: rec.method, path: url.pathname, query: url.searchParams, headers: req.headers, body, origin };
        const quota = limit(simReq);
        if (quota.reject) {
          rec.status = 429;
          return send(res, quota.reject);
        }
        let answer: SimResponse;
        try {
          answer = spec.handle(simReq);
        } catch (err) {
          answer = { status: 500, body: spec.errorBody(500, (err as Error).message) };
        }
        rec.status = answer.status;
        if (chance(f.hangAfterProcessRate)) {
          rec.faulted = 'hang-after-process';
          return; // never answer; close() destroys the socket
        }
        if (chance(f.resetAfterProcessRate)) {
          rec.faulted = 'reset-after-process';
          return req.socket.destroy();
        }
        if (chance(f.errorAfterProcessRate)) {
          rec.faulted = 'error-after-process';
          rec.status = 503;
          return send(res, { status: 503, body: spec.errorBody(503, 'Service Unavailable') });
        }
        send(res, answer, quota.headers);
      })();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  (sim as { url: string }).url = `${origin}${opts.basePath ?? ''}`;
  sim.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return sim;
}

/** The Bearer token of a request, if any. */
export function bearer(headers: IncomingHttpHeaders): string | undefined {
  const h = headers['authorization'];
  return typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7) : undefined;
}
