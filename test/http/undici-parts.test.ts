import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { undiciParts } from '../../src/http/undici-parts.js';

const root = join(import.meta.dirname, '..', '..');

describe('the two pieces of undici the client loads', () => {
  it('answer a real request without loading the rest of undici, and keep llhttp on baseline code', () => {
    // A fresh process, as the CLI runs: the built client against a server of its own.
    const script = `
      import { createServer } from 'node:http';
      import { createRequire } from 'node:module';
      const { HttpClient, closeDefaultAgent } = await import(${JSON.stringify(join(root, 'dist', 'http', 'client.js'))});
      const server = createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"ok":true}'); });
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      const client = new HttpClient({ baseUrl: 'http://127.0.0.1:' + server.address().port, rateLimit: { requests: 100, seconds: 1 } });
      const res = await client.request({ method: 'GET', path: '/x', address: 'a.b["c"]' });
      await closeDefaultAgent();
      server.close();
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('undici'));
      console.log(JSON.stringify({ body: res.body, index: loaded.some((k) => k.endsWith('undici/index.js')),
        agent: loaded.some((k) => k.endsWith('dispatcher/agent.js')), fetch: loaded.some((k) => k.includes('web/fetch')) }));
    `;
    // V8 says on stdout which compiler made each WebAssembly function.
    const run = spawnSync(process.execPath, ['--trace-wasm-compilation-times', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    // A V8 that no longer knew the flag would say so on stderr, in every run of statusform.
    expect(run.stderr).toBe('');
    const lines = run.stdout.trim().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toEqual({ body: { ok: true }, index: false, agent: true, fetch: false });
    expect(lines.some((l) => /using Liftoff/.test(l))).toBe(true);
    expect(lines.filter((l) => /using TurboFan/.test(l))).toEqual([]);
  });

  it("fall back to undici's index when a release has moved them, and still answer", async () => {
    const require = createRequire(import.meta.url);
    const asked: string[] = [];
    const { Agent, request } = undiciParts((id) => {
      asked.push(id);
      if (id.startsWith('undici/lib/')) throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
      return require(id);
    });
    const server = createServer((_req, res) => res.end('moved'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const agent = new Agent();
    try {
      const res = await request(agent, { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, path: '/', method: 'GET' });
      expect(await res.body.text()).toBe('moved');
      expect(asked.at(-1)).toBe('undici');
    } finally {
      await agent.close();
      server.close();
    }
  });
});
