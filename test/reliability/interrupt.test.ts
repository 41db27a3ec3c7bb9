// Interrupting apply, as a user or a CI runner does: SIGTERM (or Ctrl-C) mid-apply finishes the
// changes in flight, saves the state, releases the lock and exits 143 (130); a second signal stops
// at once. And a state file that can no longer be written stops every new change.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  sandbox = await startSandbox({ rateLimits: { propertydeck: false } });
  // Slow answers keep the apply in flight long enough to be interrupted in the middle.
  sandbox.simulators.propertydeck.faults = { latencyMs: 40 };
});
afterAll(async () => sandbox.close());

const pd = () => sandbox.simulators.propertydeck;
const writes = () => pd().requests.filter((q) => q.method !== 'GET').length;

function config(dir: string, prefix: string, count: number): void {
  const statuses = Array.from({ length: count }, (_, i) => `      - { label: "${prefix} ${i}", type: contact, maps_to: open }\n`).join('');
  writeFileSync(
    join(dir, 'statusform.yaml'),
    `version: 1
accounts:
  estate:
    vendor: propertydeck
    base_url: \${PROPERTYDECK_URL}
    token: \${PROPERTYDECK_TOKEN}
    rate_limit: { requests: 1000, seconds: 1 }
    statuses:
${statuses}`,
  );
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `statusform apply` and sends `signals` once the vendor has received `afterWrites` more writes. */
function interruptedApply(dir: string, afterWrites: number, signals: NodeJS.Signals[]): Promise<Exit> {
  return new Promise((resolve) => {
    const target = writes() + afterWrites;
    const child = spawn(process.execPath, [bin, 'apply', '--auto-approve', '--parallelism', '3'], {
      cwd: dir,
      env: { PATH: process.env['PATH'], ...sandboxEnv(sandbox.simulators) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const pending = [...signals];
    // The first signal once the vendor has the writes; a second once the first was heard (signals do not queue).
    const poll = setInterval(() => {
      if (writes() < target || (pending.length < signals.length && !stderr.includes('received:'))) return;
      child.kill(pending.shift()!);
      if (pending.length === 0) clearInterval(poll);
    }, 2);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The labels the vendor holds, as state keys. */
function liveKeys(prefix: string): string[] {
  return [...pd().store.statuses.values()]
    .filter((s) => s.label.startsWith(prefix))
    .map((s) => `contact:${s.label}`)
    .sort();
}

describe('apply interrupted', () => {
  it('by SIGTERM finishes the changes in flight, saves them, releases the lock and exits 143; a re-run converges with no duplicate', async () => {
    const dir = tempDir('statusform-sigterm-');
    config(dir, 'T', 30);
    const statePath = join(dir, 'statusform.state', 'estate.json'); // a new config's state: one file per account
    const run = await interruptedApply(dir, 4, ['SIGTERM']);
    expect(run.code, run.stderr).toBe(143);
    expect(run.stderr).toContain(
      'SIGTERM received: no new change starts; waiting up to 30 s for the changes in flight, ' +
        'then saving the state. Interrupt again to stop at once.',
    );
    expect(run.stderr).toMatch(
      /Interrupted by SIGTERM: \d+ changes done and saved in the state file, \d+ not started\. Run statusform plan to see what is left\./,
    );
    expect(run.stdout).toMatch(/○ estate\.statuses\["contact:T \d+"\]: create skipped \(interrupted: not started\)/);
    expect(run.stdout).toMatch(/Apply incomplete: \d+ done, 0 failed, \d+ skipped\./);
    expect(existsSync(lockPath(statePath))).toBe(false);

    // The state file says exactly what the vendor processed: every change in flight finished and was saved.
    const saved = Object.keys(readState(statePath).accounts['estate']!.items).sort();
    expect(saved).toEqual(liveKeys('T '));
    expect(saved.length).toBeGreaterThanOrEqual(4);
    expect(saved.length).toBeLessThan(30);
    expect(Number(/(\d+) done, 0 failed/.exec(run.stdout)?.[1])).toBe(saved.length);

    const rest = await cli(['apply', '--auto-approve'], { cwd: dir, env: sandboxEnv(sandbox.simulators) });
    expect(rest.code, rest.stderr).toBe(0);
    expect(rest.stdout).toContain(`Apply complete: ${30 - saved.length} done, 0 failed, 0 skipped.`);
    expect([...pd().store.creates.entries()].filter(([k]) => k.startsWith('contact:T ')).map(([, n]) => n)).toEqual(Array(30).fill(1));
  });

  it('twice stops at once, still leaving a state file that parses and no lock', async () => {
    const dir = tempDir('statusform-sigint-');
    config(dir, 'I', 30);
    const statePath = join(dir, 'statusform.state', 'estate.json'); // a new config's state: one file per account
    const run = await interruptedApply(dir, 4, ['SIGINT', 'SIGINT']);
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toContain('SIGINT received again: stopping at once.');
    expect(existsSync(lockPath(statePath))).toBe(false);
    if (existsSync(statePath)) expect(() => readState(statePath)).not.toThrow();
    const rest = await cli(['apply', '--auto-approve'], { cwd: dir, env: sandboxEnv(sandbox.simulators) });
    expect(rest.code, rest.stderr).toBe(0);
    expect([...pd().store.creates.entries()].filter(([k]) => k.startsWith('contact:I ')).map(([, n]) => n)).toEqual(Array(30).fill(1));
  });
});

describe('a state file that can no longer be written', () => {
  it('lets only the changes in flight finish, starts nothing more, and says what to do', async () => {
    const dir = tempDir('statusform-unwritable-');
    config(dir, 'U', 20);
    const statePath = join(dir, 'statusform.state', 'estate.json'); // a new config's state: one file per account
    const before = writes();
    // Once the vendor has the first write, a directory takes the state file's place: every later write of it fails.
    const poll = setInterval(() => {
      if (writes() > before && !existsSync(statePath)) {
        mkdirSync(statePath);
        clearInterval(poll);
      }
    }, 1);
    const r = await cli(['apply', '--auto-approve', '--parallelism', '2'], { cwd: dir, env: sandboxEnv(sandbox.simulators) });
    clearInterval(poll);
    expect(r.code).toBe(1);
    // Only what was in flight when the state failed reached the vendor (at most --parallelism 2).
    expect(writes() - before).toBeLessThanOrEqual(2);
    expect(r.stdout).toContain('create skipped (not started: the state file could not be written: a directory is in its place (EISDIR))');
    expect(r.stderr).toContain(
      `Error: the state file ${statePath} could not be written: a directory is in its place (EISDIR). ` +
        'Nothing more was started; what was done after its last good write is not recorded in it. ' +
        `Fix the file's place, then run statusform plan (it reads the vendors again)`,
    );
    expect(existsSync(lockPath(statePath))).toBe(false);
    expect(readFileSync(join(dir, 'statusform.yaml'), 'utf8')).toContain('U 19');
  });
});
