// The process-wide keep-alive agent: one undici connection pool per origin, shared by every client.

import { Agent } from 'undici';

/** How many connections the shared pool opens to one origin (one request each at a time). */
export const CONNECTIONS_PER_ORIGIN = 16;

let sharedAgent: Agent | undefined;
/** The process-wide keep-alive agent: one connection pool per origin. */
export function defaultAgent(): Agent {
  sharedAgent ??= new Agent({ keepAliveTimeout: 10_000, connections: CONNECTIONS_PER_ORIGIN, pipelining: 1 });
  return sharedAgent;
}

export async function closeDefaultAgent(): Promise<void> {
  const agent = sharedAgent;
  sharedAgent = undefined;
  if (agent) await agent.close();
}
