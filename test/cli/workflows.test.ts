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
  it.each(WORKFLOWS)('%s: the install step refuses without a pinned source, and installs into the runner\'s temp folder (not globally) with the bin on PATH', (name) => {
    const install = steps(load(name)).find((s) => s.name === 'Install statusform (pinned)');
    expect(install?.run).toBeDefined();
    const dir = tempDir('statusform-install-');
    const tools = join(dir, 'tools');
    mkdirSync(tools);
    // A stand-in npm that records how it was called.
    writeFileSync(join(tools, 'npm'), `#!/bin/sh\necho "$@" > "${join(dir, 'npm-args')}"\n`);
    chmodSync(join(tools, 'npm'), 0o755);
    const run = (pkg: string | undefined) =>
      spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', install!.run!], {
        cwd: dir,
        encoding: 'utf8',
        env: { PATH: `${tools}:/usr/bin:/bin`, RUNNER_TEMP: join(dir, 'tmp'), GITHUB_PATH: join(dir, 'github-path'), ...(pkg ? { STATUSFORM_PACKAGE: pkg } : {}) },
      });
    const refused = run(undefined);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('set the repository variable STATUSFORM_PACKAGE');
    const ok = run('git+https://example.invalid/statusform.git#v0.1.0');
    expect(ok.status, ok.stderr).toBe(0);
    expect(readFileSync(join(dir, 'npm-args'), 'utf8').trim()).toBe(`install --prefix ${join(dir, 'tmp', 'statusform')} git+https://example.invalid/statusform.git#v0.1.0`);
    expect(readFileSync(join(dir, 'github-path'), 'utf8').trim()).toBe(join(dir, 'tmp', 'statusform', 'node_modules', '.bin'));
    // The pinned source comes from the repository variable, never from the workflow text.
    expect(install!.env).toEqual({ STATUSFORM_PACKAGE: '${{ vars.STATUSFORM_PACKAGE }}' });
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
