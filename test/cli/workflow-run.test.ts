// The example workflows' own shell steps, run with bash as GitHub's runner runs them
// (`bash --noprofile --norc -eo pipefail`), against the simulators: what they write and exit.

import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { sandboxEnv } from '../../src/sandbox/demo-data.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { shardOf, shardTable, shardText } from '../../src/engine/shard.js';
import { expectWirePlan, tempDir } from '../helpers.js';
import { cacheOf, installedStatusform, runAction } from './action-runner.js';

const bin = new URL('../../bin/statusform.js', import.meta.url).pathname;
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

type WorkflowStep = {
  name?: string;
  id?: string;
  run?: string;
  uses?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
};
const workflow = (file: string) =>
  parse(readFileSync(new URL(`../../examples/github/${file}`, import.meta.url), 'utf8')) as {
    env?: Record<string, unknown>;
    jobs: Record<string, { steps: WorkflowStep[] }>;
  };

/** `${{ name }}` expressions replaced by the values GitHub would put there (a matrix entry, a job index). */
function expand(text: string, context: Record<string, string>): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (all, name: string) => {
    if (!(name in context)) throw new Error(`no value for ${all} in the test`);
    return context[name]!;
  });
}

/** The `run:` script of the step with this name (or id) in examples/github/<file>. */
function step(file: string, name: string): string {
  const found = Object.values(workflow(file).jobs)
    .flatMap((j) => j.steps)
    .find((s) => (s.name === name || s.id === name) && s.run);
  if (!found?.run) throw new Error(`no step "${name}" in ${file}`);
  return found.run;
}

/** The number of shards the workflow's matrix is made of (its `SHARDS`). */
const shardCount = (file: string) => String(workflow(file).env?.['SHARDS']);

/**
 * A step of examples/github/<file> that uses the composite action: its `with:` (the action's
 * inputs), expressions filled from `context` (the matrix entry of the job).
 */
function actionInputs(file: string, name: string, context: Record<string, string> = {}): Record<string, string> {
  const found = Object.values(workflow(file).jobs)
    .flatMap((j) => j.steps)
    .find((s) => s.name === name);
  if (!found?.uses?.startsWith('your-org/statusform@')) throw new Error(`step "${name}" in ${file} does not use the action`);
  return Object.fromEntries(Object.entries(found.with ?? {}).map(([k, v]) => [k, expand(String(v), context)]));
}

