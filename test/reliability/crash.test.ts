// SIGKILL at points spread through an apply: the state file is never corrupt, the lock left behind
// is taken over, and the next apply converges with no duplicate — in both layouts: the state
// directory (one file and lock per account) and the single state file.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxEnv } from '../../src/sandbox/demo-data.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { readState } from '../../src/state/state-file.js';
import { lockPath } from '../../src/state/lock.js';
import { cli, tempDir } from '../helpers.js';

const bin = new URL('../../bin/statusform.js', import.meta.url).pathname;
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: { propertydeck: false, timetap: false } });
  // Slow answers keep the apply in flight long enough to be killed in the middle.
  sandbox.simulators.propertydeck.faults = { latencyMs: 15 };
  sandbox.simulators.timetap.faults = { latencyMs: 15 };
});
afterAll(async () => sandbox.close());

/** Writes the vendors have received so far, across both simulators. */
function writes(): number {
  return [sandbox.simulators.propertydeck, sandbox.simulators.timetap].reduce(
    (n, sim) => n + sim.requests.filter((q) => q.method !== 'GET').length,
    0,
  );
}

/**
 * Starts an apply and kills it with SIGKILL once the vendors have received `afterWrites` more
 * writes. Counting writes rather than milliseconds puts the kill in the middle of the apply
 * however slowly a loaded machine starts the process.
 */
function killedApply(dir: string, env: NodeJS.ProcessEnv, afterWrites: number): Promise<void> {
  return new Promise((resolve) => {
    const target = writes() + afterWrites;
    const child = spawn(process.execPath, [bin, 'apply', '--auto-approve', '--parallelism', '3'], {
      cwd: dir,
      env: { PATH: process.env['PATH'], ...env },
      stdio: 'ignore',
    });
    const poll = setInterval(() => {
      if (writes() >= target) child.kill('SIGKILL');
    }, 2);
    child.on('exit', () => {
      clearInterval(poll);
      resolve();
    });
  });
}

const LAYOUTS = [
  { layout: 'directory', setting: '', p: 'D', files: ['statusform.state/estate.json', 'statusform.state/salon.json'] },
  { layout: 'single file', setting: 'state: statusform.state.json\n', p: 'F', files: ['statusform.state.json'] },
];

describe.each(LAYOUTS)('apply killed with SIGKILL, the state in a $layout', ({ setting, p, files }) => {
  it('never leaves a corrupt state file, recovers the lock, and converges with no duplicate', async () => {
    const dir = tempDir('statusform-crash-');
    const statuses = Array.from({ length: 30 }, (_, i) => `      - { label: "${p}C ${i}", type: contact, maps_to: open }\n`).join('');
    const subs = Array.from(
      { length: 20 },
      (_, i) => `      - { sub_status: ${p}S${i}, status: OPEN, sort_order: ${i}, maps_to: open }\n`,
    ).join('');
    writeFileSync(
      join(dir, 'statusform.yaml'),
      `version: 1
${setting}accounts:
  estate:
    vendor: propertydeck
    base_url: \${PROPERTYDECK_URL}
    token: \${PROPERTYDECK_TOKEN}
    rate_limit: { requests: 1000, seconds: 1 }
    statuses:
${statuses}  salon:
    vendor: timetap
    base_url: \${TIMETAP_URL}
    api_key: \${TIMETAP_API_KEY}
    private_key: \${TIMETAP_PRIVATE_KEY}
    business_id: \${TIMETAP_BUSINESS_ID}
    rate_limit: { requests: 1000, seconds: 1 }
    statuses:
${subs}`,
    );
    const env = sandboxEnv(sandbox.simulators);
    const statePaths = files.map((f) => join(dir, f));
    const start = writes();
    let lockSeen = false;
    for (const afterWrites of [1, 4, 7, 10, 13]) {
      await killedApply(dir, env, afterWrites);
      for (const statePath of statePaths) {
        if (existsSync(statePath)) expect(() => readState(statePath)).not.toThrow();
        lockSeen ||= existsSync(lockPath(statePath));
      }
    }
    expect(lockSeen).toBe(true); // a kill left a lock behind
    expect(writes() - start).toBeLessThan(50); // the kills really came before the end
    const finish = await cli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(finish.code, finish.stderr).toBe(0);
    expect((await cli(['plan', '--detailed-exitcode'], { cwd: dir, env })).code).toBe(0);
    const created = (store: Map<string, number>, prefix: string) =>
      [...store.entries()].filter(([k]) => k.includes(prefix)).map(([, n]) => n);
    expect(created(sandbox.simulators.propertydeck.store.creates, `${p}C `)).toEqual(Array(30).fill(1));
    expect(created(sandbox.simulators.timetap.store.creates, `${p}S`)).toEqual(Array(20).fill(1));
    for (const statePath of statePaths) expect(JSON.parse(readFileSync(statePath, 'utf8')).serial).toBeGreaterThan(0);
  });
});
