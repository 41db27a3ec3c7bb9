// The simulators' shared machinery: a node:http server on 127.0.0.1 with JSON bodies, request
// records, latency, injected faults (before or after processing) and a fixed-window rate limiter.
// Each vendor supplies its routes and its own error body.

import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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
function seededRandom(seed: number): () => number {
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

/** The faults in force and their seeded dice; the sequence starts again when the faults are set. */
class FaultDice {
  private current: FaultOptions;
  private random: () => number;

  constructor(faults: FaultOptions | undefined) {
    this.current = { ...faults };
    this.random = seededRandom(faults?.seed ?? 1);
  }

  get options(): FaultOptions {
    return this.current;
  }

  set options(v: FaultOptions) {
    this.current = { ...v };
    this.random = seededRandom(v.seed ?? 1);
  }

  /** Whether a fault of this rate strikes now; a rate of zero draws nothing, so the sequence stays the same. */
  roll(rate: number | undefined): boolean {
    return rate !== undefined && rate > 0 && this.random() < rate;
  }
}

/** What a fault does instead of the normal answer: drop the connection, never answer, or answer this. */
interface Fault {
  name: string;
  act: 'reset' | 'hang' | SimResponse;
}

/** A fault that strikes before the request is processed (nothing changes in the store). */
function faultBefore(f: FaultOptions, dice: FaultDice, spec: VendorSpec): Fault | undefined {
  if (dice.roll(f.resetRate)) return { name: 'reset', act: 'reset' };
  if (dice.roll(f.errorRate)) return { name: 'error', act: { status: 503, body: spec.errorBody(503, 'Service Unavailable') } };
  if (dice.roll(f.rateLimitRate)) {
    const act = { status: 429, body: spec.errorBody(429, 'Too Many Attempts.'), headers: { 'retry-after': '1' } };
    return { name: 'rate-limit', act };
  }
  return undefined;
}

/** A fault that strikes after the request changed the store: the client cannot know it did. */
function faultAfter(f: FaultOptions, dice: FaultDice, spec: VendorSpec): Fault | undefined {
  if (dice.roll(f.hangAfterProcessRate)) return { name: 'hang-after-process', act: 'hang' };
  if (dice.roll(f.resetAfterProcessRate)) return { name: 'reset-after-process', act: 'reset' };
  if (dice.roll(f.errorAfterProcessRate)) {
    return { name: 'error-after-process', act: { status: 503, body: spec.errorBody(503, 'Service Unavailable') } };
  }
  return undefined;
}

/** What the rate limiter says of a request: the 429 to send, or the quota headers of the answer. */
interface Quota {
  reject?: SimResponse;
  headers: Record<string, string>;
}

/** Fixed windows per limiter key. */
class RateWindows {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly spec: VendorSpec) {}

  /** Counts a request against its window. */
  count(rl: RateLimitOptions | false, req: SimRequest): Quota {
    if (!rl) return { headers: {} };
    const key = this.spec.limitKey?.(req) ?? '*';
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= rl.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    const resetMs = w.start + rl.windowMs - now;
    if (w.count >= rl.limit) return { headers: {}, reject: this.tooMany(rl, now, resetMs) };
    w.count++;
    return this.spec.rateLimitHeaders
      ? { headers: { 'x-ratelimit-limit': String(rl.limit), 'x-ratelimit-remaining': String(rl.limit - w.count) } }
      : { headers: {} };
  }

  private tooMany(rl: RateLimitOptions, now: number, resetMs: number): SimResponse {
    return {
      status: 429,
      body: this.spec.errorBody(429, 'Too Many Attempts.'),
      headers: {
        'retry-after': String(Math.max(1, Math.ceil(resetMs / 1000))),
        'x-ratelimit-limit': String(rl.limit),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.ceil((now + resetMs) / 1000)),
        // Sandbox only: the exact wait, for clients under test with scaled-down windows.
        'x-ratelimit-reset-ms': String(resetMs),
      },
    };
  }
}