/** The outputs a step wrote to $GITHUB_OUTPUT (name=value lines). */
function outputs(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

type Matrix = { include: { shard: string; accounts: string[] }[] };

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
  const env = {
    PATH: `${tools}:${process.env['PATH']}`,
    GITHUB_ACTIONS: 'true',
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    GITHUB_OUTPUT: join(dir, 'output.txt'),
    ...sandboxEnv(sandbox.simulators),
  };
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

const _status = '      - { label: "For Sale", type: property, maps_to: open }\n';
const th = (name: string, label = 'Alpha') =>
  `  ${name}:\n    vendor: thalamus\n    base_url: \${THALAMUS_URL}\n    token: \${THALAMUS_TOKEN}\n` +
  `    status_variants:\n      - { id: a, label: "${label}", maps_to: open }\n`;
const pd = (name: string, label: string) =>
  `  ${name}:\n    vendor: propertydeck\n    base_url: \${PROPERTYDECK_URL}\n    token: \${PROPERTYDECK_TOKEN}\n` +
  `    statuses:\n      - { label: "${label}", type: property, maps_to: open }\n`;
const fleet = (blocks: string[]) => `version: 1\naccounts:\n${blocks.join('')}`;
const NAMES = ['alpha', 'Beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

describe('the example workflows, run', () => {
  it('plan: the changed shards as the matrix, a saved plan per shard, one comment merged from them, and a comment that says when there is no plan', async () => {
    const file = 'statusform-plan.yml';
    const count = shardCount(file);
    const table = shardTable(NAMES, Number(count)).filter((t) => t.accounts.length > 0);
    expect(table.length).toBeGreaterThanOrEqual(3);
    const { dir, env } = await workspace(fleet(NAMES.map((n) => th(n))));
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', 'statusform');
    git(dir, 'commit', '-qm', 'fleet');
    git(dir, 'update-ref', 'refs/remotes/origin/main', 'HEAD'); // the base branch, as actions/checkout fetches it
    // The pull request changes one account in each of two shards.
    const changed = [table[0]!.accounts[0]!, table[1]!.accounts[0]!];
    writeFileSync(join(dir, 'statusform', 'statusform.yaml'), fleet(NAMES.map((n) => th(n, changed.includes(n) ? 'Beta' : 'Alpha'))));

    const shardsOutput = join(dir, 'shards-output');
    const runShards = async () => {
      writeFileSync(shardsOutput, '');
      const r = await runStep(step(file, 'shards'), dir, { ...env, GITHUB_OUTPUT: shardsOutput, SHARDS: count, BASE_REF: 'main' });
      expect(r.status, r.stderr).toBe(0);
      return outputs(shardsOutput);
    };
    const out = await runShards();
    expect(out['any']).toBe('true');
    const matrix = JSON.parse(out['matrix']!) as Matrix;
    expect(matrix.include.map((r) => ({ shard: r.shard, accounts: r.accounts }))).toEqual(
      table.slice(0, 2).map((t) => ({ shard: shardText(t.shard), accounts: t.accounts })),
    );

    // The plan job, once per matrix entry.
    const plan = step(file, 'statusform plan');
    for (const row of matrix.include) {
      const r = await runStep(plan, dir, { ...env, SHARD: row.shard });
      expect(r.status, r.stderr).toBe(0);
      const saved = expectWirePlan(
        readFileSync(join(dir, `plan-${row.shard.split('/')[0]}.json`), 'utf8'),
        `the plan of shard ${row.shard}`,
      ) as { actions: { account: string }[] };
      expect([...new Set(saved.actions.map((a) => a.account))].sort()).toEqual([...row.accounts].sort());
    }
    // The comment job, with the plan artifacts downloaded into its workspace.
    const show = step(file, 'statusform show');
    const commentEnv = {
      ...env,
      SHARDS_RESULT: 'success',
      ANY: out['any']!,
      MATRIX: out['matrix']!,
      HEAD: 'a'.repeat(40),
      GITHUB_RUN_ID: '7',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/statuses',
    };
    const shown = await runStep(show, dir, commentEnv);
    expect(shown.status, shown.stderr).toBe(0);
    const planned = matrix.include.flatMap((r) => r.accounts);
    const md = readFileSync(join(dir, 'plan.md'), 'utf8');
    expect(md.split('\n')[0]).toBe('<!-- statusform-plan -->');
    expect(md).toContain(`${planned.length} to create`);
    for (const a of planned) expect(md).toContain(`<b>${a}</b>`);
    for (const a of NAMES.filter((n) => !planned.includes(n))) expect(md).not.toContain(`<b>${a}</b>`);
    expect(md).not.toContain('Not planned');
    expect(md).toContain(`Planned at commit ${'a'.repeat(40)} in [run 7](https://github.com/acme/statuses/actions/runs/7).`);

    // A shard whose job failed before saving its plan: the comment shows the others and says so.
    const [first, second] = matrix.include;
    rmSync(join(dir, `plan-${second!.shard.split('/')[0]}.json`));
    const partial = await runStep(show, dir, commentEnv);
    expect(partial.status).toBe(1);
    const partialMd = readFileSync(join(dir, 'plan.md'), 'utf8');
    expect(partialMd).toContain(`<b>${first!.accounts[0]}</b>`);
    expect(partialMd).toContain(`**Not planned**: shard ${second!.shard} (${second!.accounts.join(', ')}) made no plan`);

    // A plan that fails before saving anything: annotations, and the comment says so.
    rmSync(join(dir, `plan-${first!.shard.split('/')[0]}.json`));
    writeFileSync(
      join(dir, 'statusform', 'statusform.yaml'),
      fleet(NAMES.map((n) => th(n).replace(n === changed[0] ? 'maps_to: open' : '\0', 'maps_to: nope'))),
    );
    const bad = await runStep(plan, dir, { ...env, SHARD: first!.shard });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^::error file=statusform\/statusform\.yaml,line=\d+,col=\d+,title=statusform::/m);
    const failed = await runStep(show, dir, commentEnv);
    expect(failed.status).toBe(1);
    const failedMd = readFileSync(join(dir, 'plan.md'), 'utf8');
    expect(failedMd.split('\n')[0]).toBe('<!-- statusform-plan -->');
    expect(failedMd).toContain('**statusform plan failed**: no shard saved a plan');
    expect(failedMd).not.toContain('::error');

    // A pull request that changes no account: an empty matrix (the plan job is skipped), and a comment saying so.
    writeFileSync(join(dir, 'statusform', 'statusform.yaml'), fleet(NAMES.map((n) => th(n))));
    const none = await runShards();
    expect(none).toMatchObject({ matrix: '{"include":[]}', any: 'false' });
    const nothing = await runStep(show, dir, { ...commentEnv, ANY: 'false', MATRIX: none['matrix']! });
    expect(nothing.status).toBe(0);
    expect(readFileSync(join(dir, 'plan.md'), 'utf8')).toContain('nothing to plan');
  });

  it('shards: a configuration that does not validate fails the step of every workflow, never an empty matrix', async () => {
    const root = tempDir('statusform-workflow-');
    mkdirSync(join(root, 'statusform'));
    writeFileSync(join(root, 'statusform', 'statusform.yaml'), fleet(NAMES.map((n) => th(n))));
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', 'statusform');
    git(root, 'commit', '-qm', 'fleet');
    git(root, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
    // The pull request misspells `accounts:`: no account is left to change, and nothing must say so.
    writeFileSync(join(root, 'statusform', 'statusform.yaml'), fleet(NAMES.map((n) => th(n))).replace('accounts:', 'acounts:'));
    const tools = toolsDir(root);
    for (const file of ['statusform-plan.yml', 'statusform-apply.yml', 'statusform-drift.yml']) {
      const output = join(root, `${file}-output`);
      writeFileSync(output, '');
      const env = { PATH: `${tools}:${process.env['PATH']}`, GITHUB_OUTPUT: output, SHARDS: shardCount(file), BASE_REF: 'main' };
      const r = await runStep(step(file, 'shards'), root, env);
      expect(r.status, `${file}: ${r.stdout}`).toBe(1);
      expect(r.stderr).toContain('statusform/statusform.yaml:2:1: (top level): unknown field "acounts": did you mean `accounts`?');
      expect(readFileSync(output, 'utf8'), file).toBe(''); // no matrix, and no any=false to skip the jobs after it
    }
  });

  it('plan, fork: a pull request from a fork gets a notice and no plan, with no secret and no checkout', async () => {
    const dir = tempDir('statusform-fork-');
    // The notice step alone, with nothing but the pull request's number: no vendor secret, no statusform, no code of the fork.
    const r = await runStep(step('statusform-plan.yml', 'Fork notice'), dir, { PATH: '/usr/bin:/bin', NUMBER: '41' });
    expect(r.status, r.stderr).toBe(0);
    const md = readFileSync(join(dir, 'fork.md'), 'utf8');
    expect(md.split('\n').slice(0, 2)).toEqual(['<!-- statusform-plan -->', '### statusform plan: not run for a pull request from a fork']);
    expect(md).toContain('with pull request number 41');
  });

  it('drift: every shard planned, exit 2 where live state moved, and one issue listing the drifted addresses of all shards', async () => {
    const file = 'statusform-drift.yml';
    const count = shardCount(file);
    // Two Property Deck accounts in two shards, and Thalamus accounts (whose drift cannot be seen).
    const candidates = ['estate', 'lettings', 'sales', 'rentals', 'auctions', 'commercial'];
    const [a, b] = [candidates[0]!, candidates.find((c) => shardOf(c, Number(count)) !== shardOf(candidates[0]!, Number(count)))!];
    const { dir, env } = await workspace(fleet([pd(a, 'For Sale'), pd(b, 'Sold'), th('alpha'), th('Beta')]));
    const shardsOutput = join(dir, 'shards-output');
    const shards = await runStep(step(file, 'shards'), dir, { ...env, GITHUB_OUTPUT: shardsOutput, SHARDS: count });
    expect(shards.status, shards.stderr).toBe(0);
    const matrix = JSON.parse(outputs(shardsOutput)['matrix']!) as Matrix;
    expect(matrix.include.flatMap((r) => r.accounts).sort()).toEqual([a, b, 'alpha', 'Beta'].sort());

    // The apply workflow's own step, per shard, brings live state to the config.
    const applyAll = async () => {
      for (const row of matrix.include) {
        const r = await reviewedApply(dir, row, env);
        expect(r.status, r.stderr).toBe(0);
      }
    };
    await applyAll();
    const pdStore = sandbox!.simulators.propertydeck.store;
    // renamed in the vendor's UI
    for (const label of ['For Sale', 'Sold']) [...pdStore.statuses.values()].find((s) => s.label === label)!.label = `${label} (edited)`;

    // The drift job, once per matrix entry.
    const runDrift = async () => {
      const codes: Record<string, number | null> = {};
      for (const [i, row] of matrix.include.entries()) {
        const inputs = actionInputs(file, 'statusform plan --detailed-exitcode', {
          'matrix.shard': row.shard,
          'strategy.job-index': String(i),
          'secrets.THALAMUS_TOKEN': env['THALAMUS_TOKEN']!,
          'secrets.PROPERTYDECK_TOKEN': env['PROPERTYDECK_TOKEN']!,
        });
        expect(inputs).toMatchObject({
          command: 'plan',
          config: 'statusform',
          args: `--shard\n${row.shard}\n--detailed-exitcode\n--out\ndrift-plan-${i}.json\n`,
        });
        // The vendor tokens reach statusform through the action's env input only.
        const { THALAMUS_TOKEN: _t, PROPERTYDECK_TOKEN: _p, ...withoutSecrets } = env;
        const runner = tempDir('statusform-runner-');
        installedStatusform(join(cacheOf(runner), 'statusform-v0.2.0-Linux'), '0.2.0');
        const drift = await runAction({ uses: 'your-org/statusform@v0.2.0', with: inputs, env: withoutSecrets, cwd: dir, runner });
        const r = drift.steps.find((s) => s.name === 'Run statusform')!;
        expect(drift.outputs['exit-code']).toBe(String(r.status));
        expect(drift.outputs['has-changes']).toBe(String(r.status === 2));
        expect(drift.outputs['plan-file']).toBe(`drift-plan-${i}.json`);
        for (const acct of row.accounts) codes[acct] = r.status;
      }
      return codes;
    };
    const codes = await runDrift();
    expect(codes[a]).toBe(2);
    expect(codes[b]).toBe(2);
    const warned = await runStep(step(file, 'Report drift'), dir, env);
    expect(warned.stdout).toContain('::warning title=statusform::live state drifted from the configuration');

    // The issue job, with every shard's drift plan downloaded into its workspace.
    const tools = join(dir, '.tools');
    writeFileSync(
      join(tools, 'gh'),
      `#!/bin/sh\nprintf '%s\\n' "$*" >> "${join(dir, 'gh-calls')}"\n` +
        `if [ "$1 $2" = "issue list" ]; then cat "${join(dir, 'gh-open')}"; fi\n`,
    );
    chmodSync(join(tools, 'gh'), 0o755);
    writeFileSync(join(dir, 'gh-open'), '');
    const issue = step(file, 'Open or update the drift issue');
    const ghEnv = { ...env, GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/statuses', GITHUB_RUN_ID: '7' };
    const opened = await runStep(issue, dir, ghEnv);
    expect(opened.status, opened.stderr).toBe(0);
    const body = readFileSync(join(dir, 'drift-issue.md'), 'utf8');
    expect(body).toContain('https://github.com/acme/statuses/actions/runs/7');
    const listed = body.split('\n').filter((l) => l.startsWith('- `'));
    expect(listed).toEqual([`- \`${a}.statuses["property:For Sale"]\``, `- \`${b}.statuses["property:Sold"]\``].sort());
    expect(body).toContain('statusform adopt');
    const calls = () => readFileSync(join(dir, 'gh-calls'), 'utf8').trim().split('\n');
    expect(calls()).toEqual([
      'issue list --state open --search "statusform: live state drifted" in:title --json ' +
        'number,title --jq .[] | select(.title == "statusform: live state drifted") | .number',
      'issue create --title statusform: live state drifted --body-file drift-issue.md',
    ]);
    writeFileSync(join(dir, 'gh-open'), '12\n');
    const updated = await runStep(issue, dir, ghEnv);
    expect(updated.status, updated.stderr).toBe(0);
    expect(calls().slice(2)).toEqual([expect.stringMatching(/^issue list /), 'issue edit 12 --body-file drift-issue.md']);

    // Applied again, every shard matches: exit 0 everywhere, and the issue step finds no drift.
    await applyAll();
    expect(Object.values(await runDrift())).toEqual([0, 0, 0, 0]);
    const clean = await runStep(issue, dir, ghEnv);
    expect(clean.stdout).toContain('No drift');
    expect(calls()).toHaveLength(4);

    // The GitHub token is the gh step's alone: no step that runs statusform has it.
    const steps = Object.values(workflow(file).jobs).flatMap((j) => j.steps);
    expect(steps.find((s) => s.name === 'Open or update the drift issue')!.env).toMatchObject({ GH_TOKEN: '${{ github.token }}' });
    const runsStatusform = steps.filter((s) => s.uses === 'your-org/statusform@v0.2.0' || /^\s*(\w+=\$\()?statusform /m.test(s.run ?? ''));
    expect(runsStatusform.length).toBeGreaterThanOrEqual(2);
    for (const s of runsStatusform) expect(JSON.stringify(s.env ?? {})).not.toContain('github.token');
  });

  it('apply: each shard applies and commits only its own state files, all shards pushing at the same time onto a main that moved', async () => {
    const file = 'statusform-apply.yml';
    const count = shardCount(file);
    sandbox = await startSandbox();
    const root = tempDir('statusform-git-');
    const origin = join(root, 'origin.git');
    git(root, 'init', '-q', '--bare', '-b', 'main', origin);
    const seed = join(root, 'seed');
    git(root, 'clone', '-q', origin, seed);
    mkdirSync(join(seed, 'statusform'));
    writeFileSync(join(seed, 'statusform', 'statusform.yaml'), fleet(NAMES.map((n) => th(n))));
    git(seed, 'add', '.');
    git(seed, 'commit', '-qm', 'config');
    git(seed, 'push', '-q', 'origin', 'main');

    const tools = toolsDir(root);
    // The shards job.
    const shardsOutput = join(root, 'shards-output');
    writeFileSync(shardsOutput, '');
    const shards = await runStep(step(file, 'shards'), seed, {
      PATH: `${tools}:${process.env['PATH']}`,
      GITHUB_OUTPUT: shardsOutput,
      SHARDS: count,
    });
    expect(shards.status, shards.stderr).toBe(0);
    const matrix = JSON.parse(outputs(shardsOutput)['matrix']!) as Matrix;
    expect(matrix.include.length).toBeGreaterThanOrEqual(3);
    expect(matrix.include.flatMap((r) => r.accounts).sort()).toEqual([...NAMES].sort());

    // One clone per matrix job (each a runner of its own), checked out before anything was applied.
    const env = (runner: string, row: Matrix['include'][number]) => ({
      PATH: `${tools}:${process.env['PATH']}`,
      HOME: root,
      GITHUB_REF_NAME: 'main',
      GITHUB_OUTPUT: join(runner, '..', `${runner.split('/').pop()}-output`),
      SHARD: row.shard,
      ACCOUNTS: JSON.stringify(row.accounts),
      ...sandboxEnv(sandbox!.simulators),
    });
    const runners = matrix.include.map((row, i) => ({ row, dir: join(root, `runner-${i}`) }));
    for (const r of runners) git(root, 'clone', '-q', origin, r.dir);
    const commit = step(file, 'Commit the state files');
    // Before any apply there is no state file: nothing to commit.
    const idle = await runStep(commit, runners[0]!.dir, env(runners[0]!.dir, runners[0]!.row));
    expect(idle.status, idle.stderr).toBe(0);
    expect(git(runners[0]!.dir, 'log', '--format=%s')).toBe('config');

    // Every shard applies its reviewed plan at once (another account's state file left in the clone must not be committed).
    const applied = await Promise.all(runners.map(({ row, dir }) => reviewedApply(dir, row, env(dir, row))));
    for (const r of applied) expect(r.status, r.stderr).toBe(0);
    writeFileSync(join(runners[0]!.dir, 'statusform', 'statusform.state', 'stray.json'), '{}\n');

    // Another pull request merges meanwhile.
    writeFileSync(join(seed, 'statusform', 'other.yaml'), 'accounts: {}\n');
    git(seed, 'add', '.');
    git(seed, 'commit', '-qm', 'second pull request');
    git(seed, 'push', '-q', 'origin', 'main');

    // Every shard commits and pushes at the same time: the rebase-and-retry loop lands them all.
    const pushed = await Promise.all(runners.map(({ row, dir }) => runStep(commit, dir, env(dir, row))));
    for (const r of pushed) expect(r.status, r.stderr).toBe(0);
    git(seed, 'pull', '-q', '--rebase', 'origin', 'main');
    const log = git(seed, 'log', '--format=%s').split('\n');
    expect(log.slice(runners.length)).toEqual(['second pull request', 'config']);
    expect(log.slice(0, runners.length).sort()).toEqual(
      runners.map(({ row }) => `statusform: state after apply, shard ${row.shard} [skip ci]`).sort(),
    );
    const fileOf = (a: string) => `statusform/statusform.state/${a.replace(/[A-Z]/g, (c) => `+${c.toLowerCase()}`)}.json`;
    expect(fileOf('Beta')).toBe('statusform/statusform.state/+beta.json');
    // Each commit holds its own shard's files, and main holds them all.
    for (const { row } of runners) {
      const sha = git(seed, 'log', '--format=%H', '--fixed-strings', `--grep=shard ${row.shard} [skip ci]`);
      expect(git(seed, 'show', '--name-only', '--format=', sha).split('\n').sort()).toEqual(row.accounts.map(fileOf).sort());
    }
    expect(git(seed, 'ls-tree', '-r', '--name-only', 'HEAD', 'statusform/statusform.state').split('\n').sort()).toEqual(
      NAMES.map(fileOf).sort(),
    );
  });
});

describe('apply on merge: the reviewed plan, and nothing else without an approval', () => {
  it('applies a reviewed plan as is; a stale or destructive account waits, posted on the pull request, until approved; the others apply', async () => {
    const apply = 'statusform-apply.yml';
    const count = Number(shardCount(apply));
    sandbox = await startSandbox({ rateLimits: { propertydeck: false } });
    const pdStore = sandbox.simulators.propertydeck.store;
    const thStore = sandbox.simulators.thalamus.store;
    const labels = () => [...pdStore.statuses.values()].map((x) => x.label).sort();
    // estate (Property Deck, hard deletes allowed) and a Thalamus account in another shard.
    const other = NAMES.find((n) => shardOf(n, count) !== shardOf('estate', count))!;
    const estate = (statuses: string[]) =>
      `  estate:\n    vendor: propertydeck\n    base_url: \${PROPERTYDECK_URL}\n    token: \${PROPERTYDECK_TOKEN}\n` +
      '    rate_limit: { requests: 200, seconds: 1 }\n    prune: true\n    allow_delete: true\n    statuses:\n' +
      statuses.map((l) => `      - { label: "${l}", type: property, maps_to: open }\n`).join('');
    const config = (statuses: string[], label: string) => fleet([estate(statuses), th(other, label)]);

    const root = tempDir('statusform-merge-');
    const origin = join(root, 'origin.git');
    git(root, 'init', '-q', '--bare', '-b', 'main', origin);
    const pr = join(root, 'pr'); // the pull request's checkout
    git(root, 'clone', '-q', origin, pr);
    writeFileSync(join(pr, 'README.md'), 'statuses\n');
    git(pr, 'add', '.');
    git(pr, 'commit', '-qm', 'start');
    git(pr, 'push', '-q', 'origin', 'main');
    const runner = join(root, 'runner'); // the apply jobs' checkout
    git(root, 'clone', '-q', origin, runner);

    // A fake gh: the merged pull request, its plan run, that run's artifacts, and the comments posted.
    const gh = join(root, 'gh');
    mkdirSync(join(gh, 'artifacts'), { recursive: true });
    const tools = toolsDir(root);
    writeFileSync(
      join(tools, 'gh'),
      '#!/bin/sh\n' +
        `printf '%s\\n' "$*" >> "${gh}/calls"\n` +
        'case "$1 $2" in\n' +
        `  "api "*) cat "${gh}/pulls" ;;\n` +
        `  "run list") cat "${gh}/runs" ;;\n` +
        `  "run download") mkdir -p "$7" && cp -R "${gh}/artifacts/$3/." "$7/" ;;\n` +
        `  "pr comment") { printf 'PR %s\\n' "$3"; cat "$5"; printf '\\n----\\n'; } >> "${gh}/comments" ;;\n` +
        'esac\n',
    );
    chmodSync(join(tools, 'gh'), 0o755);
    const comments = () =>
      readFileSync(join(gh, 'comments'), 'utf8')
        .split('\n----\n')
        .filter((c) => c.trim() !== '');
    const base = {
      PATH: `${tools}:${process.env['PATH']}`,
      HOME: root,
      GITHUB_REF_NAME: 'main',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/statuses',
      GITHUB_RUN_ID: '99',
      ...sandboxEnv(sandbox.simulators),
    };
    const fresh = (name: string) => {
      for (const f of ['output', 'summary', 'env']) writeFileSync(join(root, `${name}.${f}`), '');
      return {
        GITHUB_OUTPUT: join(root, `${name}.output`),
        GITHUB_STEP_SUMMARY: join(root, `${name}.summary`),
        GITHUB_ENV: join(root, `${name}.env`),
      };
    };

    /** The pull request: its config pushed for review, the plan workflow's shards and plan jobs; its plans become run N's artifacts. */
    let number = 0;
    const review = async (text: string) => {
      number++;
      git(pr, 'pull', '-q', '--rebase', 'origin', 'main'); // the state files the last apply committed
      mkdirSync(join(pr, 'statusform'), { recursive: true });
      writeFileSync(join(pr, 'statusform', 'statusform.yaml'), text);
      const out = fresh('plan-shards');
      const shards = await runStep(step('statusform-plan.yml', 'shards'), pr, { ...base, ...out, SHARDS: String(count), BASE_REF: 'main' });
      expect(shards.status, shards.stderr).toBe(0);
      const matrix = JSON.parse(outputs(out.GITHUB_OUTPUT)['matrix']!) as Matrix;
      for (const [i, row] of matrix.include.entries()) {
        const r = await runStep(step('statusform-plan.yml', 'statusform plan'), pr, { ...base, ...fresh('plan'), SHARD: row.shard });
        expect(r.status, r.stderr).toBe(0);
        const dir = join(gh, 'artifacts', String(number), `statusform-plan-${i}`);
        mkdirSync(dir, { recursive: true });
        renameSync(join(pr, `plan-${row.shard.split('/')[0]}.json`), join(dir, `plan-${row.shard.split('/')[0]}.json`));
      }
      git(pr, 'add', 'statusform');
      git(pr, 'commit', '-qm', `pull request ${number}`);
      writeFileSync(join(gh, 'pulls'), `${number} ${git(pr, 'rev-parse', 'HEAD')}\n`);
      writeFileSync(join(gh, 'runs'), `${number}\n`);
      return matrix;
    };

    /** The merge: pushed to main, then the apply workflow's jobs — shards, each shard's apply, the report. */
    const merge = async (opts: { reviewed?: boolean; crash?: string } = {}) => {
      git(pr, 'push', '-q', 'origin', 'HEAD:main');
      git(runner, 'pull', '-q', '--rebase', 'origin', 'main');
      if (opts.reviewed === false) writeFileSync(join(gh, 'pulls'), ''); // a push that merged no pull request
      const out = fresh('apply-shards');
      const shards = await runStep(step(apply, 'shards'), runner, { ...base, ...out, SHARDS: String(count) });
      expect(shards.status, shards.stderr).toBe(0);
      const found = await runStep(step(apply, 'Find the reviewed plan'), runner, { ...base, ...out });
      expect(found.status, found.stderr).toBe(0);
      const o = outputs(out.GITHUB_OUTPUT);
      const reviewed = opts.reviewed ?? true;
      expect({ pr: o['pr'], run: o['plan-run'] }).toEqual(reviewed ? { pr: String(number), run: String(number) } : { pr: '', run: '' });
      const matrix = JSON.parse(o['matrix']!) as Matrix;
      const codes: Record<string, number | null> = {};
      for (const f of lsMatching(runner, 'shard')) rmSync(join(runner, f));
      rmSync(join(runner, 'reviewed'), { recursive: true, force: true });
      if (reviewed) {
        const dl = await runStep(step(apply, 'Download the reviewed plans'), runner, { ...base, PLAN_RUN: o['plan-run']! });
        expect(dl.status, dl.stderr).toBe(0);
      }
      for (const row of matrix.include) {
        const r = await runStep(step(apply, 'statusform apply'), runner, { ...base, ...fresh('apply'), SHARD: row.shard });
        for (const a of row.accounts) codes[a] = r.status;
        const shardEnv = { ...base, SHARD: row.shard, ACCOUNTS: JSON.stringify(row.accounts) };
        const committed = await runStep(step(apply, 'Commit the state files'), runner, shardEnv);
        expect(committed.status, committed.stderr).toBe(0);
      }
      if (opts.crash) rmSync(join(runner, `shard-${opts.crash.split('/')[0]}.status`)); // its job died before the end
      const report = fresh('report');
      const r = await runStep(step(apply, 'Comment the results on the pull request'), runner, {
        ...base,
        ...report,
        PR: o['pr']!,
        MATRIX: o['matrix']!,
        GITHUB_SHA: git(runner, 'rev-parse', 'HEAD'),
      });
      expect(r.status, r.stderr).toBe(0);
      const written = outputs(report.GITHUB_OUTPUT);
      const pending = written['pending-matrix'] === undefined ? [] : (JSON.parse(written['pending-matrix']) as Matrix).include;
      return { codes, pending: written['pending'], matrix: pending, comment: reviewed ? comments().at(-1)! : '' };
    };

    /** The approval jobs, once the environment's reviewers approved: each waiting shard's plan, applied as saved. */
    const approve = async (waiting: Matrix['include']) => {
      const codes: (number | null)[] = [];
      let summary = '';
      for (const row of waiting) {
        const env = { ...base, ...fresh('approve'), SHARD: row.shard };
        const r = await runStep(step(apply, 'statusform apply (approved)'), runner, env);
        codes.push(r.status);
        summary += readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8');
        const shardEnv = { ...base, SHARD: row.shard, ACCOUNTS: JSON.stringify(row.accounts) };
        const committed = await runStep(step(apply, 'Commit the approved state files'), runner, shardEnv);
        expect(committed.status, committed.stderr).toBe(0);
      }
      const c = await runStep(step(apply, 'Comment the approved results on the pull request'), runner, {
        ...base,
        PR: String(number),
        APPROVE_RESULT: codes.every((x) => x === 0) ? 'success' : 'failure',
        GITHUB_SHA: git(runner, 'rev-parse', 'HEAD'),
      });
      expect(c.status, c.stderr).toBe(0);
      for (const f of ['pending', 'approved', 'apply']) for (const x of lsMatching(runner, f)) rmSync(join(runner, x));
      return { codes, summary, comment: comments().at(-1)! };
    };

    // 1. A reviewed plan, applied as is: every account, no approval needed.
    await review(config(['For Sale', 'Sold'], 'Alpha'));
    const first = await merge();
    expect(first.codes).toEqual({ estate: 0, [other]: 0 });
    expect(first.pending).toBe('false');
    expect(first.comment.split('\n').slice(0, 3)).toEqual(['PR 1', '<!-- statusform-apply -->', '### statusform apply: 2 applied']);
    expect(first.comment).toMatch(/^Commit [0-9a-f]{40}, \[apply run\]\(https:\/\/github\.com\/acme\/statuses\/actions\/runs\/99\)\.$/m);
    expect(labels()).toEqual(['For Sale', 'Sold']);

    // 2. Reviewed, then the vendor moved before the merge: estate's plan is stale and waits; the approval applies the new plan.
    await review(config(['For Sale', 'Sold', 'Let'], 'Alpha'));
    [...pdStore.statuses.values()].find((x) => x.label === 'Sold')!.label = 'Sold (edited)';
    const stale = await merge();
    expect(stale.codes['estate']).toBe(3);
    expect(labels()).toEqual(['For Sale', 'Sold (edited)']); // nothing applied unseen
    expect(stale.pending).toBe('true');
    expect(stale.comment).toContain('### statusform apply: 1 refused');
    expect(stale.comment).toContain('> - `estate`: the saved plan is stale (estate.statuses\\[');
    expect(stale.comment).toContain('### Waiting for approval');
    expect(stale.matrix).toEqual([{ shard: `${shardOf('estate', count)}/${count}`, accounts: ['estate'] }]);
    const digest = /^ {4}([0-9a-f]{64}) {2}pending-\d+\.json$/m.exec(stale.comment)![1]!;
    expect(stale.comment).toContain('+ estate.statuses["property:Let"]');
    const approved = await approve(stale.matrix);
    expect(approved.codes).toEqual([0]);
    expect(approved.summary).toContain(digest);
    expect(approved.comment).toContain('### statusform apply: 1 applied');
    expect(labels()).toEqual(['For Sale', 'Let', 'Sold']);

    // 3. A destructive change waits for approval while the other shard's change applies.
    await review(config(['Sold', 'Let'], 'Alpha 2'));
    const destructive = await merge();
    expect(destructive.codes).toEqual({ estate: 3, [other]: 0 });
    expect([...thStore.variants.values()].flatMap((m) => [...m.values()].map((v) => v.label))).toContain('Alpha 2');
    expect(labels()).toEqual(['For Sale', 'Let', 'Sold']);
    expect(destructive.comment).toContain('### statusform apply: 1 refused, 1 applied');
    expect(destructive.comment).toContain('delete refused: a hard delete needs --allow-destroy');
    expect(destructive.comment).toContain('- estate.statuses["property:For Sale"]');
    const deleted = await approve(destructive.matrix);
    expect(deleted.codes).toEqual([0]);
    expect(labels()).toEqual(['Let', 'Sold']);

    // 4. A push that merged no pull request: nothing was reviewed, so its change waits; a shard that died is named.
    mkdirSync(join(pr, 'statusform'), { recursive: true });
    git(pr, 'pull', '-q', '--rebase', 'origin', 'main');
    writeFileSync(join(pr, 'statusform', 'statusform.yaml'), config(['Sold', 'Let', 'Offer'], 'Alpha 2'));
    git(pr, 'commit', '-qam', 'pushed to main directly');
    const direct = await merge({ reviewed: false, crash: `${shardOf(other, count)}/${count}` });
    expect(direct.codes['estate']).toBe(3);
    expect(direct.codes[other]).toBe(0);
    expect(labels()).toEqual(['Let', 'Sold']);
    expect(direct.pending).toBe('true');
    const report = readFileSync(join(root, 'report.summary'), 'utf8');
    expect(report).toContain('### statusform apply: no reviewed plan was applied');
    expect(report).toContain(`> **Did not finish**: shard ${shardOf(other, count)}/${count}`);
    expect(report).toContain('+ estate.statuses["property:Offer"]');

    // 5. A reviewed plan made for another shard count (SHARDS changed since) is no reviewed plan of this shard.
    const k = shardOf('estate', count);
    rmSync(join(runner, 'reviewed'), { recursive: true, force: true });
    mkdirSync(join(runner, 'reviewed', 'statusform-plan-0'), { recursive: true });
    const planned = await runStep(
      `statusform plan -c statusform --shard ${Math.min(k, 2)}/2 --out reviewed/statusform-plan-0/plan-${k}.json`,
      runner,
      base,
    );
    expect(planned.status, planned.stderr).toBe(0);
    const wrong = await runStep(step(apply, 'statusform apply'), runner, { ...base, ...fresh('apply'), SHARD: `${k}/${count}` });
    expect(wrong.stdout).toContain(
      `::warning title=statusform::the reviewed plan reviewed/statusform-plan-0/plan-${k}.json was made for another shard`,
    );
    expect(lsMatching(runner, 'apply')).toEqual([]);
    expect(labels()).toEqual(['Let', 'Sold']);
    expect(readFileSync(join(gh, 'calls'), 'utf8')).not.toContain('secret');
  }, 120_000);
});

/**
 * One shard's job of the apply workflow, on a merge whose pull request planned that shard: the plan
 * workflow's plan step saves the shard's plan (the reviewed one, as the artifact download puts it),
 * then the apply step applies it and plans what is left.
 */
async function reviewedApply(
  dir: string,
  row: Matrix['include'][number],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const k = row.shard.split('/')[0]!;
  const planned = await runStep(step('statusform-plan.yml', 'statusform plan'), dir, { ...env, SHARD: row.shard });
  expect(planned.status, planned.stderr).toBe(0);
  rmSync(join(dir, 'reviewed'), { recursive: true, force: true });
  mkdirSync(join(dir, 'reviewed', `statusform-plan-${k}`), { recursive: true });
  renameSync(join(dir, `plan-${k}.json`), join(dir, 'reviewed', `statusform-plan-${k}`, `plan-${k}.json`));
  return runStep(step('statusform-apply.yml', 'statusform apply'), dir, { ...env, SHARD: row.shard });
}

/** The files in a directory whose names start with `prefix`. */
function lsMatching(dir: string, prefix: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith(`${prefix}-`));
}

/** A directory with `statusform` on PATH as the installed CLI. */
function toolsDir(root: string): string {
  const tools = join(root, '.tools');
  mkdirSync(tools, { recursive: true });
  writeFileSync(join(tools, 'statusform'), `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`);
  chmodSync(join(tools, 'statusform'), 0o755);
  return tools;
}
