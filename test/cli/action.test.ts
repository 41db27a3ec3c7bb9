// The composite action (action.yml), run step by step with bash as GitHub's runner runs it
// (action-runner.ts): the pin it accepts, the release package it installs (the real npm, a stand-in
// gh), the cache, and the command it runs — this checkout's CLI against the simulators.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMANDS } from '../../src/cli/command-table.js';
import { sandboxEnv } from '../../src/sandbox/demo-data.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { tempDir } from '../helpers.js';
import { action, cacheOf, fakeGh, installedStatusform, recordingNpm, runAction, textOf, type RunOptions } from './action-runner.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const SHA = 'c0ffee'.padEnd(40, '0');
const realNpm = spawnSync('bash', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim();
const step = (name: string) => action.runs.steps.find((s) => s.name === name)!;

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

/**
 * A package named statusform whose every install script records that it ran (and the environment
 * it ran with) in `markers`; its bin runs this checkout's CLI.
 */
function scriptedPackage(version: string, markers: string): string {
  const dir = tempDir('statusform-package-');
  const record = (event: string) => `node -e "require('fs').writeFileSync('${markers}/${event}', JSON.stringify(process.env))"`;
  const bin = pathToFileURL(new URL('../../bin/statusform.js', import.meta.url).pathname).href;
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'statusform.js'), `#!/usr/bin/env node\nawait import(${JSON.stringify(bin)});\n`);
  const scripts = Object.fromEntries(['preinstall', 'install', 'postinstall'].map((e) => [e, record(e)]));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'statusform', version, type: 'module', bin: { statusform: 'bin/statusform.js' }, scripts }),
  );
  const r = spawnSync(realNpm, ['pack', '--ignore-scripts', '--loglevel=error'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return join(dir, r.stdout.trim());
}

/** A release of acme/statusform: its package as the release asset, and the commit its tag points at. */
function release(releases: string, tag: string, tarball: string, commit = SHA): void {
  mkdirSync(join(releases, tag), { recursive: true });
  writeFileSync(join(releases, tag, `statusform-${tag.slice(1)}.tgz`), readFileSync(tarball));
  writeFileSync(join(releases, tag, 'commit'), `${commit}\n`);
}

interface World {
  root: string;
  runner: string;
  log: string;
  releases: string;
  markers: string;
  run: (uses: string, more?: Partial<RunOptions>) => ReturnType<typeof runAction>;
}

/** A job's world: tools on PATH (a recording npm, a stand-in gh), a workspace, the runner's folder. */
function world(): World {
  const root = tempDir('statusform-action-');
  const [tools, log, releases, markers, runner, workspace] = ['tools', 'log', 'releases', 'markers', 'runner', 'workspace'].map((d) => {
    mkdirSync(join(root, d));
    return join(root, d);
  }) as [string, string, string, string, string, string];
  fakeGh(tools, releases, log);
  recordingNpm(tools, log, realNpm);
  const env = { PATH: `${tools}:${process.env['PATH']}`, HOME: process.env['HOME'] ?? root };
  return {
    root,
    runner,
    log,
    releases,
    markers,
    run: (uses, more = {}) => runAction({ uses, env, cwd: workspace, runner, ...more }),
  };
}

describe('the pin', () => {
  it.each([
    ['a moving major tag', 'v0'],
    ['a moving minor tag', 'v0.1'],
    ['a branch', 'main'],
    ['a short commit SHA', SHA.slice(0, 12)],
    ['a SHA in capitals', SHA.toUpperCase()],
    ['a tag with shell in it', 'v1.2.3;ls'],
  ])('refuses %s, naming the forms it takes, before anything is downloaded', async (_what, ref) => {
    const w = world();
    const r = await w.run(`acme/statusform@${ref}`);
    expect(r.ok).toBe(false);
    expect(r.failed?.name).toBe('Check the pin');
    expect(r.stdout).toContain(`::error title=statusform::uses: acme/statusform@${ref.replace(';', '?')} does not pin statusform`);
    expect(r.stdout).toContain(
      'Pin an exact release (uses: acme/statusform@v1.2.3) or its full commit SHA (uses: acme/statusform@<40 hex digits>).',
    );
    expect(textOf(join(w.log, 'gh.calls')) + textOf(join(w.log, 'npm.argv'))).toBe('');
  });

  it('takes an exact release, a prerelease or a full commit SHA; the ref is read from where the runner keeps the action when GitHub leaves github.action_ref empty', async () => {
    for (const ref of ['v0.1.0', 'v12.0.3-rc.1', SHA]) {
      for (const actionContext of ['given', 'empty'] as const) {
        const w = world();
        const r = await w.run(`acme/statusform@${ref}`, { actionContext });
        expect(r.steps[0]!.status, r.steps[0]!.stdout).toBe(0);
        expect(r.steps[0]!.outputs).toEqual({ ref, repository: 'acme/statusform', dir: join(w.runner, 'temp', `statusform-${ref}`) });
      }
    }
  });
});

describe('the install', () => {
  let tarball: string;
  let markers: string;
  beforeAll(() => {
    markers = tempDir('statusform-markers-');
    tarball = scriptedPackage(VERSION, markers);
  });

  it("the fixture's install scripts do run when npm is not told --ignore-scripts (so their absence below means something)", () => {
    const prefix = tempDir('statusform-prefix-');
    const r = spawnSync(realNpm, ['install', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(markers).sort()).toEqual(['install', 'postinstall', 'preinstall']);
    rmSync(markers, { recursive: true });
    mkdirSync(markers);
  });

  it("installs the release's package from the pinned tag: offline, no install script, no vendor secret in its environment; then from the cache", async () => {
    const w = world();
    release(w.releases, `v${VERSION}`, tarball);
    const uses = `acme/statusform@v${VERSION}`;
    const secret = 'vendor-secret-1f0a';
    const dir = join(w.runner, 'temp', `statusform-v${VERSION}`);
    const r = await w.run(uses, { with: { env: `THALAMUS_TOKEN=${secret}` } });
    expect(r.ok, r.failed?.stderr).toBe(true);
    const [download] = textOf(join(w.log, 'gh.calls')).trim().split('\n');
    expect(download).toMatch(
      new RegExp(
        `^release download v${VERSION} --repo acme/statusform --pattern statusform-${VERSION}\\.tgz --dir ${w.runner}/temp/statusform-download\\.\\w+$`,
      ),
    );
    const downloaded = `${download!.split(' --dir ')[1]}/statusform-${VERSION}.tgz`;
    expect(textOf(join(w.log, 'npm.argv')).trim().split('\n')).toEqual([
      'install',
      '--offline',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--prefix',
      dir,
      downloaded,
    ]);
    expect(readdirSync(markers)).toEqual([]);
    // The vendor secret went to the env input: no step before the command's has it, and gh and npm never saw it.
    for (const s of r.steps.filter((s) => !s.skipped)) expect(JSON.stringify(s.env), s.name).not.toContain(secret);
    expect(textOf(join(w.log, 'gh.env')) + textOf(join(w.log, 'npm.env'))).not.toContain(secret);
    expect(r.steps.find((s) => s.name === "Install statusform (the release's prebuilt package)")!.env['GH_TOKEN']).toBe(
      'github-token-of-the-run',
    );
    // No command: installed and on PATH, nothing run.
    expect(r.steps.find((s) => s.name === 'Run statusform')!.skipped).toBe(true);
    expect(r.path).toEqual([join(dir, 'node_modules', '.bin')]);
    const version = spawnSync(join(r.path[0]!, 'statusform'), ['--version'], { encoding: 'utf8' });
    expect(version.stdout.trim()).toBe(VERSION);
    expect(readdirSync(cacheOf(w.runner))).toEqual([`statusform-v${VERSION}-Linux`]);

    // The next job (a new temp folder) restores it from the cache: no download, no npm.
    rmSync(join(w.runner, 'temp'), { recursive: true });
    rmSync(join(w.log, 'gh.calls'));
    rmSync(join(w.log, 'npm.argv'));
    const again = await w.run(uses);
    expect(again.ok, again.failed?.stdout).toBe(true);
    expect(again.steps.find((s) => s.name.startsWith('Install'))!.skipped).toBe(true);
    expect(textOf(join(w.log, 'gh.calls')) + textOf(join(w.log, 'npm.argv'))).toBe('');
    expect(spawnSync(join(again.path[0]!, 'statusform'), ['--version'], { encoding: 'utf8' }).stdout.trim()).toBe(VERSION);
  });

  it("installs a commit SHA pin from the release whose tag points at that commit, and refuses a commit that is not a release's", async () => {
    const w = world();
    release(w.releases, `v${VERSION}`, tarball, SHA);
    const r = await w.run(`acme/statusform@${SHA}`);
    expect(r.ok, r.failed?.stdout).toBe(true);
    expect(textOf(join(w.log, 'gh.calls')).split('\n')[0]).toBe(`api repos/acme/statusform/commits/v${VERSION} --jq .sha`);
    expect(readdirSync(cacheOf(w.runner))).toEqual([`statusform-${SHA}-Linux`]);

    const other = 'f'.repeat(40);
    const refused = await world().run(`acme/statusform@${other}`);
    expect(refused.failed?.name).toBe("Install statusform (the release's prebuilt package)");
    expect(refused.stdout).toContain(
      `::error title=statusform::commit ${other} is not the commit of release v${VERSION} (not found): pin a release tag, or the commit it points at`,
    );
  });

  it('refuses a release whose package is another version than its tag', async () => {
    const w = world();
    release(w.releases, 'v9.9.9', tarball);
    const r = await w.run('acme/statusform@v9.9.9');
    expect(r.ok).toBe(false);
    expect(r.stdout).toContain(`::error title=statusform::the package of release v9.9.9 is statusform ${VERSION}, not 9.9.9`);
    expect(existsSync(cacheOf(w.runner))).toBe(false); // nothing cached
  });
});

describe('the command', () => {
  /** A world whose statusform is in the cache already: this checkout's CLI, recording its argv. */
  const ready = () => {
    const w = world();
    installedStatusform(join(cacheOf(w.runner), `statusform-v${VERSION}-Linux`), VERSION, join(w.log, 'statusform.argv'));
    const workspace = join(w.root, 'workspace');
    const argv = () => textOf(join(w.log, 'statusform.argv')).split('\n').slice(0, -1);
    const run = (inputs: Record<string, string>) => w.run(`acme/statusform@v${VERSION}`, { with: inputs });
    return { w, workspace, argv, run };
  };

  const config =
    'version: 1\naccounts:\n  estate:\n    vendor: propertydeck\n    base_url: ${PROPERTYDECK_URL}\n    token: ${PROPERTYDECK_TOKEN}\n' +
    '    statuses:\n      - { label: Hot Lead, type: contact, maps_to: open }\n      - { label: Warm Lead, type: contact, maps_to: open }\n';
  const target = 'estate.statuses["contact:Warm Lead"]';

  it("plan: a target with spaces and quotes arrives as one argument; the CLI's own default config; secrets from the env input; outputs for the workflow", async () => {
    sandbox = await startSandbox({ rateLimits: { propertydeck: false } });
    const { w, workspace, argv, run } = ready();
    writeFileSync(join(workspace, 'statusform.yaml'), config);
    const { PROPERTYDECK_URL: url, PROPERTYDECK_TOKEN: token } = sandboxEnv(sandbox.simulators);
    const env = `PROPERTYDECK_URL=${url}\n# the token, for statusform alone\nPROPERTYDECK_TOKEN=${token}\n`;
    const r = await run({ command: 'plan', args: `--target\n${target}\n`, env });
    expect(r.ok, r.failed?.stderr).toBe(true);
    const planFile = r.outputs['plan-file']!;
    expect(planFile).toMatch(new RegExp(`^${w.runner}/temp/statusform-plan\\.\\w+/plan\\.json$`));
    expect(argv()).toEqual(['plan', '--target', target, '--out', planFile]);
    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as { actions: { address: string }[]; summary: Record<string, number> };
    expect(plan.actions.map((a) => a.address)).toEqual([target]);
    expect(r.outputs).toEqual({ 'exit-code': '0', 'has-changes': 'true', 'plan-file': planFile, summary: JSON.stringify(plan.summary) });
    expect(JSON.parse(r.outputs['summary']!)).toMatchObject({ create: 1, update: 0, accounts: 1, errored_accounts: 0 });
    // The token reached the step that runs statusform, and no other.
    for (const s of r.steps.filter((s) => s.name !== 'Run statusform')) expect(JSON.stringify(s.env), s.name).not.toContain(token);

    // --detailed-exitcode, and a plan file of the user's own (--out=FILE): exit 2, the step fails, the outputs are there.
    const detailed = await run({ command: 'plan', args: '--detailed-exitcode\n--out=mine.json', env });
    expect(detailed.ok).toBe(false);
    expect(argv()).toEqual(['plan', '--detailed-exitcode', '--out=mine.json']);
    expect(detailed.outputs).toMatchObject({ 'exit-code': '2', 'has-changes': 'true', 'plan-file': 'mine.json' });
    expect(JSON.parse(detailed.outputs['summary']!)).toMatchObject({ create: 2 });
  });

  it('show and other commands that read no configuration never get -c (a warning says so); those that do get the config input', async () => {
    const { workspace, argv, run } = ready();
    // Thalamus has no read API: its plan reads the state file alone, no vendor.
    mkdirSync(join(workspace, 'statusform'));
    writeFileSync(
      join(workspace, 'statusform', 'statusform.yaml'),
      'version: 1\naccounts:\n  nerds:\n    vendor: thalamus\n    token: t\n    status_variants:\n      - { id: a, label: A, maps_to: open }\n',
    );
    const valid = await run({ command: 'validate', config: 'statusform' });
    expect(valid.ok, valid.failed?.stderr).toBe(true);
    expect(argv()).toEqual(['validate', '-c', 'statusform']);
    const list = await run({ command: 'state list', config: 'statusform' });
    expect(list.ok, list.failed?.stderr).toBe(true);
    expect(argv()).toEqual(['state', 'list', '-c', 'statusform']);

    const version = await run({ command: 'version', config: 'statusform' });
    expect(version.ok).toBe(true);
    expect(argv()).toEqual(['version']);
    expect(version.stdout).toContain(
      '::warning title=statusform::statusform version reads no configuration: the config input is not passed',
    );

    // A saved plan, shown: exit 0; with --detailed-exitcode, 2 and has-changes.
    const planned = await run({ command: 'plan', config: 'statusform', args: '--out\nplan.json' });
    expect(planned.outputs).toMatchObject({ 'exit-code': '0', 'has-changes': 'true', 'plan-file': 'plan.json' });
    const shown = await run({ command: 'show', config: 'statusform', args: 'plan.json' });
    expect(shown.ok, shown.failed?.stderr).toBe(true);
    expect(argv()).toEqual(['show', 'plan.json']);
    expect(shown.stdout).toContain('::warning title=statusform::statusform show reads no configuration');
    expect(shown.stdout).toContain('+ nerds.status_variants["a"]');
    expect(shown.outputs).toEqual({ 'exit-code': '0', 'has-changes': '', 'plan-file': '', summary: '' });
    const detailed = await run({ command: 'show', args: 'plan.json\n--detailed-exitcode' });
    expect(detailed.outputs).toEqual({ 'exit-code': '2', 'has-changes': 'true', 'plan-file': '', summary: '' });
  });

  it('refuses args in the old one-line form and env lines that are not NAME=value, without running statusform or showing a value', async () => {
    const { argv, run } = ready();
    const old = await run({ command: 'plan', args: '--shard 1/2 --detailed-exitcode' });
    expect(old.ok).toBe(false);
    expect(old.stdout).toContain(
      '::error title=statusform::args takes one argument per line: put --shard and its value on lines of their own (or write --shard=VALUE)',
    );
    const env = await run({ command: 'validate', env: 'GOOD=1\nthe-secret-value\n' });
    expect(env.ok).toBe(false);
    expect(env.stdout).toContain('::error title=statusform::line 2 of the env input is not NAME=value');
    expect(env.stdout).not.toContain('the-secret-value');
    expect(argv()).toEqual([]);
  });
});

describe('action.yml', () => {
  it('has the inputs command, config, args, env and token; config defaults to nothing, so the CLI applies its own default', async () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs)).toEqual(['command', 'config', 'args', 'env', 'token']);
    expect(action.inputs['config']!.default).toBe('');
    expect(action.inputs['token']!.default).toBe('${{ github.token }}');
    const { DEFAULT_CONFIG } = await import('../../src/cli/context.js');
    expect(action.inputs['config']!.description).toContain(DEFAULT_CONFIG);
    expect(Object.keys(action.outputs)).toEqual(['exit-code', 'has-changes', 'plan-file', 'summary']);
  });

  it('passes -c to exactly the commands whose flags include --config in the command table', () => {
    const listed = step('Run statusform').env!['CONFIG_COMMANDS']!.split('|').sort();
    expect(listed).toEqual(
      COMMANDS.filter((c) => c.flags.includes('config'))
        .map((c) => c.name)
        .sort(),
    );
  });

  it('gives the env input and the token each to one step only, and uses other actions by full commit SHA', () => {
    for (const s of action.runs.steps) {
      const env = JSON.stringify(s.env ?? {});
      expect(env.includes('inputs.env'), s.name).toBe(s.name === 'Run statusform');
      expect(env.includes('inputs.token'), s.name).toBe(s.name.startsWith('Install'));
      expect(env, s.name).not.toContain('secrets.');
      if (s.uses) expect(s.uses, s.name).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
    }
  });
});

