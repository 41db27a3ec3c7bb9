// The two pieces of undici the client uses, loaded on their own. undici's index loads all of
// undici — fetch, WebSocket, cookies, caches, mocks — which took ~72 ms of every plan's start
// (measured on Node 20.20, 2 cores); its Agent and its `request` alone take ~24 ms. undici has no
// `exports` map, so these paths are reachable; if a later 7.x moves them, the index is loaded
// instead (undiciParts), and test/http/undici-parts.test.ts fails here, where the lockfile pins it.

import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import type { Agent as AgentType, Dispatcher } from 'undici';

// undici parses HTTP/1.1 with llhttp compiled to WebAssembly, and V8 recompiles llhttp's parser
// with its optimising compiler (TurboFan) on a background thread as soon as it is hot — after the
// first answer: 86 ms of CPU and a ~30 MB peak of memory (--trace-wasm-compilation-times), more
// than a plan of one account spends on everything else. V8's baseline code (Liftoff) parses a
// vendor's few kilobytes per answer as fast: a plan of 300 accounts takes the same time either
// way. The flag is read when a WebAssembly module is compiled, and undici compiles llhttp at its
// first connection, after this.
setFlagsFromString('--liftoff-only');

type Request = (dispatcher: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;

/**
 * undici's Agent and its `request`, from their own modules — or, should an undici release have
 * moved them (package.json allows any 7.x), from undici's index, slower to load but the same.
 */
export function undiciParts(load: (id: string) => unknown): { Agent: typeof AgentType; request: Request } {
  try {
    const agent = load('undici/lib/dispatcher/agent.js');
    const requestOn = load('undici/lib/api/api-request.js');
    if (typeof agent === 'function' && typeof requestOn === 'function') {
      return { Agent: agent as typeof AgentType, request: (dispatcher, options) => requestOn.call(dispatcher, options) };
    }
  } catch {
    // moved: the index below
  }
  const undici = load('undici') as typeof import('undici');
  return { Agent: undici.Agent, request: (dispatcher, options) => dispatcher.request(options) };
}

const parts = undiciParts(createRequire(import.meta.url));

/** undici's Agent: a keep-alive pool per origin. */
export const Agent = parts.Agent;

/** `dispatcher.request(options)`, for any dispatcher (its own modules do not add `request` to their prototype). */
export const request: Request = parts.request;
