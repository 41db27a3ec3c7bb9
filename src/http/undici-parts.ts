// The two pieces of undici the client uses, loaded on their own. undici's index loads all of
// undici — fetch, WebSocket, cookies, caches, mocks — which took ~72 ms of every plan's start
// (measured on Node 20.20, 2 cores); its Agent and its `request` alone take ~24 ms. undici has no
// `exports` map, so these paths are reachable, and the version is pinned by the lockfile;
// test/http/undici-parts.test.ts fails if either path stops being what this module expects.

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

const require = createRequire(import.meta.url);

/** undici's Agent: a keep-alive pool per origin. */
export const Agent = require('undici/lib/dispatcher/agent.js') as typeof AgentType;

const requestOn = require('undici/lib/api/api-request.js') as (
  this: Dispatcher,
  options: Dispatcher.RequestOptions,
) => Promise<Dispatcher.ResponseData>;

/** `dispatcher.request(options)`, for any dispatcher (this module does not add `request` to their prototype). */
export function request(dispatcher: Dispatcher, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
  return requestOn.call(dispatcher, options);
}
