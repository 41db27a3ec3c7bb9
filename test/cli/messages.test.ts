// Issue 11, item 10: validation messages say what to do. Run through the built binary.

import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SANDBOX_VARIABLES } from '../../src/cli/context.js';
import { registry } from '../../src/vendors/registry.js';
import { tempDir, tree } from '../helpers.js';

const bin = new URL('../../bin/statusform.js', import.meta.url).pathname;

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const validate = (yaml: string) => run(['validate'], tree({ 'statusform.yaml': yaml }));

describe('validation messages say what to do', () => {
  it('suggests the field meant, once (not also "missing required")', () => {
    const r = validate(
      'version: 1\naccounts:\n  estate:\n    vendor: propertydeck\n    token: t\n' +
        '    base_url: https://pd.example\n    statuses:\n      - { lable: A, type: contact, maps_to: open }\n',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('statusform.yaml:8:11: accounts.estate.statuses[0]: unknown field "lable": did you mean `label`?');
    expect(r.stderr).not.toContain('missing required field "label"');
    expect(r.stderr).toContain('1 problem in the configuration.');
  });

  it('suggests the vendor meant, in one message', () => {
    const r = validate('version: 1\naccounts:\n  nerds:\n    vendor: Thalamus\n    token: t\n    status_variants: []\n');
    expect(r.stderr.trim().split('\n')).toEqual([
      'statusform.yaml:4:13: accounts.nerds: unknown vendor "Thalamus": ' +
        'did you mean `thalamus`? (known: thalamus, propertydeck, timetap, serieshr, spacebring, zendesk)',
      '1 problem in the configuration.',
    ]);
  });

  it("names the vendor's own word for the list", () => {
    const r = validate('version: 1\naccounts:\n  nerds:\n    vendor: thalamus\n    token: t\n    statuses: []\n');
    expect(r.stderr.trim().split('\n')).toEqual([
      'statusform.yaml:6:5: accounts.nerds: Thalamus calls this list `status_variants`, not `statuses`',
      '1 problem in the configuration.',
    ]);
  });

  it('puts a wrong category at its maps_to, with the category meant', () => {
    const r = validate(
      'version: 1\naccounts:\n  estate:\n    vendor: propertydeck\n    token: t\n    base_url: https://pd.example\n' +
        '    statuses:\n      - label: A\n        type: contact\n        maps_to: opne\n',
    );
    expect(r.stderr).toContain(
      'statusform.yaml:10:18: estate.statuses["contact:A"]: unknown category "opne" (categories: ' +
        'new, open, pending, hold, solved, closed): did you mean `open`?',
    );
  });

  it('says one thing per mis-indented line', () => {
    const r = validate(
      'version: 1\naccounts:\n  estate:\n    vendor: propertydeck\n    token: t\n' +
        '    statuses:\n      - label: A\n       type: contact\n        maps_to: open\n',
    );
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^statusform\.yaml:8:8: this line's indentation does not fit the lines above it/);
  });

  it('asks for the sandbox export lines when every sandbox variable is missing, and not otherwise', () => {
    const dir = tempDir();
    cpSync(new URL('../../examples/quickstart', import.meta.url).pathname, dir, { recursive: true });
    // plan needs every variable (validate needs no credential, so it does not stop there).
    const none = run(['plan'], dir);
    expect(none.stderr).toContain('paste the `export` lines it prints');
    expect(none.stderr).toContain('statusform sandbox');
    const some = run(['plan'], dir, { THALAMUS_URL: 'https://t.example' });
    expect(some.stderr).not.toContain('statusform sandbox');
  });

  it('lists exactly the variables the sandbox prints', () => {
    const sim = new Proxy({}, { get: () => 'x' });
    const names = Object.values(registry).flatMap((e) => Object.keys(e.sandbox.env(sim as never)));
    expect([...names].sort()).toEqual([...SANDBOX_VARIABLES].sort());
  });

  it('runs mappings without credentials: it makes no request', () => {
    const dir = tempDir();
    cpSync(new URL('../../examples/all-vendors', import.meta.url).pathname, dir, { recursive: true });
    const r = run(['mappings'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^category +/);
    expect(run(['mappings', '-c', join(dir, 'nope.yaml')], dir).code).toBe(1);
  });
});
