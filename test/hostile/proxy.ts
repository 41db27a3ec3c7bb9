// A hostile vendor for tests: a real HTTP server on 127.0.0.1 in front of a simulator, which
// forwards each request or answers it its own way — an HTML page, cut-short JSON, a wrong
// envelope, a body that trickles in, no answer at all — and records every request it got.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Exchange {
  method: string;
  /** The path without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** The simulator's own answer, for rules that change it. */
export interface Forwarded extends Answer {
  json(): unknown;
}

/** What to do instead of (or after) forwarding. */
export type Behaviour =
  | Answer
  | { hang: true }
  /** Sends the headers, then the body a chunk at a time, for ever (or until `chunks` run out). */
  | { trickle: Answer; everyMs: number };

export type Rule = (ex: Exchange, forward: () => Promise<Forwarded>) => Promise<Behaviour | undefined> | Behaviour | undefined;

export interface HostileVendor {
  /** The base URL to configure: the simulator's, with this server's origin. */
  url: string;
  requests: Exchange[];
  /** Requests that could change something (anything but GET). */
  writes(): Exchange[];
  close(): Promise<void>;
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** Starts a hostile vendor in front of `target` (a simulator's base URL). Requests no rule answers are forwarded. */
export async function hostile(target: string, rule: Rule): Promise<HostileVendor> {
  const upstream = new URL(target);
  const requests: Exchange[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const forward = (req: IncomingMessage, body: string) => async (): Promise<Forwarded> => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (typeof v === 'string' && k !== 'host' && k !== 'content-length' && k !== 'connection') headers[k] = v;
    const res = await fetch(`${upstream.origin}${req.url}`, { method: req.method ?? 'GET', headers, ...(body ? { body } : {}) });
    const text = await res.text();
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      if (k !== 'content-length' && k !== 'connection' && k !== 'keep-alive' && k !== 'transfer-encoding') out[k] = v;
    });
    return { status: res.status, headers: out, body: text, json: () => JSON.parse(text) };
  };

  const send = (res: ServerResponse, a: Answer) => {
    res.writeHead(a.status, { ...(a.body !== undefined ? { 'content-length': String(Buffer.byteLength(a.body)) } : {}), ...a.headers });
    res.end(a.body);
  };

  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://hostile.invalid');
      const ex: Exchange = { method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, headers: req.headers, body };
      requests.push(ex);
      const fwd = forward(req, body);
      void (async () => {
        try {
          const b = (await rule(ex, fwd)) ?? (await fwd());
          if ('hang' in b) return; // never answer; the socket is destroyed on close
          if ('trickle' in b) {
            res.writeHead(b.trickle.status, { 'content-type': 'application/json', ...b.trickle.headers });
            const text = b.trickle.body ?? '';
            let i = 0;
            const t = setInterval(() => {
              if (i < text.length) res.write(text[i++]!);
              else res.write(' ');
            }, b.everyMs);
            timers.add(t);
            res.on('close', () => clearInterval(t));
            return;
          }
          send(res, b);
        } catch (err) {
          send(res, { status: 599, body: `hostile proxy failed: ${(err as Error).message}` });
        }
      })();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = new URL(target);
  url.host = `127.0.0.1:${port}`;
  return {
    url: url.href.replace(/\/$/, ''),
    requests,
    writes: () => requests.filter((r) => r.method !== 'GET'),
    close: async () => {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
