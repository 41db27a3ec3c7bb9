// The reference a benchmark is compared with: how a typical Terraform provider works — one GET
// per item, then the write, 10 at a time, retrying a 429 after Retry-After, with no pacing.

import { Agent } from 'undici';

export interface BaselineResult {
  requests: number;
  rateLimited: number;
  ms: number;
}

export interface BaselineStep {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: unknown;
}

/** Runs each item's steps in order, `parallelism` items at a time, over one keep-alive agent. */
export async function runBaseline(
  origin: string,
  headers: Record<string, string>,
  items: BaselineStep[][],
  parallelism = 10,
): Promise<BaselineResult> {
  const agent = new Agent({ keepAliveTimeout: 10_000, connections: parallelism });
  const result: BaselineResult = { requests: 0, rateLimited: 0, ms: 0 };
  const started = performance.now();
  let next = 0;
  const send = async (step: BaselineStep): Promise<void> => {
    for (;;) {
      result.requests++;
      const res = await agent.request({
        origin,
        path: step.path,
        method: step.method,
        headers: { ...headers, 'content-type': 'application/json' },
        body: step.body === undefined ? undefined : JSON.stringify(step.body),
      });
      await res.body.text();
      if (res.statusCode !== 429) return;
      result.rateLimited++;
      const after = Number(res.headers['retry-after'] ?? 1);
      await new Promise((r) => setTimeout(r, after * 1000));
    }
  };
  await Promise.all(
    Array.from({ length: parallelism }, async () => {
      while (next < items.length) {
        const steps = items[next++]!;
        for (const s of steps) await send(s);
      }
    }),
  );
  result.ms = performance.now() - started;
  await agent.close();
  return result;
}
