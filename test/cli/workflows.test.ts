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
  it('install a pinned statusform without a global npm install (npm cannot build a git dependency globally)', () => {
    for (const name of ['statusform-plan.yml', 'statusform-apply.yml', 'statusform-drift.yml']) {
      const text = runs(load(name));
      expect(text).toContain('npm install --prefix "$RUNNER_TEMP/statusform" "${STATUSFORM_PACKAGE:?');
      expect(text).not.toContain('--global');
    }
  });

  it('plans on pull requests into a sticky comment, with the saved plan as an artifact', () => {
    const w = load('statusform-plan.yml');
    expect(Object.keys(w.on)).toEqual(['pull_request']);
    expect(runs(w)).toContain('statusform plan -c statusform --format markdown --out plan.json > plan.md');
    // Copied as they are, the workflows match their own path filter.
    expect((w.on['pull_request'] as { paths: string[] }).paths).toContain('.github/workflows/statusform-*.yml');
    const steps = Object.values(w.jobs).flatMap((j) => j.steps);
    expect(steps.find((s) => s.uses?.startsWith('marocchino/sticky-pull-request-comment'))?.with).toMatchObject({ path: 'plan.md' });
  });

  it('applies on push to main, one at a time, and commits the state file', () => {
    const w = load('statusform-apply.yml');
    expect(w.on['push']).toMatchObject({ branches: ['main'] });
    expect(w.concurrency).toEqual({ group: 'statusform-apply', 'cancel-in-progress': false });
    expect(runs(w)).toContain('statusform apply -c statusform --auto-approve');
    expect(runs(w)).toContain('git add statusform/statusform.state.json');
    expect(runs(w)).toContain('git pull --rebase');
    const checkout = Object.values(w.jobs).flatMap((j) => j.steps).find((s) => s.uses?.startsWith('actions/checkout'));
    expect(checkout?.with).toEqual({ ref: '${{ github.ref }}' });
  });

  it('checks drift nightly with --detailed-exitcode', () => {
    const w = load('statusform-drift.yml');
    expect(Object.keys(w.on)).toContain('schedule');
    expect(runs(w)).toContain('statusform plan -c statusform --detailed-exitcode');
  });
});
