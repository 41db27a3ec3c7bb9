// The example workflows' own shell steps, run with bash as GitHub's runner runs them
// (`bash --noprofile --norc -eo pipefail`), against the simulators: what they write and exit.

import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { sandboxEnv } from '../../src/sandbox/demo-data.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { PD_ACCOUNT } from '../e2e/fixtures.js';
import { expectWirePlan, tempDir } from '../helpers.js';

const bin = new URL('../../bin/statusform.js', import.meta.url).pathname;
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

/** The `run:` script of the step with this name in examples/github/<file>. */
function step(file: string, name: string): string {
  const w = parse(readFileSync(new URL(`../../examples/github/${file}`, import.meta.url), 'utf8')) as { jobs: Record<string, { steps: { name?: string; run?: string }[] }> };
  const found = Object.values(w.jobs).flatMap((j) => j.steps).find((s) => s.name === name);
  if (!found?.run) throw new Error(`no step "${name}" in ${file}`);
  return found.run;
}

/**
 * A step of examples/github/<file> that uses the composite action: the action's own run step
 * (action.yml), with the step's `with:` as the action's inputs, as GitHub passes them.
 */
function actionStep(file: string, name: string): { script: string; inputs: Record<string, string> } {
  const w = parse(readFileSync(new URL(`../../examples/github/${file}`, import.meta.url), 'utf8')) as { jobs: Record<string, { steps: { name?: string; uses?: string; with?: Record<string, string> }[] }> };
  const found = Object.values(w.jobs).flatMap((j) => j.steps).find((s) => s.name === name);
  if (found?.uses !== 'your-org/statusform@v0') throw new Error(`step "${name}" in ${file} does not use the action`);
  const action = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as { inputs: Record<string, { default?: string }>; runs: { steps: { id?: string; run?: string }[] } };
  const given = { ...Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default ?? ''])), ...found.with };
  const inputs = { INPUT_COMMAND: String(given['command']), INPUT_CONFIG: String(given['config']), INPUT_ARGS: String(given['args']) };
  return { script: action.runs.steps.find((s) => s.id === 'run')!.run!, inputs };
}

/** A workspace with the config in statusform/, and `statusform` on PATH as the installed CLI. */
async function workspace(config: string): Promise<{ dir: string; env: NodeJS.ProcessEnv }> {
  sandbox = await startSandbox({ rateLimits: { propertydeck: false } });
  const dir = tempDir('statusform-workflow-');
  mkdirSync(join(dir, 'statusform'));
  writeFileSync(join(dir, 'statusform', 'statusform.yaml'), config);
  const tools = join(dir, '.tools');
  mkdirSync(tools);
  writeFileSync(join(tools, 'statusform'), `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`);
  chmodSync(join(tools, 'statusform'), 0o755);
  writeFileSync(join(dir, 'summary.md'), '');
  writeFileSync(join(dir, 'output.txt'), '');
  const env = { PATH: `${tools}:${process.env['PATH']}`, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_OUTPUT: join(dir, 'output.txt'), ...sandboxEnv(sandbox.simulators) };
  return { dir, env };
}

