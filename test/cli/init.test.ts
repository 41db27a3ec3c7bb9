// `statusform init` (issue 22, item 2) and `validate` without secrets (item 4).

import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLAGS } from '../../src/cli/command-table.js';
import { STARTERS } from '../../src/cli/commands/init.js';
import { vendorNames } from '../../src/vendors/registry.js';
import { demoSeeds, sandboxEnv } from '../../src/sandbox/demo-data.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { cli, tempDir, tree } from '../helpers.js';

const workflows = ['statusform-plan.yml', 'statusform-apply.yml', 'statusform-drift.yml'];

describe('statusform init', () => {
  it('has a starter for every vendor of the registry, and --vendor offers exactly those', () => {
    expect(Object.keys(STARTERS).sort()).toEqual([...vendorNames].sort());
    expect([...(FLAGS.vendor.choices ?? [])].sort()).toEqual([...vendorNames].sort());
  });

  it('writes the settings with the modeline, one account file per vendor asked for, the workflows and .gitignore lines; it validates without secrets', async () => {
    const dir = tempDir();
    const r = await cli(['init', '--vendor', 'propertydeck', '--vendor', 'zendesk'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const settings = readFileSync(join(dir, 'statusform', 'statusform.yaml'), 'utf8');
    expect(settings.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=\S+\/schemas\/statusform\.schema\.json$/);
    const schema = /\$schema=(\S+)/.exec(settings)![1]!;
    expect(existsSync(join(dir, 'statusform', schema)), 'the modeline resolves from the config file').toBe(true);
    expect(settings).not.toContain('vendor:');
    expect(readdirSync(join(dir, 'statusform', 'accounts')).sort()).toEqual(['estate.yaml', 'support.yaml']);
    const estate = readFileSync(join(dir, 'statusform', 'accounts', 'estate.yaml'), 'utf8');
    expect(estate).toContain('vendor: propertydeck');
    expect(estate).toContain('token: ${PROPERTYDECK_TOKEN}');
    expect(readFileSync(join(dir, 'statusform', 'accounts', 'support.yaml'), 'utf8')).toContain('vendor: zendesk');
    for (const w of workflows)
      expect(readFileSync(join(dir, '.github', 'workflows', w), 'utf8')).toBe(
        readFileSync(new URL(`../../examples/github/${w}`, import.meta.url), 'utf8'),
      );
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toContain('statusform/statusform.state/*.lock');
    expect(r.stdout).toContain('The configuration is valid: 2 accounts.');
    const v = await cli(['validate', '-c', 'statusform'], { cwd: dir });
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('Not set, and needed by plan and apply: PROPERTYDECK_TOKEN, PROPERTYDECK_URL');
    const p = await cli(['plan', '-c', 'statusform'], { cwd: dir });
    expect(p.code).toBe(1);
    expect(p.stderr).toContain('environment variable PROPERTYDECK_TOKEN is not set');
  });

  it('validates every vendor starter together', async () => {
    const dir = tempDir();
    const r = await cli(['init', ...vendorNames.flatMap((v) => ['--vendor', v])], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('refuses (exit 3) and writes nothing when any file it would write exists; .gitignore is only added to', async () => {
    const dir = tree({ '.github/workflows/statusform-drift.yml': 'mine\n', '.gitignore': 'node_modules\n' });
    const r = await cli(['init', '--vendor', 'thalamus'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('.github/workflows/statusform-drift.yml');
    expect(existsSync(join(dir, 'statusform'))).toBe(false);
    expect(existsSync(join(dir, '.github', 'workflows', 'statusform-plan.yml'))).toBe(false);
    expect(readFileSync(join(dir, '.github', 'workflows', 'statusform-drift.yml'), 'utf8')).toBe('mine\n');
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe('node_modules\n');

    const other = tree({ '.gitignore': 'node_modules' });
    expect((await cli(['init', '--vendor', 'thalamus'], { cwd: other })).code).toBe(0);
    const ignore = readFileSync(join(other, '.gitignore'), 'utf8');
    expect(ignore.startsWith('node_modules\n# statusform\n')).toBe(true);
    writeFileSync(join(other, 'x'), '');
    expect((await cli(['init', '--vendor', 'thalamus'], { cwd: other })).code).toBe(3);
  });

  it('needs a known vendor (exit 1)', async () => {
    expect((await cli(['init'], { cwd: tempDir() })).code).toBe(1);
    const r = await cli(['init', '--vendor', 'jira'], { cwd: tempDir() });
    expect(r.code).toBe(1);
  });

  it('makes a config the sandbox plans as it is', async () => {
    const dir = tempDir();
    await cli(['init', '--vendor', 'propertydeck'], { cwd: dir });
    const sandbox = await startSandbox({ seeds: demoSeeds() });
    try {
      const env = sandboxEnv(sandbox.simulators);
      const p = await cli(['plan', '-c', 'statusform', '--detailed-exitcode'], { cwd: dir, env });
      expect(p.stderr).toBe('');
      expect(p.code).toBe(0); // the sandbox has For Sale already: adopted, no change
      expect(p.stdout).toContain('= estate.statuses["property:For Sale"] will be adopted');
    } finally {
      await sandbox.close();
    }
  });
});

describe('statusform validate without secrets', () => {
  const config = (label: string) =>
    'version: 1\naccounts:\n  estate:\n    vendor: propertydeck\n    base_url: ${PD_URL}\n    token: ${PD_TOKEN}\n' +
    `    statuses:\n      - { label: "${label}", type: property, maps_to: open }\n`;

  it('names unset credentials and URLs instead of failing; plan still needs them', async () => {
    const dir = tree({ 'statusform.yaml': config('For Sale') });
    const r = await cli(['validate'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Not set, and needed by plan and apply: PD_TOKEN, PD_URL');
    expect((await cli(['plan'], { cwd: dir })).code).toBe(1);
  });

  it('still fails on an unset variable elsewhere, and on a malformed value that is set', async () => {
    const dir = tree({ 'statusform.yaml': config('${LABEL}') });
    const r = await cli(['validate'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('statusform.yaml:8:18: environment variable LABEL is not set');
    expect(r.stderr).not.toContain('PD_TOKEN');
    const bad = await cli(['validate'], { cwd: tree({ 'statusform.yaml': config('x') }), env: { PD_URL: 'http://crm.example.com' } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('base_url must be an https URL');
  });
});
