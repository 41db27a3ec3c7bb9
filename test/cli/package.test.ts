// Issue 11, item 9, and issue 18: the release package (.ci/pack-release, what the release workflow
// attaches to a tag's release) holds dist/, bin/ and schemas/ with the runtime dependencies bundled
// at the lockfile's versions; it installs offline (globally into a prefix, into a project, and by
// the composite action's own install step) and runs from any directory. Making it needs the npm
// registry (or npm's cache) once, for the dependencies; about 10–30 s.

import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, tree } from '../helpers.js';
import { fakeGh, recordingNpm, runAction, textOf } from './action-runner.js';
import { installGlobally, listing, npm, packRelease, quiet, root } from './release-package.js';

const lockfile = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version: string; dev?: boolean }>;
};

describe('the npm package', () => {
  it('packs dist/, bin/, schemas/ and the locked dependencies; installs offline and runs from another directory', {
    timeout: 240_000,
  }, async () => {
    const out = tempDir('statusform-pack-');
    // dist/ is built by `npm test` before the tests (and before the pack in the release workflow).
    const tarball = packRelease(out);
    expect(basename(tarball)).toMatch(/^statusform-\d+\.\d+\.\d+\.tgz$/);
    const files = listing(tarball);
    for (const f of [
      'package/bin/statusform.js',
      'package/dist/cli/main.js',
      'package/schemas/statusform.schema.json',
      'package/schemas/plan.schema.json',
      'package/README.md',
    ])
      expect(files).toContain(f);
    expect(files.some((f) => f.startsWith('package/src/') || f.startsWith('package/test/'))).toBe(false);
    // The schema generators and the bench are for the repository: scripts/ and bench/, never built into dist/.
    expect(files.filter((f) => /^package\/(scripts|bench|build|dist\/bench)\//.test(f))).toEqual([]);
    // Every runtime dependency of the lockfile, at its version, and no development one.
    const bundled = Object.entries(lockfile.packages).filter(([path]) => path.startsWith('node_modules/'));
    for (const [path, p] of bundled) expect(files.includes(`package/${path}/package.json`), path).toBe(!p.dev);
    const undici = execFileSync('tar', ['xzOf', tarball, 'package/node_modules/undici/package.json'], { encoding: 'utf8' });
    expect((JSON.parse(undici) as { version: string }).version).toBe(lockfile.packages['node_modules/undici']!.version);

    // Globally, into a prefix of its own.
    const prefix = join(out, 'prefix');
    installGlobally(tarball, prefix);
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
    npm(['install', tarball], project);
    const local = spawnSync(join(project, 'node_modules', '.bin', 'statusform'), ['validate'], { cwd: elsewhere, encoding: 'utf8' });
    expect(local.status, local.stderr).toBe(0);

    // By the composite action: the tarball as its tag's release asset, installed by the action's
    // own step (the real npm, recorded), then its command run with the CLI's default config.
    const runner = tempDir('statusform-runner-');
    const [tools, log, releases] = ['tools', 'log', 'releases'].map((d) => join(runner, d)) as [string, string, string];
    const tag = `v${lockfile.packages['']!.version}`;
    mkdirSync(join(releases, tag), { recursive: true });
    copyFileSync(tarball, join(releases, tag, basename(tarball)));
    fakeGh(tools, releases, log);
    recordingNpm(tools, log, spawnSync('bash', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim());
    const action = await runAction({
      uses: `acme/statusform@${tag}`,
      with: { command: 'validate' },
      env: { ...quiet, PATH: `${tools}:${process.env['PATH'] ?? ''}` },
      cwd: elsewhere,
      runner,
    });
    expect(action.ok, action.failed?.stdout + (action.failed?.stderr ?? '')).toBe(true);
    expect(textOf(join(log, 'npm.argv')).split('\n')).toEqual(expect.arrayContaining(['install', '--offline', '--ignore-scripts']));
    expect(action.stdout).toContain('The configuration is valid: 1 account, 1 item.');
  });
});
