// The example GitHub workflows' structure — what GitHub itself reads (triggers, concurrency,
// checkout, the comment action's input). What their shell steps do is run, not read: see
// workflow-run.test.ts, and the install step below, run with bash against a stand-in npm.

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempDir } from '../helpers.js';

type Step = { name?: string; run?: string; uses?: string; with?: Record<string, unknown>; env?: Record<string, string> };
const load = (name: string) =>
  parse(readFileSync(new URL(`../../examples/github/${name}`, import.meta.url), 'utf8')) as {
    on: Record<string, unknown>;
    concurrency?: { group: string; 'cancel-in-progress': boolean };
    jobs: Record<string, { steps: Step[] }>;
  };
const steps = (w: ReturnType<typeof load>) => Object.values(w.jobs).flatMap((j) => j.steps);
const WORKFLOWS = ['statusform-plan.yml', 'statusform-apply.yml', 'statusform-drift.yml'];

describe('example GitHub workflows', () => {
  type Action = { inputs: Record<string, { default?: string }>; outputs: Record<string, unknown>; runs: { using: string; steps: (Step & { shell?: string; id?: string; if?: string })[] } };
  const action = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as Action;

  it('action.yml is a composite action with the inputs command, config, args and version', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs).sort()).toEqual(['args', 'command', 'config', 'version']);
    expect(action.inputs['config']?.default).toBe('statusform');
    expect(Object.keys(action.outputs)).toEqual(['exit-code']);
    for (const s of action.runs.steps) expect(s.shell, s.name).toBe('bash');
  });

  it("the action's install step installs the pinned tag from the action's own repository, into the runner's temp folder, and refuses a branch", () => {
    const install = action.runs.steps.find((s) => s.name === 'Install statusform (pinned)');
    expect(install?.env).toEqual({ STATUSFORM_VERSION: '${{ inputs.version || github.action_ref }}', STATUSFORM_REPOSITORY: '${{ github.action_repository }}' });
    const dir = tempDir('statusform-install-');
    const tools = join(dir, 'tools');
    mkdirSync(tools);
    // A stand-in npm that records how it was called.
    writeFileSync(join(tools, 'npm'), `#!/bin/sh\necho "$@" > "${join(dir, 'npm-args')}"\n`);
    chmodSync(join(tools, 'npm'), 0o755);
    const run = (version: string) =>
      spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', install!.run!], {
        cwd: dir,
        encoding: 'utf8',
        env: { PATH: `${tools}:/usr/bin:/bin`, RUNNER_TEMP: join(dir, 'tmp'), GITHUB_PATH: join(dir, 'github-path'), STATUSFORM_VERSION: version, STATUSFORM_REPOSITORY: 'acme/statusform' },
      });
    for (const bad of ['', 'main', 'v1; rm -rf /']) {
      const refused = run(bad);
      expect(refused.status, bad).not.toBe(0);
      expect(refused.stdout).toContain('::error title=statusform::pin statusform to a tag');
    }
    for (const version of ['v0', 'v0.1.0', 'a'.repeat(40)]) {
      const ok = run(version);
      expect(ok.status, ok.stdout + ok.stderr).toBe(0);
      expect(readFileSync(join(dir, 'npm-args'), 'utf8').trim()).toBe(`install --no-audit --no-fund --prefix ${join(dir, 'tmp', 'statusform')} git+https://github.com/acme/statusform.git#${version}`);
    }
    expect(readFileSync(join(dir, 'github-path'), 'utf8').trim().split('\n')[0]).toBe(join(dir, 'tmp', 'statusform', 'node_modules', '.bin'));
  });

  it.each(WORKFLOWS)('%s uses the composite action instead of installing statusform itself', (name) => {
    const all = steps(load(name));
    expect(all.filter((s) => s.uses === 'your-org/statusform@v0').length).toBeGreaterThan(0);
    expect(all.some((s) => s.run?.includes('npm install'))).toBe(false);
  });

  it('plan runs on pull requests that touch the config or the workflows themselves, and comments the file the plan step writes', () => {
    const w = load('statusform-plan.yml');
    expect(Object.keys(w.on)).toEqual(['pull_request']);
    expect((w.on['pull_request'] as { paths: string[] }).paths).toContain('.github/workflows/statusform-*.yml');
    const comment = steps(w).find((s) => s.uses?.startsWith('marocchino/sticky-pull-request-comment'));
    // workflow-run.test.ts runs the plan step and reads plan.md, the file this input names.
    expect(comment?.with).toMatchObject({ path: 'plan.md', header: 'statusform' });
  });

  it('apply runs on push to main, one at a time and never cancelled half-way, from the tip of main', () => {
    const w = load('statusform-apply.yml');
    expect(w.on['push']).toMatchObject({ branches: ['main'] });
    expect(w.concurrency).toEqual({ group: 'statusform-apply', 'cancel-in-progress': false });
    expect(steps(w).find((s) => s.uses?.startsWith('actions/checkout'))?.with).toEqual({ ref: '${{ github.ref }}' });
  });

  it('drift runs on a schedule', () => {
    expect(Object.keys(load('statusform-drift.yml').on)).toContain('schedule');
  });
});