function send(res: ServerResponse, r: SimResponse, extra: Record<string, string> = {}): void {
  const headers: Record<string, string> = { ...extra, ...r.headers };
  if (r.body === undefined) {
    res.writeHead(r.status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(r.body);
  res.writeHead(r.status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** A request body as JSON (undefined when empty), or null when it is not JSON. */
function jsonBody(text: string): { body: unknown } | null {
  if (text.length === 0) return { body: undefined };
  try {
    return { body: JSON.parse(text) };
  } catch {
    return null;
  }
}

/** The vendor's answer to a request; a handler that throws is the vendor's 500. */
function vendorAnswer(spec: VendorSpec, req: SimRequest): SimResponse {
  try {
    return spec.handle(req);
  } catch (err) {
    return { status: 500, body: spec.errorBody(500, (err as Error).message) };
  }
}

/** Everything one running simulator answers with. */
interface Simulation {
  spec: VendorSpec;
  sim: RunningSimulator<unknown>;
  dice: FaultDice;
  limiter: RateWindows;
  origin: string;
}

/** Carries out a fault: the record says which, and the client gets a dropped connection, silence, or the fault's answer. */
function strike(fault: Fault, rec: RecordedRequest, req: IncomingMessage, res: ServerResponse): void {
  rec.faulted = fault.name;
  if (fault.act === 'reset') return void req.socket.destroy();
  if (fault.act === 'hang') return; // never answer; close() destroys the socket
  rec.status = fault.act.status;
  send(res, fault.act);
}

/** Answers one request: recorded, delayed, faulted, rate limited and handled, in that order. */
async function answer(s: Simulation, req: IncomingMessage, res: ServerResponse, text: string): Promise<void> {
  const url = new URL(req.url ?? '/', s.origin);
  const rec: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.search, status: 0, at: Date.now() };
  s.sim.requests.push(rec);
  const f = s.dice.options;
  if (f.latencyMs) await new Promise((r) => setTimeout(r, f.latencyMs));
  const parsed = jsonBody(text);
  if (parsed === null) {
    rec.status = 400;
    return send(res, { status: 400, body: s.spec.errorBody(400, 'The request body is not valid JSON.') });
  }
  rec.body = parsed.body;
  const early = faultBefore(f, s.dice, s.spec);
  if (early) return strike(early, rec, req, res);
  const simReq: SimRequest = {
    method: rec.method,
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    body: parsed.body,
    origin: s.origin,
  };
  const quota = s.limiter.count(s.sim.rateLimit, simReq);
  if (quota.reject) {
    rec.status = 429;
    return send(res, quota.reject);
  }
  const answered = vendorAnswer(s.spec, simReq);
  rec.status = answered.status;
  const late = faultAfter(f, s.dice, s.spec);
  if (late) return strike(late, rec, req, res);
  send(res, answered, quota.headers);
}

/** The simulator's handle before it listens: its records, faults and rate limit, which tests may change. */
function runningSimulator<Store>(
  vendor: string,
  store: Store,
  dice: FaultDice,
  rateLimit: RateLimitOptions | false,
): RunningSimulator<Store> {
  const requests: RecordedRequest[] = [];
  return {
    vendor,
    url: '',
    store,
    requests,
    get faults() {
      return dice.options;
    },
    set faults(v: FaultOptions) {
      dice.options = v;
    },
    rateLimit,
    resetRequests: () => {
      requests.length = 0;
    },
    close: async () => undefined,
  };
}

/** Listens on 127.0.0.1 (port 0: any free port) and returns the origin; `close` destroys open sockets first. */
async function listen(server: Server, port: number): Promise<{ origin: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close };
}

export async function startSimulator<Store>(
  spec: VendorSpec,
  store: Store,
  opts: SimulatorOptions<unknown> & { basePath?: string },
  defaultLimit: RateLimitOptions | false,
): Promise<RunningSimulator<Store>> {
  const dice = new FaultDice(opts.faults);
  const sim = runningSimulator(spec.vendor, store, dice, opts.rateLimit === undefined ? defaultLimit : opts.rateLimit);
  const simulation: Simulation = { spec, sim, dice, limiter: new RateWindows(spec), origin: '' };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void answer(simulation, req, res, Buffer.concat(chunks).toString('utf8')));
  });
  const { origin, close } = await listen(server, opts.port ?? 0);
  simulation.origin = origin;
  (sim as { url: string }).url = `${origin}${opts.basePath ?? ''}`;
  sim.close = close;
  return sim;
}

/** The Bearer token of a request, if any. */
export function bearer(headers: IncomingHttpHeaders): string | undefined {
  const h = headers['authorization'];
  return typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7) : undefined;
}
