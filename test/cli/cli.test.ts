import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { PD_ACCOUNT, world, type World } from '../e2e/fixtures.js';
import { cli, tree } from '../helpers.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const bin = new URL('../../bin/statusform.js', import.meta.url).pathname;

describe('the command line', () => {
  it('runs from the compiled bin: --version, and validate with a positioned error and exit 1', () => {
    const version = execFileSync(process.execPath, [bin, '--version']).toString().trim();
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    const dir = tree({ 'statusform.yaml': 'version: 1\naccounts:\n  x: { vendor: thalamus }\n' });
    const r = spawnSync(process.execPath, [bin, 'validate'], { cwd: dir, env: { PATH: process.env['PATH'] ?? '' } });
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toContain('statusform.yaml:3:6: accounts.x: missing required field "token"');
  });

  it('explains usage mistakes with exit 1', async () => {
    const dir = tree({});
    expect((await cli(['frobnicate'], { cwd: dir })).stderr).toContain('unknown command "frobnicate"');
    expect((await cli(['plan', '--format', 'yaml'], { cwd: dir })).code).toBe(1);
    expect((await cli(['validate', '--auto-approve'], { cwd: dir })).stderr).toContain('validate does not take --auto-approve');
    const missing = await cli(['validate'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no configuration at');
    expect((await cli(['--help'], { cwd: dir })).stdout).toContain('Exit codes: 0 success');
    const none = await cli([], { cwd: dir });
    expect(none.code).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('Error: a command is needed');
    expect(none.stderr).toContain('Usage: statusform <command> [options]');
  });

  it('limits a run to --account, and names an unknown one', async () => {
    w = await world(PD_ACCOUNT('      - { label: A, type: contact, maps_to: open }\n', '    rate_limit: { requests: 100, seconds: 1 }\n'), {
      rateLimits: { propertydeck: false },
    });
    const r = await w.run('plan', '--account', 'nope');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown account "nope" (accounts: estate)');
    expect((await w.run('plan', '--account', 'estate', '--detailed-exitcode')).code).toBe(2);
  });

  it('asks for confirmation on a terminal: only "yes" applies', async () => {
    w = await world(PD_ACCOUNT('      - { label: A, type: contact, maps_to: open }\n', '    rate_limit: { requests: 100, seconds: 1 }\n'), {
      rateLimits: { propertydeck: false },
    });
    const no = await cli(['apply'], { cwd: w.dir, env: w.env, stdinTTY: true, input: 'y\n' });
    expect(no.code).toBe(3);
    expect(no.stderr).toContain('Apply cancelled.');
    expect(w.sandbox.simulators.propertydeck.store.statuses.size).toBe(0);
    const eof = await cli(['apply'], { cwd: w.dir, env: w.env, stdinTTY: true, input: '' }); // Ctrl-D at the prompt
    expect(eof.code).toBe(3);
    expect(eof.stderr).toContain('Apply cancelled.');
    expect(existsSync(join(w.dir, 'statusform.state.json.lock'))).toBe(false);
    const yes = await cli(['apply'], { cwd: w.dir, env: w.env, stdinTTY: true, input: 'yes\n' });
    expect(yes.code).toBe(0);
    expect(w.sandbox.simulators.propertydeck.store.statuses.size).toBe(1);
  });

  it('unlocks without any credential set, but not a lock whose run is alive on this host unless --force', async () => {
    const dir = tree({
      'statusform.yaml':
        'version: 1\nstate: state/sf.json\naccounts:\n' +
        '  estate: { vendor: propertydeck, base_url: "${PD_URL}", token: "${PD_TOKEN}", statuses: [] }\n',
      'state/.keep': '',
    });
    const lock = join(dir, 'state', 'sf.json.lock');
    expect((await cli(['unlock'], { cwd: dir })).stdout).toContain('The state file was not locked.');

    writeFileSync(lock, JSON.stringify({ pid: 4242, host: 'ci-runner-7', since: '2026-11-24T10:00:00Z', command: 'statusform apply' }));
    const other = await cli(['unlock'], { cwd: dir });
    expect(other.code, other.stderr).toBe(0);
    expect(other.stdout).toContain('Removed the lock held by pid 4242 on ci-runner-7');
    expect(existsSync(lock)).toBe(false);

    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-11-25T10:00:00Z', command: 'statusform apply' }));
    const alive = await cli(['unlock'], { cwd: dir });
    expect(alive.code).toBe(3);
    expect(alive.stderr).toContain(
      `the lock is held by pid ${process.pid} (statusform apply, since 2026-11-25T10:00:00Z), which is still running on this host`,
    );
    expect(existsSync(lock)).toBe(true);
    expect((await cli(['unlock', '--force'], { cwd: dir })).code).toBe(0);
    expect(existsSync(lock)).toBe(false);

    // A config it cannot read for sure is an error, not a guess at the default state path.
    writeFileSync(join(dir, 'statusform.yaml'), 'version: 1\nstate: ${STATE_DIR}/sf.json\naccounts: {}\n');
    const unsure = await cli(['unlock'], { cwd: dir });
    expect(unsure.code).toBe(1);
    expect(unsure.stderr).toContain('state needs the environment variable STATE_DIR set');
  });

  it('in GitHub Actions, annotates config problems and writes the plan to the step summary', async () => {
    const dir = tree({
      'statusform.yaml':
        'version: 1\naccounts:\n  x: { vendor: thalamus, token: t, status_variants: [{ id: a, label: A, maps_to: nope }] }\n',
    });
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '');
    const env = { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary };
    const bad = await cli(['validate'], { cwd: dir, env });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe(''); // a workflow may send stdout to a PR comment
    expect(bad.stderr).toMatch(
      /^::error file=statusform\.yaml,line=3,col=\d+,title=statusform::x\.status_variants\["a"\]: unknown category "nope"/m,
    );
    expect(readFileSync(summary, 'utf8')).toContain('### statusform: 1 problem in the configuration');

    w = await world(PD_ACCOUNT('      - { label: A, type: contact, maps_to: open }\n', '    rate_limit: { requests: 100, seconds: 1 }\n'), {
      rateLimits: { propertydeck: false },
    });
    const gh = join(w.dir, 'summary.md');
    writeFileSync(gh, '');
    const r = await cli(['plan'], { cwd: w.dir, env: { ...w.env, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: gh } });
    expect(r.code).toBe(0);
    expect(readFileSync(gh, 'utf8')).toContain('<!-- statusform-plan -->\n### statusform plan: 1 to create');
  });

  it('writes the plan to --out as JSON while printing the text plan', async () => {
    w = await world(PD_ACCOUNT('      - { label: A, type: contact, maps_to: open }\n', '    rate_limit: { requests: 100, seconds: 1 }\n'), {
      rateLimits: { propertydeck: false },
    });
    const r = await w.run('plan', '--out', 'plan.json');
    expect(r.stdout).toContain('+ estate.statuses["contact:A"]');
    const saved = JSON.parse(readFileSync(join(w.dir, 'plan.json'), 'utf8'));
    expect(saved.actions).toHaveLength(1);
  });
});
