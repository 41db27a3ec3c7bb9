// The example GitHub workflows' structure — what GitHub itself reads (triggers, concurrency,
// checkout, the comment action's input). What their shell steps do is run, not read: see
// workflow-run.test.ts; the composite action itself is run in action.test.ts.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

type Step = {
  name?: string;
  id?: string;
  run?: string;
  uses?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
};
type Job = {
  needs?: string | string[];
  environment?: string;
  permissions?: Record<string, string>;
  if?: string;
  outputs?: Record<string, string>;
  strategy?: { matrix: unknown; 'fail-fast'?: boolean };
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  steps: Step[];
};
const load = (name: string) =>
  parse(readFileSync(new URL(`../../examples/github/${name}`, import.meta.url), 'utf8')) as {
    on: Record<string, unknown>;
    env?: Record<string, unknown>;
    concurrency?: { group: string; 'cancel-in-progress': boolean };
    jobs: Record<string, Job>;
  };
const steps = (w: ReturnType<typeof load>) => Object.values(w.jobs).flatMap((j) => j.steps);
const WORKFLOWS = ['statusform-plan.yml', 'statusform-apply.yml', 'statusform-drift.yml'];

describe('example GitHub workflows', () => {
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
    // workflow-run.test.ts runs the show step and reads plan.md, the file this input names.
    expect(comment?.with).toMatchObject({ path: 'plan.md', header: 'statusform' });
    expect(comment?.if).toContain('always()');
  });

  /** The jobs every workflow shares: `shards` makes the matrix, and the matrix job runs only when it is not empty. */
  const expectShardsMatrix = (w: ReturnType<typeof load>, job: string, changedSince: boolean) => {
    const shards = w.jobs['shards']!;
    expect(shards.outputs).toMatchObject({ matrix: '${{ steps.shards.outputs.matrix }}', any: '${{ steps.shards.outputs.any }}' });
    const run = shards.steps.find((s) => s.id === 'shards')!.run!;
    expect(run).toContain('statusform shards -c statusform --count "$SHARDS"');
    expect(run.includes('--changed-since')).toBe(changedSince);
    expect(w.env?.['SHARDS']).toBeGreaterThan(0);
    const matrix = w.jobs[job]!;
    expect(matrix.needs).toBe('shards');
    expect(matrix.if).toBe("needs.shards.outputs.any == 'true'");
    expect(matrix.strategy).toEqual({ 'fail-fast': false, matrix: '${{ fromJSON(needs.shards.outputs.matrix) }}' });
    // Nothing else installs statusform: each job that runs it gets it from the action.
    for (const [name, j] of Object.entries(w.jobs)) {
      if (j.steps.some((s) => /^\s*(\w+=\$\()?statusform /m.test(s.run ?? '')))
        expect(
          j.steps.some((s) => s.uses === 'your-org/statusform@v0'),
          name,
        ).toBe(true);
    }
  };

  it('plan: a matrix of the changed shards, each uploading its saved plan, and one comment job after all of them', () => {
    const w = load('statusform-plan.yml');
    expect(Object.keys(w.jobs)).toEqual(['shards', 'plan', 'comment']);
    expectShardsMatrix(w, 'plan', true);
    // --changed-since needs the base branch's history.
    expect(w.jobs['shards']!.steps.find((s) => s.uses?.startsWith('actions/checkout'))?.with).toEqual({ 'fetch-depth': 0 });
    expect(w.jobs['shards']!.steps.find((s) => s.id === 'shards')!.env).toEqual({ BASE_REF: '${{ github.base_ref }}' });
    const plan = w.jobs['plan']!;
    expect(plan.steps.find((s) => s.name === 'statusform plan')?.env).toMatchObject({ SHARD: '${{ matrix.shard }}' });
    const upload = plan.steps.find((s) => s.uses === 'actions/upload-artifact@v4')!;
    expect(upload.with).toMatchObject({ name: 'statusform-plan-${{ strategy.job-index }}', path: 'plan-*.json' });
    expect(upload.if).toBe('always()');
    const comment = w.jobs['comment']!;
    expect(comment.needs).toEqual(['shards', 'plan']);
    expect(comment.if).toContain('always()');
    expect(comment.steps.find((s) => s.uses === 'actions/download-artifact@v4')?.with).toEqual({
      pattern: 'statusform-plan-*',
      'merge-multiple': true,
    });
    // Vendor secrets only where a plan reads the vendors.
    expect(JSON.stringify(w.jobs['shards'])).not.toContain('secrets.');
    expect(JSON.stringify(comment)).not.toContain('secrets.');
  });

  it('apply runs on push to main as a matrix of every shard, one apply per shard at a time and never cancelled half-way, from the tip of main', () => {
    const w = load('statusform-apply.yml');
    expect(w.on['push']).toMatchObject({ branches: ['main'] });
    expect(w.concurrency).toBeUndefined(); // per shard, not one group for the whole fleet
    expect(Object.keys(w.jobs)).toEqual(['shards', 'apply', 'report', 'approve']);
    expectShardsMatrix(w, 'apply', false);
    const apply = w.jobs['apply']!;
    expect(apply.concurrency).toEqual({ group: 'statusform-apply-${{ matrix.shard }}', 'cancel-in-progress': false });
    expect(apply.steps.find((s) => s.uses?.startsWith('actions/checkout'))?.with).toEqual({ ref: '${{ github.ref }}' });
    // The reviewed plan, as saved: never a fresh plan applied with --auto-approve, never the destructive flags.
    const run = apply.steps.find((s) => s.name === 'statusform apply')!.run!;
    expect(run).toContain('statusform apply -c statusform "$reviewed" --json');
    expect(run).not.toMatch(/--auto-approve|--allow-destroy|--allow-bulk/);
    expect(apply.steps.find((s) => s.name === 'Commit the state files')?.env).toEqual({
      SHARD: '${{ matrix.shard }}',
      ACCOUNTS: '${{ toJSON(matrix.accounts) }}',
    });
    const upload = apply.steps.find((s) => s.uses === 'actions/upload-artifact@v4')!;
    expect(upload.with?.['name']).toContain('${{ strategy.job-index }}');
  });

  it('apply: destructive or unreviewed changes wait for the statusform-approval environment; the results go back to the pull request', () => {
    const w = load('statusform-apply.yml');
    const approve = w.jobs['approve']!;
    expect(approve.environment).toBe('statusform-approval');
    expect(approve.needs).toEqual(['shards', 'report']);
    expect(approve.if).toBe("always() && needs.report.outputs.pending == 'true'");
    const applied = approve.steps.find((s) => s.name === 'statusform apply (approved)')!;
    expect(applied.run).toContain('statusform apply -c statusform "$plan" --allow-destroy --allow-bulk --json');
    expect(applied.run).toContain('sha256sum pending-*.json');
    // The approved job commits the same way a shard does.
    const commit = (job: Job, name: string) => job.steps.find((s) => s.name === name)!.run;
    expect(commit(approve, 'Commit the approved state files')).toBe(commit(w.jobs['apply']!, 'Commit the state files'));
    const report = w.jobs['report']!;
    expect(report.if).toBe("always() && needs.shards.outputs.any == 'true'");
    expect(report.steps.find((s) => s.id === 'report')!.env).toEqual({
      PR: '${{ needs.shards.outputs.pr }}',
      APPLY_RESULT: '${{ needs.apply.result }}',
      GH_TOKEN: '${{ github.token }}',
    });
    // Only gh steps hold the GitHub token; the steps that run statusform with vendor secrets never do.
    for (const s of steps(w)) {
      if (JSON.stringify(s.env ?? {}).includes('secrets.')) expect(JSON.stringify(s.env), s.name).not.toContain('github.token');
    }
  });

  it('drift runs on a schedule as a matrix of every shard, and one job after them opens the issue', () => {
    const w = load('statusform-drift.yml');
    expect(Object.keys(w.on)).toContain('schedule');
    expect(Object.keys(w.jobs)).toEqual(['shards', 'drift', 'issue']);
    expectShardsMatrix(w, 'drift', false);
    expect(w.jobs['drift']!.steps.find((s) => s.id === 'drift')?.with?.['args']).toBe(
      '--shard ${{ matrix.shard }} --detailed-exitcode --out drift-plan-${{ strategy.job-index }}.json',
    );
    const issue = w.jobs['issue']!;
    expect(issue.needs).toBe('drift');
    expect(issue.if).toBe("always() && needs.drift.result == 'failure'");
    expect(issue.steps.find((s) => s.uses === 'actions/download-artifact@v4')?.with).toEqual({
      pattern: 'statusform-drift-*',
      'merge-multiple': true,
    });
    expect(issue.steps.some((s) => s.name === 'Open or update the drift issue')).toBe(true);
  });

  it('the three workflows shard alike', () => {
    expect(new Set(WORKFLOWS.map((n) => load(n).env?.['SHARDS'])).size).toBe(1);
  });
});
