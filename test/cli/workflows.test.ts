// The GitHub workflows in examples/github: parse them and check they run the commands the README describes.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const load = (name: string) => parse(readFileSync(new URL(`../../examples/github/${name}`, import.meta.url), 'utf8')) as {
  on: Record<string, unknown>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, { steps: { run?: string; uses?: string; with?: Record<string, unknown> }[] }>;
};
const runs = (w: ReturnType<typeof load>) => Object.values(w.jobs).flatMap((j) => j.steps.map((s) => s.run ?? '')).join('\n');

describe('example GitHub workflows', () => {
  it('plans on pull requests into a sticky comment, with the saved plan as an artifact', () => {
    const w = load('plan.yml');
    expect(Object.keys(w.on)).toEqual(['pull_request']);
    expect(runs(w)).toContain('statusform plan -c statusform --format markdown --out plan.json > plan.md');
    const steps = Object.values(w.jobs).flatMap((j) => j.steps);
    expect(steps.find((s) => s.uses?.startsWith('marocchino/sticky-pull-request-comment'))?.with).toMatchObject({ path: 'plan.md' });
  });

  it('applies on push to main, one at a time, and commits the state file', () => {
    const w = load('apply.yml');
    expect(w.on['push']).toMatchObject({ branches: ['main'] });
    expect(w.concurrency).toEqual({ group: 'statusform-apply', 'cancel-in-progress': false });
    expect(runs(w)).toContain('statusform apply -c statusform --auto-approve');
    expect(runs(w)).toContain('git add statusform/statusform.state.json');
  });

  it('checks drift nightly with --detailed-exitcode', () => {
    const w = load('drift.yml');
    expect(Object.keys(w.on)).toContain('schedule');
    expect(runs(w)).toContain('statusform plan -c statusform --detailed-exitcode');
  });
});
