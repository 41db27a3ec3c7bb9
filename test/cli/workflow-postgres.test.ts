// The PostgreSQL variant of the apply workflow is the apply workflow without the state in the
// repository: the same jobs and the same scripts (whose behaviour workflow-run.test.ts runs), each
// apply waiting a while for another run's lock; no commit, no push, no write access to the
// repository; the database URL only in the steps that run statusform apply or plan.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

type Step = { name?: string; id?: string; run?: string; uses?: string; env?: Record<string, string>; with?: Record<string, unknown> };
type Job = { permissions?: Record<string, string>; concurrency?: unknown; steps: Step[] };
type Workflow = { on: unknown; env?: Record<string, unknown>; permissions?: unknown; jobs: Record<string, Job> };

const text = (name: string) => readFileSync(new URL(`../../examples/github/${name}`, import.meta.url), 'utf8');
const load = (name: string) => parse(text(name)) as Workflow;
const URL_SECRET = '${{ secrets.STATUSFORM_PG_URL }}';

describe('the apply workflow with the state in PostgreSQL', () => {
  const files = load('statusform-apply.yml');
  const pg = load('statusform-apply-postgres.yml');
  const step = (w: Workflow, job: string, name: string) => w.jobs[job]!.steps.find((s) => s.name === name)!;

  it('runs when the apply workflow runs, with the same jobs, shards and per-shard concurrency', () => {
    expect(pg.on).toEqual(files.on);
    expect(pg.permissions).toEqual({});
    expect(pg.env).toEqual(files.env);
    expect(Object.keys(pg.jobs)).toEqual(Object.keys(files.jobs));
    for (const job of ['apply', 'approve']) expect(pg.jobs[job]!.concurrency, job).toEqual(files.jobs[job]!.concurrency);
    for (const job of ['shards', 'report', 'approved']) expect(pg.jobs[job], job).toEqual(files.jobs[job]);
  });

  it('applies with the same scripts, each apply waiting up to 5 minutes for an account another run holds', () => {
    const same = (run: string) => run.replace(/ --lock-timeout 5m/g, '');
    const applyRun = step(pg, 'apply', 'statusform apply').run!;
    expect(applyRun).toContain('statusform apply -c statusform "$reviewed" --lock-timeout 5m --json');
    expect(same(applyRun)).toBe(step(files, 'apply', 'statusform apply').run);
    const approved = step(pg, 'approve', 'statusform apply (approved)').run!;
    expect(approved).toContain('--allow-destroy --allow-bulk --lock-timeout 5m --json');
    expect(same(approved)).toBe(step(files, 'approve', 'statusform apply (approved)').run);
  });

  it('commits and pushes nothing, and no job may write to the repository', () => {
    expect(text('statusform-apply-postgres.yml')).not.toMatch(/git (commit|push)|statusform\.state/);
    for (const [name, job] of Object.entries(pg.jobs)) {
      expect(job.permissions?.['contents'], name).not.toBe('write');
      expect(
        job.steps.some((s) => /commit/i.test(s.name ?? '')),
        name,
      ).toBe(false);
    }
  });

  it('gives the database URL to the steps that run statusform apply or plan, and to no other', () => {
    for (const [name, job] of Object.entries(pg.jobs))
      for (const s of job.steps) {
        const readsState = /statusform (apply|plan) /.test(s.run ?? '');
        expect(s.env?.['STATUSFORM_PG_URL'], `${name}: ${s.name ?? s.uses}`).toBe(readsState ? URL_SECRET : undefined);
      }
  });
});