/** Runs a step's script (asynchronously: the simulators answer from this process). */
function runStep(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const status = '      - { label: "For Sale", type: property, maps_to: open }\n';

describe('the example workflows, run', () => {
  it('plan: writes the sticky comment and the saved plan, and a plan that fails says so in the comment', async () => {
    const { dir, env } = await workspace(PD_ACCOUNT(status));
    const script = step('statusform-plan.yml', 'statusform plan');
    const ok = await runStep(script, dir, env);
    expect(ok.status, ok.stderr).toBe(0);
    const md = readFileSync(join(dir, 'plan.md'), 'utf8');
    expect(md.split('\n')[0]).toBe('<!-- statusform-plan -->');
    expect(md).toContain('1 to create');
    const saved = expectWirePlan(readFileSync(join(dir, 'plan.json'), 'utf8'), 'the plan.json of the plan workflow') as { actions: unknown[] };
    expect(saved.actions).toHaveLength(1);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('1 to create');

    writeFileSync(join(dir, 'statusform', 'statusform.yaml'), PD_ACCOUNT(status.replace('maps_to: open', 'maps_to: nope')));
    const bad = await runStep(script, dir, env);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^::error file=statusform\/statusform\.yaml,line=\d+,col=\d+,title=statusform::/m);
    const failed = readFileSync(join(dir, 'plan.md'), 'utf8');
    expect(failed).toContain('**statusform plan failed** (exit 1)');
    expect(failed).not.toContain('::error');
  });

  it('drift: exit 2 with a warning annotation when live state moved, 0 when it matches', async () => {
    const { dir, env } = await workspace(PD_ACCOUNT(status));
    const drift = actionStep('statusform-drift.yml', 'statusform plan --detailed-exitcode');
    expect(drift.inputs).toEqual({ INPUT_COMMAND: 'plan', INPUT_CONFIG: 'statusform', INPUT_ARGS: '--detailed-exitcode --out drift-plan.json' });
    const output = join(dir, 'github-output');
    const drifted = await runStep(drift.script, dir, { ...env, ...drift.inputs, GITHUB_OUTPUT: output });
    expect(drifted.status).toBe(2);
    expect(drifted.stdout).toContain('1 to create');
    expect(readFileSync(output, 'utf8')).toBe('exit-code=2\n');
    // The next step, run when the action's exit-code output is 2.
    const warned = await runStep(step('statusform-drift.yml', 'Report drift'), dir, env);
    expect(warned.stdout).toContain('::warning title=statusform::live state drifted from the configuration');
    // The apply workflow's own step brings live state back to the config.
    const apply = actionStep('statusform-apply.yml', 'statusform apply');
    const applied = await runStep(apply.script, dir, { ...env, ...apply.inputs, GITHUB_OUTPUT: output });
    expect(applied.status, applied.stderr).toBe(0);
    expect((await runStep(drift.script, dir, { ...env, ...drift.inputs, GITHUB_OUTPUT: output })).status).toBe(0);
    expect(readFileSync(output, 'utf8')).toBe('exit-code=2\nexit-code=0\nexit-code=0\n');
  });

  it('drift: opens one issue listing the drifted addresses through gh, and updates it on the next run', async () => {
    const { dir, env } = await workspace(PD_ACCOUNT(status + status.replace('For Sale', 'Sold')));
    const apply = actionStep('statusform-apply.yml', 'statusform apply');
    expect((await runStep(apply.script, dir, { ...env, ...apply.inputs })).status).toBe(0);
    const pd = sandbox!.simulators.propertydeck;
    [...pd.store.statuses.values()].find((s) => s.label === 'Sold')!.label = 'Sold STC'; // renamed in the vendor's UI
    // A stand-in gh on PATH: records every call, and lists the open issue numbers in gh-open (none at first).
    const tools = join(dir, '.tools');
    writeFileSync(join(tools, 'gh'), `#!/bin/sh\nprintf '%s\\n' "$*" >> "${join(dir, 'gh-calls')}"\nif [ "$1 $2" = "issue list" ]; then cat "${join(dir, 'gh-open')}"; fi\n`);
    chmodSync(join(tools, 'gh'), 0o755);
    writeFileSync(join(dir, 'gh-open'), '');
    const drift = actionStep('statusform-drift.yml', 'statusform plan --detailed-exitcode');
    const plan = await runStep(drift.script, dir, { ...env, ...drift.inputs });
    expect(plan.status).toBe(2);
    expect(readFileSync(join(dir, 'output.txt'), 'utf8')).toContain('exit-code=2');

    const issue = step('statusform-drift.yml', 'Open or update the drift issue');
    const ghEnv = { ...env, GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/statuses', GITHUB_RUN_ID: '7' };
    const opened = await runStep(issue, dir, ghEnv);
    expect(opened.status, opened.stderr).toBe(0);
    const body = readFileSync(join(dir, 'drift-issue.md'), 'utf8');
    expect(body).toContain('https://github.com/acme/statuses/actions/runs/7');
    expect(body).toContain('- `estate.statuses["property:Sold"]`');
    expect(body).not.toContain('For Sale');
    expect(body).toContain('statusform adopt');
    const calls = () => readFileSync(join(dir, 'gh-calls'), 'utf8').trim().split('\n');
    expect(calls()).toEqual([
      'issue list --state open --search "statusform: live state drifted" in:title --json number,title --jq .[] | select(.title == "statusform: live state drifted") | .number',
      'issue create --title statusform: live state drifted --body-file drift-issue.md',
    ]);

    writeFileSync(join(dir, 'gh-open'), '12\n');
    const updated = await runStep(issue, dir, ghEnv);
    expect(updated.status, updated.stderr).toBe(0);
    expect(calls().slice(2)).toEqual([expect.stringMatching(/^issue list /), 'issue edit 12 --body-file drift-issue.md']);
    // The GitHub token is the gh step's alone: the step that runs statusform has no such variable.
    const w = parse(readFileSync(new URL('../../examples/github/statusform-drift.yml', import.meta.url), 'utf8')) as { jobs: Record<string, { steps: { name?: string; run?: string; env?: Record<string, string> }[] }> };
    const steps = Object.values(w.jobs).flatMap((j) => j.steps);
    expect(steps.find((s) => s.name === 'Open or update the drift issue')!.env).toMatchObject({ GH_TOKEN: '${{ github.token }}' });
    const runsStatusform = steps.filter((s) => (s as { uses?: string }).uses === 'your-org/statusform@v0' || /^\s*statusform /m.test(s.run ?? ''));
    expect(runsStatusform).toHaveLength(1);
    expect(JSON.stringify(runsStatusform[0]!.env)).not.toContain('github.token');
  });

  it('apply: commits the state file onto a main that moved meanwhile, and does nothing without one', async () => {
    const root = tempDir('statusform-git-');
    const git = (cwd: string, ...args: string[]) => {
      const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
      return r.stdout.trim();
    };
    const origin = join(root, 'origin.git');
    git(root, 'init', '-q', '--bare', '-b', 'main', origin);
    const seed = join(root, 'seed');
    git(root, 'clone', '-q', origin, seed);
    mkdirSync(join(seed, 'statusform'));
    writeFileSync(join(seed, 'statusform', 'statusform.yaml'), 'version: 1\naccounts: {}\n');
    git(seed, '-c', 'user.name=t', '-c', 'user.email=t@t', 'add', '.');
    git(seed, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'config');
    git(seed, 'push', '-q', 'origin', 'main');

    const runner = join(root, 'runner');
    git(root, 'clone', '-q', origin, runner);
    const script = step('statusform-apply.yml', 'Commit the state file');
    const env = { PATH: process.env['PATH'], HOME: root, GITHUB_REF_NAME: 'main' };
    expect((await runStep(script, runner, env)).status).toBe(0); // no state file yet: nothing to commit
    expect(git(runner, 'log', '--format=%s')).toBe('config');

    // Another pull request merges while this apply runs.
    writeFileSync(join(seed, 'statusform', 'other.yaml'), 'accounts: {}\n');
    git(seed, '-c', 'user.name=t', '-c', 'user.email=t@t', 'add', '.');
    git(seed, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'second pull request');
    git(seed, 'push', '-q', 'origin', 'main');

    // A new config's state: the directory, one file per account.
    mkdirSync(join(runner, 'statusform', 'statusform.state'));
    writeFileSync(join(runner, 'statusform', 'statusform.state', 'estate.json'), '{"version":1,"lineage":"l","serial":3,"accounts":{}}\n');
    const pushed = await runStep(script, runner, env);
    expect(pushed.status, pushed.stderr).toBe(0);
    git(seed, 'fetch', '-q', 'origin');
    expect(git(seed, 'log', '--format=%s', 'origin/main').split('\n').slice(0, 3)).toEqual(['statusform: state after apply [skip ci]', 'second pull request', 'config']);    expect(git(seed, 'show', '--name-only', '--format=', 'origin/main').trim()).toBe('statusform/statusform.state/estate.json');
  });
});
