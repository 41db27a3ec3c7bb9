// One exchange over undici: send, read the whole body, within what is left of the request's
// deadline; a failure comes back as a code, never thrown.

import type { Dispatcher } from 'undici';
import type { HttpMethod, HttpResponse } from './contract.js';

/** What is left of one request's deadline, ms: each exchange and each backoff takes from it. */
export interface Budget {
  leftMs: number;
}

export interface ExchangeInit {
  method: HttpMethod;
  headers: Record<string, string>;
  body: string | undefined;
  /** Idle timeout while waiting for headers or the next piece of body, ms. */
  timeoutMs: number;
  /** The whole exchange, headers and body, ends by then, ms. */
  deadlineMs: number;
}

/** An answer read to its end, or why there is none: `DEADLINE`, `HALTED` (aborted from outside), or the error's code. */
export type Exchanged =
  | { ok: true; status: number; headers: HttpResponse['headers']; text: string }
  | { ok: false; code: string; error: unknown };

/**
 * Sends one request and reads its answer. Idle timeouts alone let a body that trickles in a byte a
 * second run for ever, so the whole exchange also ends at `deadlineMs`. While it runs, its abort
 * controller sits in `inFlight`, so the client can abandon it when the account stalls.
 */
export async function exchange(dispatcher: Dispatcher, url: URL, init: ExchangeInit, inFlight: Set<AbortController>): Promise<Exchanged> {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(
    () => {
      expired = true;
      controller.abort();
    },
    Math.max(0, init.deadlineMs),
  );
  inFlight.add(controller);
  try {
    const res = await dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: init.method,
      headers: init.headers,
      body: init.body,
      headersTimeout: init.timeoutMs,
      bodyTimeout: init.timeoutMs,
      signal: controller.signal,
    });
    const text = await res.body.text();
    return { ok: true, status: res.statusCode, headers: res.headers as HttpResponse['headers'], text };
  } catch (error) {
    const code = expired ? 'DEADLINE' : controller.signal.aborted ? 'HALTED' : ((error as { code?: string }).code ?? 'ERROR');
    return { ok: false, code, error };
  } finally {
    clearTimeout(timer);
    inFlight.delete(controller);
  }
}

/** A request's URL for the --verbose log: never the `user:password@` a base URL may carry. */
export function shownUrl(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const shown = new URL(url.href);
  shown.username = '';
  shown.password = '';
  return shown.href;
}
