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
    expect(all.filter((s) => s.uses === 'your-org/statusform@v0.2.0').length).toBeGreaterThan(0);
    expect(all.some((s) => s.run?.includes('npm install'))).toBe(false);
  });

  it('plan runs on pull requests that touch the config or the workflows themselves, and comments the file the plan step writes', () => {
    const w = load('statusform-plan.yml');
    expect(Object.keys(w.on)).toEqual(['pull_request', 'pull_request_target', 'workflow_dispatch']);
    expect((w.on['pull_request'] as { paths: string[] }).paths).toContain('.github/workflows/statusform-*.yml');
    const comment = steps(w).find((s) => s.uses?.startsWith('marocchino/sticky-pull-request-comment'));
    // workflow-run.test.ts runs the show step and reads plan.md, the file this input names.
    expect(comment?.with).toMatchObject({ path: 'plan.md', header: 'statusform' });
    expect(comment?.if).toContain('always()');
  });

  it('plan is safe by default: least privilege per job, superseded plans cancelled, no secrets and no checkout for forks', () => {
    const w = load('statusform-plan.yml') as ReturnType<typeof load> & { permissions: unknown };
    expect(w.permissions).toEqual({}); // the workflow's token grants nothing; each job asks
    expect(w.concurrency).toEqual({
      group: 'statusform-plan-${{ github.event_name }}-${{ github.event.pull_request.number || inputs.pull-request }}',
      'cancel-in-progress': true,
    });
    const withSecrets = Object.entries(w.jobs).filter(([, j]) => JSON.stringify(j).includes('secrets.'));
    expect(withSecrets.map(([n]) => n)).toEqual(['plan']);
    for (const [, j] of withSecrets) expect(j.permissions).toEqual({ contents: 'read' });
    const writers = Object.entries(w.jobs).filter(([, j]) => j.permissions?.['pull-requests'] === 'write');
    expect(writers.map(([n]) => n).sort()).toEqual(['comment', 'fork']);
    for (const [, j] of writers) expect(JSON.stringify(j)).not.toContain('secrets.');
    // Only a pull request from this repository, or a maintainer's dispatch, reaches the jobs that check out and hold secrets.
    const trusted =
      "github.event_name == 'workflow_dispatch' || (github.event_name == 'pull_request' && " +
      'github.event.pull_request.head.repo.full_name == github.repository)';
    expect(w.jobs['shards']!.if).toBe(trusted);
    expect(w.jobs['comment']!.if).toBe(`always() && (${trusted})`);
    // The fork notice runs from pull_request_target with no checkout and nothing of the pull request's code.
    const fork = w.jobs['fork']!;
    expect(fork.if).toBe(
      "github.event_name == 'pull_request_target' && github.event.pull_request.head.repo.full_name != github.repository",
    );
    expect(fork.steps.some((s) => s.uses?.startsWith('actions/checkout') || /^\s*statusform /m.test(s.run ?? ''))).toBe(false);
    for (const [name, j] of Object.entries(w.jobs))
      if (j.steps.some((s) => s.uses?.startsWith('actions/checkout'))) expect(j.if, name).not.toContain('pull_request_target');
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
          j.steps.some((s) => s.uses === 'your-org/statusform@v0.2.0'),
          name,
        ).toBe(true);
    }
  };

  it('plan: a matrix of the changed shards, each uploading its saved plan, and one comment job after all of them', () => {
    const w = load('statusform-plan.yml');
    expect(Object.keys(w.jobs)).toEqual(['shards', 'plan', 'comment', 'fork']);
    expectShardsMatrix(w, 'plan', true);
    // --changed-since needs the base branch's history; a maintainer's dispatch checks out the pull request's merge.
    const pullRef = "${{ inputs.pull-request && format('refs/pull/{0}/merge', inputs.pull-request) || '' }}";
    expect(w.jobs['shards']!.steps.find((s) => s.uses?.startsWith('actions/checkout'))?.with).toEqual({ 'fetch-depth': 0, ref: pullRef });
    expect(w.jobs['plan']!.steps.find((s) => s.uses?.startsWith('actions/checkout'))?.with).toEqual({ ref: pullRef });
    expect(w.jobs['shards']!.steps.find((s) => s.id === 'shards')!.env).toEqual({
      BASE_REF: '${{ github.base_ref || github.event.repository.default_branch }}',
    });
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
    expect(Object.keys(w.jobs)).toEqual(['shards', 'apply', 'report', 'approve', 'approved']);
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
    const w = load('statusform-apply.yml') as ReturnType<typeof load> & { permissions: unknown };
    expect(Object.keys(w.jobs)).toEqual(['shards', 'apply', 'report', 'approve', 'approved']);
    expect(w.permissions).toEqual({});
    const approve = w.jobs['approve']!;
    expect(approve.environment).toBe('statusform-approval');
    expect(approve.needs).toEqual(['shards', 'report']);
    expect(approve.if).toBe("${{ !cancelled() && needs.report.outputs.pending == 'true' }}");
    // One job per waiting shard, serialised with that shard's own applies.
    expect(approve.strategy).toEqual({ 'fail-fast': false, matrix: '${{ fromJSON(needs.report.outputs.pending-matrix) }}' });
    expect(approve.concurrency).toEqual(w.jobs['apply']!.concurrency);
    const applied = approve.steps.find((s) => s.name === 'statusform apply (approved)')!;
    expect(applied.run).toContain('statusform apply -c statusform "pending-$k.json" --allow-destroy --allow-bulk --json');
    expect(applied.run).toContain('sha256sum "pending-$k.json"');
    // The approved job commits the way a shard does, with the same files.
    const commit = (job: Job, name: string) => job.steps.find((s) => s.name === name)!;
    expect(commit(approve, 'Commit the approved state files').run).toBe(commit(w.jobs['apply']!, 'Commit the state files').run);
    expect(commit(approve, 'Commit the approved state files').env).toEqual(commit(w.jobs['apply']!, 'Commit the state files').env);
    const report = w.jobs['report']!;
    expect(report.if).toBe("${{ !cancelled() && needs.shards.outputs.any == 'true' }}");
    expect(report.steps.find((s) => s.id === 'report')!.env).toEqual({
      PR: '${{ needs.shards.outputs.pr }}',
      MATRIX: '${{ needs.shards.outputs.matrix }}',
      GH_TOKEN: '${{ github.token }}',
    });
    // Only gh steps hold the GitHub token; the steps that run statusform with vendor secrets never do,
    // and the jobs that may write to pull requests hold no vendor secret.
    for (const s of steps(w)) {
      if (JSON.stringify(s.env ?? {}).includes('secrets.')) expect(JSON.stringify(s.env), s.name).not.toContain('github.token');
    }
    for (const [name, j] of Object.entries(w.jobs))
      if (j.permissions?.['pull-requests'] === 'write') expect(JSON.stringify(j), name).not.toContain('secrets.');
  });

  it('drift runs on a schedule as a matrix of every shard, and one job after them opens the issue', () => {
    const w = load('statusform-drift.yml');
    expect(Object.keys(w.on)).toContain('schedule');
    expect(Object.keys(w.jobs)).toEqual(['shards', 'drift', 'issue']);
    expectShardsMatrix(w, 'drift', false);
    const drift = w.jobs['drift']!.steps.find((s) => s.id === 'drift')!;
    expect(drift.with?.['args']).toBe(
      '--shard\n${{ matrix.shard }}\n--detailed-exitcode\n--out\ndrift-plan-${{ strategy.job-index }}.json\n',
    );
    // The secrets reach only the action's run step, through its env input: never the step's own env (the install's too).
    expect(drift.env).toBeUndefined();
    expect(drift.with?.['env']).toContain('THALAMUS_TOKEN=${{ secrets.THALAMUS_TOKEN }}');
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
