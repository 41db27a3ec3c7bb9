// Issue 11, item 9: `npm pack` makes a tarball that installs (globally into a prefix, and into a
// project) and runs from any directory. Needs the npm registry (or npm's cache) for the runtime
// dependencies; about 5–20 s.

import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, tree } from '../helpers.js';

const root = new URL('../../', import.meta.url).pathname;
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });

describe('the npm package', () => {
  it('packs dist/, bin/ and schemas/, installs from the tarball and runs from another directory', { timeout: 180_000 }, () => {
    const out = tempDir('statusform-pack-');
    // dist/ is built by `npm test` before the tests (and by `prepare` on a real pack).
    npm(['pack', '--ignore-scripts', '--pack-destination', out], root);
    const tarball = readdirSync(out).find((f) => /^statusform-.*\.tgz$/.test(f));
    expect(tarball).toBeDefined();
    const listing = execFileSync('tar', ['tzf', join(out, tarball!)], { encoding: 'utf8' }).split('\n');
    for (const f of [
      'package/bin/statusform.js',
      'package/dist/cli/main.js',
      'package/schemas/statusform.schema.json',
      'package/schemas/plan.schema.json',
      'package/README.md',
    ])
      expect(listing).toContain(f);
    expect(listing.some((f) => f.startsWith('package/src/') || f.startsWith('package/test/'))).toBe(false);

    // Globally, into a prefix of its own.
    const prefix = join(out, 'prefix');
    npm(['install', '-g', '--prefix', prefix, join(out, tarball!)], out);
    const elsewhere = tree({
      'statusform.yaml':
        'version: 1\naccounts:\n' +
        '  estate: { vendor: propertydeck, base_url: "https://pd.example", token: t, ' +
        'statuses: [{ label: A, type: contact, maps_to: open }] }\n',
    });
    const env = { PATH: `${join(prefix, 'bin')}:${process.env['PATH'] ?? ''}` };
    const version = spawnSync(join(prefix, 'bin', 'statusform'), ['--version'], { cwd: elsewhere, env, encoding: 'utf8' });
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const valid = spawnSync('statusform', ['validate'], { cwd: elsewhere, env, encoding: 'utf8' });
    expect(valid.status, valid.stderr).toBe(0);
    expect(valid.stdout).toContain('The configuration is valid: 1 account, 1 item.');
    expect(spawnSync('statusform', ['plan', '--help'], { cwd: elsewhere, env, encoding: 'utf8' }).stdout).toContain(
      'Usage: statusform plan',
    );

    // Into a project, as a dependency.
    const project = tempDir('statusform-project-');
    writeFileSync(join(project, 'package.json'), '{ "name": "infra", "private": true }\n');
    npm(['install', join(out, tarball!)], project);
    const local = spawnSync(join(project, 'node_modules', '.bin', 'statusform'), ['validate'], { cwd: elsewhere, encoding: 'utf8' });
    expect(local.status, local.stderr).toBe(0);
  });
});
