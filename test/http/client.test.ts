import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { VendorError } from '../../src/errors.js';
import { HttpClient } from '../../src/http/client.js';
import { redactor } from '../../src/http/redact.js';
import { fakeClock } from '../helpers.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let server: Server | undefined;

async function serve(handler: Handler): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => handler(req, res, body));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((r) => server?.close(r));
  server = undefined;
});

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const fast = { rateLimit: { requests: 1000, seconds: 1 }, retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 } };

/**
 * A clock whose hands move only when the test says: each sleeper wakes when the hands pass its
 * time, and real I/O gets a moment after each wake-up, so queued requests can be watched.
 */
function manualClock(start = 1_800_000_000_000) {
  let now = start;
  const timers: { at: number; wake: () => void }[] = [];
  const settle = () => new Promise((r) => setTimeout(r, 30));
  return {
    start,
    now: () => now,
    sleep: (ms: number) => (ms <= 0 ? Promise.resolve() : new Promise<void>((wake) => timers.push({ at: now + ms, wake }))),
    settle,
    async advanceTo(t: number): Promise<void> {
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > t) break;
        timers.shift();
        now = Math.max(now, next.at);
        next.wake();
        await settle();
      }
      now = t;
      await settle();
    },
  };
}

describe('HTTP client', () => {
  it('retries a GET through 5xx and returns the answer', async () => {
    let n = 0;
    const url = await serve((_q, res) => (++n < 3 ? json(res, 503, { message: 'busy' }) : json(res, 200, { ok: true })));
    const c = new HttpClient({ baseUrl: url, ...fast });
    const r = await c.request({ method: 'GET', path: '/x', address: 'a.b["c"]' });
    expect(r.body).toEqual({ ok: true });
    expect(n).toBe(3);
    expect(c.stats.retries).toBe(2);
  });

  it('a host name that does not resolve is tried twice at most, then named as such, without the credentials in the URL', async () => {
    const clock = fakeClock();
    const verbose: string[] = [];
    // A reserved name (RFC 2606): it never resolves, and nothing leaves the machine.
    const c = new HttpClient({
      baseUrl: 'https://robot:s3cret-pw@estate.invalid/api',
      rateLimit: { requests: 1000, seconds: 1 },
      clock,
      log: (line) => verbose.push(line),
    });
    const err = (await c.request({ method: 'GET', path: '/statuses', address: 'estate.statuses' }).catch((e: unknown) => e)) as VendorError;
    expect(err).toBeInstanceOf(VendorError);
    expect(err.code).toBe('E_DNS');
    expect(err.message).toBe(
      'estate.statuses: could not resolve host "estate.invalid" (ENOTFOUND), tried twice for GET /api/statuses; ' +
        "check the account's base_url and this machine's DNS",
    );
    expect(c.stats.requests).toBe(2);
    expect(c.stats.retries).toBe(1);
    expect(clock.sleeps.filter((ms) => ms > 0)).toHaveLength(1);
    expect(verbose).toHaveLength(2);
    expect([err.message, ...verbose].join('\n')).not.toMatch(/robot|s3cret/);
  });

  it('scrubs a credential that a vendor echoes in its 401 answer', async () => {
    const url = await serve((q, res) => json(res, 401, { message: `token ${String(q.headers['authorization'])} is not valid` }));
    const c = new HttpClient({
      baseUrl: url,
      ...fast,
      headers: { authorization: 'Bearer echoed-secret-4711' },
      describeError: (_s, b) => (b as { message: string }).message,
    });
    const err = await c.request({ method: 'GET', path: '/x', address: 'acc.items' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorError);
    expect((err as Error).message).toContain('token [redacted] is not valid');
    expect((err as Error).message).not.toContain('echoed-secret-4711');
  });

  it('scrubs a secret in every form a request can carry it: raw, URI-encoded, as a query value, in Basic auth', () => {
    const secret = 'tt key~(secret)!x';
    const scrub = redactor([secret]);
    const url = new URL('http://127.0.0.1/sessionToken');
    url.searchParams.set('apiKey', secret);
    for (const text of [secret, encodeURIComponent(secret), url.href, Buffer.from(secret).toString('base64')]) {
      expect(scrub(`seen: ${text}`)).toBe(
        'seen: [redacted]'.replace('[redacted]', text === url.href ? 'http://127.0.0.1/sessionToken?apiKey=[redacted]' : '[redacted]'),
      );
    }
  });

  it('honours Retry-After on 429 before trying again', async () => {
    const clock = fakeClock();
    const times: number[] = [];
    const url = await serve((_q, res) => {
      times.push(clock.now());
      if (times.length === 1) json(res, 429, { message: 'Too Many Attempts.' }, { 'retry-after': '1' });
      else json(res, 200, {});
    });
    const c = new HttpClient({ baseUrl: url, ...fast, clock });
    await c.request({ method: 'GET', path: '/x', address: 'x' });
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1000);
    expect(c.stats.rateLimited).toBe(1);
  });

  it('never re-sends a POST whose outcome is unknown without asking recover first', async () => {
    let posts = 0;
    const url = await serve((_q, res) => {
      posts++;
      json(res, 500, { message: 'oops' });
    });
    const c = new HttpClient({ baseUrl: url, ...fast });
    const err = await c.request({ method: 'POST', path: '/x', body: {}, address: 'acc.statuses["k"]' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorError);
    expect((err as VendorError).code).toBe('E_OUTCOME_UNKNOWN');
    expect((err as VendorError).message).toContain('acc.statuses["k"]');
    expect(posts).toBe(1);
  });

  it('uses what recover finds instead of sending again, and re-sends only when recover proves it did not land', async () => {
    let posts = 0;
    const url = await serve((_q, res) => {
      posts++;
      if (posts === 1) json(res, 502, {});
      else json(res, 201, { created: posts });
    });
    const c = new HttpClient({ baseUrl: url, ...fast });
    const found = await c.request({
      method: 'POST',
      path: '/x',
      body: {},
      address: 'x',
      recover: async () => ({ status: 201, headers: {}, body: { created: 'found' } }),
    });
    expect(found.body).toEqual({ created: 'found' });
    expect(posts).toBe(1);
    posts = 0;
    const resent = await c.request({ method: 'POST', path: '/x', body: {}, address: 'x', recover: async () => undefined });
    expect(resent.body).toEqual({ created: 2 });
    expect(posts).toBe(2);
  });

  it('does not retry a validation error and gives the vendor message, scrubbed of secrets', async () => {
    let n = 0;
    const url = await serve((q, res) => {
      n++;
      json(res, 422, { message: `bad label; your token is ${q.headers['authorization']}` });
    });
    const c = new HttpClient({
      baseUrl: url,
      ...fast,
      headers: { authorization: 'Bearer sekret-token-123' },
      describeError: (_s, b) => (b as { message: string }).message,
    });
    const err = (await c
      .request({ method: 'PUT', path: '/x', body: {}, address: 'acc.statuses["k"]' })
      .catch((e: unknown) => e)) as VendorError;
    expect(n).toBe(1);
    expect(err.status).toBe(422);
    expect(err.message).toContain('bad label');
    expect(err.message).not.toContain('sekret-token-123');
  });

  it('paces requests to the rate limit: no two closer than the limit allows', async () => {
    const clock = fakeClock();
    const sent: number[] = [];
    const url = await serve((_q, res) => json(res, 200, {}));
    const c = new HttpClient({ baseUrl: url, rateLimit: { requests: 20, seconds: 1 }, clock });
    const start = clock.now();
    for (let i = 0; i < 11; i++) {
      await c.request({ method: 'GET', path: '/x', address: 'x' });
      sent.push(clock.now() - start);
    }
    // 20/s, 3% under: one every 51.5 ms; the 11th starts at least 500 ms after the first.
    for (let i = 1; i < sent.length; i++) expect(sent[i]! - sent[i - 1]!).toBeGreaterThanOrEqual(50);
    expect(sent[10]! - sent[0]!).toBeGreaterThanOrEqual(500);
  });

  it('pauses when the vendor says its quota is spent (X-RateLimit-Remaining: 0 with a reset)', async () => {
    const clock = fakeClock();
    const times: number[] = [];
    const url = await serve((_q, res) => {
      times.push(clock.now());
      json(res, 200, {}, times.length === 1 ? { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' } : {});
    });
    const c = new HttpClient({ baseUrl: url, ...fast, clock });
    await c.request({ method: 'GET', path: '/a', address: 'x' });
    await c.request({ method: 'GET', path: '/b', address: 'x' });
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1000);
    expect(c.stats.rateLimited).toBe(0);
  });

  it('announces a long vendor wait and refuses one beyond the limit, without sleeping through either', async () => {
    const clock = fakeClock();
    const notices: string[] = [];
    let n = 0;
    const url = await serve((_q, res) =>
      ++n === 1
        ? json(res, 429, { message: 'slow down' }, { 'retry-after': '30' })
        : json(res, 429, { message: 'slow down' }, { 'retry-after': '86400' }),
    );
    const c = new HttpClient({ baseUrl: url, ...fast, clock, label: 'estate', notify: (l) => notices.push(l) });
    const err = (await c.request({ method: 'GET', path: '/x', address: 'estate.statuses' }).catch((e: unknown) => e)) as VendorError;
    expect(notices[0]).toMatch(/^estate: 127\.0\.0\.1:\d+ asked to wait 30 s \(Retry-After\), resuming at \d\d:\d\d:\d\d UTC$/);
    expect(err.code).toBe('E_WAIT_TOO_LONG');
    expect(err.message).toMatch(/asked to wait 86400 s \(Retry-After\); the limit is 300 s/);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(30_000);
  });

  it('reads the quota under the other common spellings too (X-Rate-Limit-Remaining, RateLimit-Remaining with RateLimit-Reset)', async () => {
    const clock = fakeClock();
    const times: number[] = [];
    const url = await serve((_q, res) => {
      times.push(clock.now());
      json(res, 200, {}, times.length === 1 ? { 'x-rate-limit-remaining': '0', 'ratelimit-remaining': '0', 'ratelimit-reset': '1' } : {});
    });
    const c = new HttpClient({ baseUrl: url, ...fast, clock });
    await c.request({ method: 'GET', path: '/a', address: 'x' });
    await c.request({ method: 'GET', path: '/b', address: 'x' });
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1000);
  });

  it('refreshes credentials once on 401', async () => {
    let token = 'old';
    const url = await serve((q, res) => (q.headers['authorization'] === 'Bearer new' ? json(res, 200, { ok: 1 }) : json(res, 401, {})));
    const c = new HttpClient({
      baseUrl: url,
      ...fast,
      auth: { headers: async () => ({ authorization: `Bearer ${token}` }), refresh: async () => void (token = 'new') },
    });
    expect((await c.request({ method: 'GET', path: '/', address: 'x' })).body).toEqual({ ok: 1 });
  });

  it('never follows a redirect, so credentials never reach another host', async () => {
    const { createServer: create } = await import('node:http');
    let reachedOther = 0;
    const other = create((_q, res) => {
      reachedOther++;
      res.end('{}');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}/steal`;
    try {
      const url = await serve((_q, res) => {
        res.writeHead(302, { location: otherUrl });
        res.end();
      });
      const c = new HttpClient({ baseUrl: url, ...fast, headers: { authorization: 'Bearer do-not-leak-0001' } });
      const err = (await c.request({ method: 'GET', path: '/x', address: 'acc.statuses' }).catch((e: unknown) => e)) as VendorError;
      expect(err).toBeInstanceOf(VendorError);
      expect(err.status).toBe(302);
      expect(reachedOther).toBe(0);
    } finally {
      await new Promise((r) => other.close(r));
    }
  });

  it('refuses plain http except to loopback, and links to another origin', async () => {
    expect(() => new HttpClient({ baseUrl: 'http://example.com', ...fast })).toThrow(/not https/);
    const c = new HttpClient({ baseUrl: 'https://api.example.com', ...fast });
    expect(() => c.url('https://evil.example.net/statuses?page=2')).toThrow(/another origin/);
  });
});

describe('a wait the vendor asks for holds the whole account', () => {
  it('a 429 with Retry-After: the requests queued behind it start only when the time given has passed, one in flight finishes, and the pause is announced once', async () => {
    const clock = manualClock();
    const seen: { path: string; at: number }[] = [];
    let holdA: (() => void) | undefined;
    const url = await serve((q, res) => {
      seen.push({ path: q.url!, at: clock.now() });
      if (q.url === '/a' && seen.filter((s) => s.path === '/a').length === 1) {
        holdA = () => json(res, 429, { message: 'Too Many Attempts.' }, { 'retry-after': '30' });
      } else if (q.url === '/b') {
        holdA?.(); // the pause begins while /b is in flight …
        setTimeout(() => json(res, 200, { path: q.url }), 10); // … and /b is answered after it
      } else json(res, 200, { path: q.url });
    });
    const notices: string[] = [];
    const c = new HttpClient({
      baseUrl: url,
      rateLimit: { requests: 10, seconds: 1 },
      clock,
      random: () => 0,
      label: 'estate',
      notify: (line) => notices.push(line),
    });
    const get = (path: string) => c.request({ method: 'GET', path, address: `estate.statuses${path}` });
    const answers = Promise.all(['/a', '/b', '/c', '/d'].map(get));
    await clock.settle();
    await clock.advanceTo(clock.start + 103); // /b's slot: it is sent, and the 429 for /a comes back
    const pauseEnds = clock.start + 103 + 30_000;
    expect(seen.map((s) => s.path)).toEqual(['/a', '/b']);
    await clock.advanceTo(pauseEnds - 1); // /c and /d had slots long before: they wait
    expect(seen.map((s) => s.path)).toEqual(['/a', '/b']);
    await clock.advanceTo(pauseEnds + 1_000);
    expect((await answers).map((r) => (r.body as { path: string }).path)).toEqual(['/a', '/b', '/c', '/d']);
    expect(
      seen
        .slice(2)
        .map((s) => s.path)
        .sort(),
    ).toEqual(['/a', '/c', '/d']);
    for (const s of seen.slice(2)) expect(s.at).toBeGreaterThanOrEqual(pauseEnds);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^estate: 127\.0\.0\.1:\d+ asked to wait 30 s \(Retry-After\), resuming at \d\d:\d\d:\d\d UTC$/);
  });

  it('several answers asking for the same pause (429s, a spent quota) announce it once', async () => {
    const clock = manualClock();
    const waiting: (() => void)[] = [];
    let n = 0;
    const url = await serve((_q, res) => {
      if (++n > 3) return json(res, 200, {});
      const answer = [
        () => json(res, 429, {}, { 'retry-after': '30' }),
        () => json(res, 429, {}, { 'retry-after': '31' }),
        () => json(res, 200, {}, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '30' }),
      ][n - 1]!;
      waiting.push(answer);
      if (waiting.length === 3) for (const w of waiting) w(); // all three were in flight together
    });
    const notices: string[] = [];
    const c = new HttpClient({ baseUrl: url, ...fast, clock, random: () => 0, notify: (line) => notices.push(line) });
    const answers = Promise.all(['/a', '/b', '/c'].map((path) => c.request({ method: 'GET', path, address: 'x' })));
    await clock.advanceTo(clock.start + 10);
    await clock.advanceTo(clock.start + 40_000);
    await answers;
    expect(notices).toHaveLength(1);
    expect(n).toBe(5);
  });
});

describe('a request has one deadline, retries included', () => {
  /** A server whose answers to `slow` paths trickle in a byte every 50 ms and never end; the rest answer at once. */
  const trickling = (slow: (path: string) => boolean) => {
    const got: string[] = [];
    const handler: Handler = (q, res) => {
      got.push(`${q.method} ${q.url}`);
      if (!slow(q.url!)) return json(res, 200, {});
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      const t = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(t));
    };
    return { got, handler };
  };

  it('a body that trickles in fails when the deadline is spent, and is not tried again', async () => {
    const { got, handler } = trickling(() => true);
    const url = await serve(handler);
    const c = new HttpClient({ baseUrl: url, ...fast, timeoutMs: 300, deadlineMs: 800 });
    const t0 = Date.now();
    const err = (await c.request({ method: 'GET', path: '/statuses', address: 'estate.statuses' }).catch((e: unknown) => e)) as VendorError;
    const ms = Date.now() - t0;
    expect(err.code).toBe('E_DEADLINE');
    expect(err.message).toMatch(/^estate\.statuses: no complete answer within 1 s to GET \/statuses \(its deadline, retries included\)$/);
    expect(got).toHaveLength(1);
    // The body never ends: only the deadline can have ended the exchange, and not before its time.
    expect(ms).toBeGreaterThanOrEqual(750);
  }, 10_000);

  it('a silent server: the retries share one deadline', async () => {
    let got = 0;
    const url = await serve(() => void got++); // never answers
    const c = new HttpClient({
      baseUrl: url,
      rateLimit: { requests: 1000, seconds: 1 },
      retry: { attempts: 6, baseDelayMs: 5, maxDelayMs: 20 },
      random: () => 1,
      timeoutMs: 1_000, // undici's idle timers tick about once a second
      deadlineMs: 2_400,
    });
    const err = (await c.request({ method: 'GET', path: '/statuses', address: 'x' }).catch((e: unknown) => e)) as VendorError;
    expect(err.code).toBe('E_DEADLINE');
    expect(err.message).toMatch(
      /^x: gave up after \d attempts at 127\.0\.0\.1:\d+: UND_ERR_HEADERS_TIMEOUT .*; then no complete answer within 2 s to GET \/statuses/,
    );
    expect(got).toBeGreaterThanOrEqual(2);
    expect(got).toBeLessThan(6); // of 6 allowed
  }, 10_000);

  it('once a request ran out of its deadline the account stops: exchanges in flight are abandoned, nothing new is sent', async () => {
    const { got, handler } = trickling((path) => path !== '/later');
    const url = await serve(handler);
    const c = new HttpClient({ baseUrl: url, ...fast, timeoutMs: 5_000, deadlineMs: 500 });
    const slow = c.request({ method: 'GET', path: '/statuses', address: 'acc.statuses' }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 200));
    const create = c.request({ method: 'POST', path: '/statuses', body: {}, address: 'acc.statuses["k"]' }).catch((e: unknown) => e);
    const [first, inFlight] = (await Promise.all([slow, create])) as VendorError[];
    expect(first!.code).toBe('E_DEADLINE');
    // A create cut off may or may not have landed: said so, never re-sent.
    expect(inFlight!.code).toBe('E_OUTCOME_UNKNOWN');
    expect(inFlight!.message).toMatch(
      /abandoned in flight \(127\.0\.0\.1:\d+ did not complete GET \/statuses within its deadline of 1 s, retries included/,
    );
    const later = (await c.request({ method: 'GET', path: '/later', address: 'acc.statuses' }).catch((e: unknown) => e)) as VendorError;
    expect(later.message).toMatch(/^acc\.statuses: not sent: 127\.0\.0\.1:\d+ did not complete GET \/statuses/);
    expect(got).toEqual(['GET /statuses', 'POST /statuses']);
  });
});