describe('the release workflow', () => {
  const workflow = parse(readFileSync(new URL('../../.github/workflows/release.yml', import.meta.url), 'utf8')) as {
    on: { push: { tags: string[] } };
    permissions: Record<string, string>;
    jobs: { release: { steps: { name?: string; uses?: string; run?: string; env?: Record<string, string> }[] } };
  };
  const steps = workflow.jobs.release.steps;

  it('on a pushed tag v…: the tests, then the release package (.ci/pack-release) attached to the release, never replacing an asset', () => {
    expect(workflow.on).toEqual({ push: { tags: ['v*'] } });
    expect(workflow.permissions).toEqual({ contents: 'write' });
    const runs = steps.map((s) => s.run ?? s.uses ?? '');
    const at = (text: string) => runs.findIndex((r) => r.includes(text));
    expect(at('.ci/run')).toBeGreaterThan(at('package.json'));
    expect(at('.ci/pack-release')).toBeGreaterThan(at('.ci/run'));
    expect(at('gh release')).toBeGreaterThan(at('.ci/pack-release'));
    expect(runs.join('\n')).not.toContain('--clobber');
    for (const s of steps.filter((s) => s.uses)) expect(s.uses).toMatch(/@[0-9a-f]{40}$/);
  });

  it("refuses a tag that is not v and package.json's version", () => {
    const check = steps.find((s) => s.name === "The tag names the package's version")!.run!;
    const root = new URL('../../', import.meta.url).pathname;
    const run = (tag: string) =>
      spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', check], {
        cwd: root,
        env: { ...process.env, TAG: tag },
        encoding: 'utf8',
      });
    expect(run(`v${VERSION}`).status).toBe(0);
    for (const tag of ['v0', `${VERSION}`, 'v9.9.9']) {
      const r = run(tag);
      expect(r.status, tag).toBe(1);
      expect(r.stdout).toContain(`::error title=release::the tag ${tag} is not v${VERSION}`);
    }
  });
});
