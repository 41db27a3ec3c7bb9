// Faults with the state in PostgreSQL, each `statusform apply` its own process as a CI job runs it:
// two processes on one account — one refused naming the other, or waiting with --lock-timeout, never
// both writing; SIGKILL at points spread through an apply — the lock free again with no `unlock`,
// the rows always readable; the database going away mid-apply — a clear error, and the next run
// recovers what the vendor did. Every case ends converged with no item created twice.

import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxEnv } from '../../src/sandbox/demo-data.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { openStateStore } from '../../src/state/store.js';
import { cli, tree, type CliRun } from '../helpers.js';
import { pgAvailable, pgSkipReason, startPostgres, type PgServer } from '../state/pg-server.js';

if (!pgAvailable) console.warn(pgSkipReason);

const bin = new URL('../../bin/statusform.js', import.meta.url).pathname;
const CI = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/infra', GITHUB_RUN_ID: '7' };

describe.skipIf(!pgAvailable)('faults with the state in PostgreSQL', () => {
  let server: PgServer;
  let sandbox: Sandbox;
  beforeAll(async () => {
    [server, sandbox] = await Promise.all([startPostgres(), startSandbox({ rateLimits: { propertydeck: false } })]);
    // Slow answers keep an apply in flight long enough to meet another, or to be cut off.
    sandbox.simulators.propertydeck.faults = { latencyMs: 25 };
  }, 60_000);
  afterAll(async () => {
    await sandbox?.close();
    await server?.stop();
  });

  /** A configuration of `n` Property Deck statuses labelled with `prefix`, its state in `schema`. */
  function configDir(schema: string, prefix: string, n: number): string {
    const statuses = Array.from({ length: n }, (_, i) => `      - { label: "${prefix} ${i}", type: contact, maps_to: open }\n`).join('');
    return tree({
      'statusform.yaml':
        `version: 1\nstate:\n  backend: postgres\n  url: \${STATUSFORM_PG_URL}\n  schema: ${schema}\naccounts:\n` +
        '  estate:\n    vendor: propertydeck\n    base_url: ${PROPERTYDECK_URL}\n    token: ${PROPERTYDECK_TOKEN}\n' +
        `    rate_limit: { requests: 1000, seconds: 1 }\n    statuses:\n${statuses}`,
    });
  }
  const envOf = () => ({ ...sandboxEnv(sandbox.simulators), STATUSFORM_PG_URL: server.url('faults-Secret-93') });
  const writes = () => sandbox.simulators.propertydeck.requests.filter((q) => q.method !== 'GET').length;
  /** How many times each status labelled `prefix …` was created at the vendor. */
  const creates = (prefix: string) =>
    [...sandbox.simulators.propertydeck.store.creates.entries()].filter(([k]) => k.includes(`${prefix} `)).map(([, n]) => n);

  /** `statusform apply` as its own process; `onStart` gets it as soon as it runs. */
  function apply(dir: string, args: string[], env: Record<string, string>, onStart?: (pid: number, kill: () => void) => void) {
    return new Promise<CliRun & { pid: number }>((resolve) => {
      const child = spawn(process.execPath, [bin, 'apply', '--auto-approve', ...args], {
        cwd: dir,
        env: { PATH: process.env['PATH'], NO_COLOR: '1', ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      onStart?.(child.pid!, () => child.kill('SIGKILL'));
      child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? -1 : 0), stdout, stderr, pid: child.pid! }));
    });
  }
  /** Resolves once `check` holds, polling; fails the test after 20 s. */
  async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const lockHeld = async (schema: string) =>
    (await server.query(`SELECT count(*)::int AS n FROM ${schema}.locks`).catch(() => [{ n: 0 }]))[0]!.n > 0;
  const advisoryLocks = async () =>
    (await server.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'"))[0]!.n as number;

  it('two processes on one account: the second is refused naming the first, or waits for it; never both writing', async () => {
    const dir = configDir('two', 'Two', 60);
    const env = envOf();
    let started = 0;
    const first = apply(dir, ['--parallelism', '1'], { ...env, ...CI }, (pid) => {
      started = pid;
    });
    await until(() => lockHeld('two'), 'the first apply holds the lock');
    const refused = await apply(dir, [], env);
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toMatch(
      new RegExp(
        `Refused: estate: the state of account estate \\(PostgreSQL 127\\.0\\.0\\.1:${server.port}/postgres \\(schema two\\)\\) ` +
          `is locked by pid ${started} on .+ \\(statusform apply, run https://github\\.com/acme/infra/actions/runs/7, since `,
      ),
    );
    expect(await lockHeld('two')).toBe(true); // the first is still going: the next one has to wait for it
    const waiting = await apply(dir, ['--lock-timeout', '60s'], env);
    const done = await first;
    expect(done.code, done.stderr).toBe(0);
    expect(waiting.code, waiting.stderr).toBe(0);
    // It read the state once the first had written all: nothing left to do.
    expect(waiting.stdout).toContain('No changes.');
    expect(creates('Two')).toEqual(Array(60).fill(1));
    expect((await cli(['plan', '--detailed-exitcode'], { cwd: dir, env })).code).toBe(0);
  }, 60_000);

  it('SIGKILL at points through an apply: the lock is free at once, no unlock needed, and the next apply converges', async () => {
    const dir = configDir('killed', 'Killed', 60);
    const env = envOf();
    const start = writes();
    for (const afterWrites of [1, 4, 7, 10, 13]) {
      const target = writes() + afterWrites;
      await apply(dir, ['--parallelism', '3'], env, (_pid, kill) => {
        const poll = setInterval(() => {
          if (writes() < target) return;
          clearInterval(poll);
          kill();
        }, 2);
      });
      // The server ends the session as soon as its socket closes: no lock is left to take over.
      await until(async () => (await advisoryLocks()) === 0, 'the killed run holds no lock');
      const store = openStateStore({ layout: 'postgres', path: '', postgres: { url: server.url(), schema: 'killed' } }, {});
      await store.read(['estate']).finally(() => store.close()); // every row readable
    }
    expect(writes() - start).toBeLessThan(60); // the kills came before the end
    const finish = await apply(dir, [], env);
    expect(finish.code, finish.stderr).toBe(0);
    expect(creates('Killed')).toEqual(Array(60).fill(1));
    expect((await cli(['plan', '--detailed-exitcode'], { cwd: dir, env })).code).toBe(0);
  }, 90_000);

  it('the database going away mid-apply stops it with a clear error; the next run recovers what the vendor did', async () => {
    const dir = configDir('gone', 'Gone', 60);
    const env = envOf();
    const running = apply(dir, ['--parallelism', '1'], env);
    await until(async () => {
      const rows = await server.query("SELECT serial::int AS serial FROM gone.accounts WHERE account = 'estate'").catch(() => []);
      return (rows[0]?.serial ?? 0) >= 2;
    }, 'the apply has recorded some of its changes');
    await server.restart(async () => {
      const cut = await running;
      expect(cut.code).toBe(1);
      expect(cut.stderr).toMatch(
        new RegExp(
          `Error: the state in PostgreSQL 127\\.0\\.0\\.1:${server.port}/postgres \\(schema gone\\) could not be written: .+\\. ` +
            'Nothing more was started; what was done after its last good write is not recorded in it. ' +
            'Once the database answers again, run statusform plan',
        ),
      );
      expect(cut.stderr).not.toMatch(/could not be written: PostgreSQL/); // the database is named once
      expect(cut.stdout + cut.stderr).not.toContain('faults-Secret-93');
    });
    expect(creates('Gone').every((n) => n === 1)).toBe(true);
    expect(creates('Gone').length).toBeLessThan(60);
    const again = await apply(dir, [], env);
    expect(again.code, again.stderr).toBe(0);
    expect(creates('Gone')).toEqual(Array(60).fill(1));
    expect((await cli(['plan', '--detailed-exitcode'], { cwd: dir, env })).code).toBe(0);
  }, 60_000);
});
