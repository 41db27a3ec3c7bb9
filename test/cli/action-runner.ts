// Runs action.yml as GitHub's runner runs a composite action: each step in order, its `if:` and
// `${{ }}` expressions evaluated, its script run by `bash --noprofile --norc -eo pipefail`, what it
// writes to $GITHUB_OUTPUT read into steps.<id>.outputs and to $GITHUB_PATH put before PATH for the
// steps after it; the first failing step ends the action. actions/cache is played by a folder of
// saved keys (restored before, saved after a successful run). An expression outside the small
// subset evaluated here fails the test, so action.yml cannot drift into syntax no test ran.

import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface ActionStep {
  name: string;
  id?: string;
  if?: string;
  uses?: string;
  shell?: string;
  run?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}

export interface ActionFile {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export const action = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as ActionFile;

/** What one step did: skipped, or its exit status, output and the environment it ran with. */
export interface StepRun {
  name: string;
  skipped: boolean;
  status: number | null;
  stdout: string;
  stderr: string;
  env: NodeJS.ProcessEnv;
  outputs: Record<string, string>;
}

export interface ActionRun {
  ok: boolean;
  outputs: Record<string, string>;
  steps: StepRun[];
  /** The folders the action added to PATH for the job's later steps. */
  path: string[];
  /** The first step that failed, with its output. */
  failed?: StepRun;
  /** stdout of every step, in order. */
  stdout: string;
}

export interface RunOptions {
  /** The workflow step's `uses:` (owner/repo@ref): where the runner keeps the action, and github.action_*. */
  uses: string;
  with?: Record<string, string>;
  /** The job's environment (and the step's own `env:`): every step of a composite action gets it. */
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** A folder for the runner's own files: RUNNER_TEMP, the action's checkout, the cache. */
  runner: string;
  /** GitHub's github.action_ref/action_repository, which a composite action may get empty (actions/runner#2473). */
  actionContext?: 'given' | 'empty';
}

type Value = string | boolean;
type Context = Record<string, unknown>;

/** Evaluates an expression of the subset action.yml uses: paths, 'literals', ==, != and ||. */
function evaluate(expr: string, ctx: Context): Value {
  const text = expr.trim();
  const alternatives = text.split('||');
  if (alternatives.length > 1) {
    const values = alternatives.map((a) => evaluate(a, ctx));
    return values.find(truthy) ?? values.at(-1)!;
  }
  const comparison = /^(.+?)\s*(==|!=)\s*(.+)$/.exec(text);
  if (comparison) {
    // GitHub compares strings ignoring case.
    const same = String(evaluate(comparison[1]!, ctx)).toLowerCase() === String(evaluate(comparison[3]!, ctx)).toLowerCase();
    return comparison[2] === '==' ? same : !same;
  }
  const literal = /^'([^']*)'$/.exec(text);
  if (literal) return literal[1]!;
  if (/^[a-z_]+(\.[A-Za-z0-9_-]+)+$/.test(text)) {
    let at: unknown = ctx;
    for (const key of text.split('.')) at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined;
    return typeof at === 'string' ? at : '';
  }
  throw new Error(`action.yml uses an expression this test does not evaluate: ${text}`);
}

const truthy = (v: Value) => v !== '' && v !== false;

/** A string with its `${{ … }}` expressions replaced by their values. */
function expand(text: string, ctx: Context): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_all, expr: string) => String(evaluate(expr, ctx)));
}

function script(step: ActionStep): string {
  if (step.shell !== 'bash') throw new Error(`step "${step.name}" runs with ${step.shell}, not bash`);
  // GitHub writes an expression's value into the script itself: a value would run as code.
  if (step.run!.includes('${{')) throw new Error(`step "${step.name}" has an expression in its script: pass it through env:`);
  return step.run!;
}

function bash(run: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', run], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** name=value lines, as GitHub reads $GITHUB_OUTPUT (values on one line). */
function readOutputs(file: string): Record<string, string> {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  return Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/** Where the runner keeps an action it downloaded: _actions/OWNER/REPO/REF, with this repository's package.json. */
function checkout(runner: string, uses: string): string {
  const [repository, ref] = uses.split('@') as [string, string];
  const dir = join(runner, '_actions', repository, ref);
  mkdirSync(dir, { recursive: true });
  cpSync(new URL('../../package.json', import.meta.url), join(dir, 'package.json'));
  return dir;
}

/** The cache folder: one sub-folder per key, holding the cached path's files. */
export const cacheOf = (runner: string) => join(runner, 'cache');

export async function runAction(opts: RunOptions): Promise<ActionRun> {
  const [repository, ref] = opts.uses.split('@') as [string, string];
  const temp = join(opts.runner, 'temp');
  mkdirSync(temp, { recursive: true });
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, opts.with?.[name] ?? input.default ?? '']));
  const given = opts.actionContext !== 'empty';
  const ctx: Context = {
    inputs,
    github: { action_ref: given ? ref : '', action_repository: given ? repository : '', token: 'github-token-of-the-run' },
    runner: { temp, os: 'Linux' },
    steps: {} as Record<string, { outputs: Record<string, string> }>,
  };
  for (const [name, value] of Object.entries(inputs)) (ctx['inputs'] as Record<string, string>)[name] = expand(value, ctx);
  const actionPath = checkout(opts.runner, opts.uses);
  const added: string[] = [];
  const runs: StepRun[] = [];
  const saves: { key: string; path: string }[] = [];
  let failed: StepRun | undefined;
  for (const [i, step] of action.runs.steps.entries()) {
    const skipped = failed !== undefined || (step.if !== undefined && !truthy(evaluate(step.if, ctx)));
    const record: StepRun = { name: step.name, skipped, status: null, stdout: '', stderr: '', env: {}, outputs: {} };
    runs.push(record);
    if (skipped) continue;
    if (step.uses) {
      record.outputs = restoreCache(step, ctx, opts.runner, saves);
      record.status = 0;
    } else {
      const output = join(temp, `output-${i}`);
      const pathFile = join(temp, `path-${i}`);
      writeFileSync(output, '');
      writeFileSync(pathFile, '');
      const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v), ctx)]));
      record.env = {
        ...opts.env,
        PATH: [...added, opts.env['PATH'] ?? ''].join(':'),
        RUNNER_TEMP: temp,
        GITHUB_OUTPUT: output,
        GITHUB_PATH: pathFile,
        GITHUB_ACTION_PATH: actionPath,
        ...stepEnv,
      };
      Object.assign(record, await bash(script(step), opts.cwd, record.env));
      record.outputs = readOutputs(output);
      added.unshift(...readFileSync(pathFile, 'utf8').split('\n').filter(Boolean).reverse());
    }
    if (step.id) (ctx['steps'] as Record<string, unknown>)[step.id] = { outputs: record.outputs };
    if (record.status !== 0) failed = record;
  }
  // actions/cache saves in its post step, when the job succeeded and the key was missed.
  if (!failed) for (const s of saves) cpSync(s.path, join(cacheOf(opts.runner), s.key), { recursive: true, verbatimSymlinks: true });
  const outputs = Object.fromEntries(Object.entries(action.outputs).map(([name, o]) => [name, expand(o.value, ctx)]));
  return { ok: !failed, outputs, steps: runs, path: added, ...(failed ? { failed } : {}), stdout: runs.map((r) => r.stdout).join('') };
}

/** actions/cache's restore: the key's files put back at `path`, and cache-hit. */
function restoreCache(step: ActionStep, ctx: Context, runner: string, saves: { key: string; path: string }[]): Record<string, string> {
  if (!step.uses!.startsWith('actions/cache@')) throw new Error(`step "${step.name}" uses ${step.uses}, which this test does not play`);
  const key = expand(step.with!['key']!, ctx);
  const path = expand(step.with!['path']!, ctx);
  const saved = join(cacheOf(runner), key);
  if (existsSync(saved)) {
    cpSync(saved, path, { recursive: true, verbatimSymlinks: true });
    return { 'cache-hit': 'true' };
  }
  saves.push({ key, path });
  return { 'cache-hit': 'false' };
}

/**
 * An installed statusform at `dir` (as the install step leaves it), running this checkout's CLI:
 * what a test puts in the cache to run the action's command without installing. With `argv`, each
 * run writes its arguments there, one a line.
 */
export function installedStatusform(dir: string, version: string, argv?: string): void {
  const bin = new URL('../../bin/statusform.js', import.meta.url).pathname;
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  mkdirSync(join(dir, 'node_modules', 'statusform'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', 'statusform', 'package.json'), `{ "name": "statusform", "version": "${version}" }\n`);
  writeFileSync(
    join(dir, 'node_modules', '.bin', 'statusform'),
    `#!/bin/sh\n${argv ? `printf '%s\\n' "$@" > "${argv}"\n` : ''}exec "${process.execPath}" "${bin}" "$@"\n`,
  );
  chmodSync(join(dir, 'node_modules', '.bin', 'statusform'), 0o755);
}

/**
 * A stand-in gh on PATH, recording every call and its environment in `log`: `api …/commits/TAG`
 * answers the commit in releases/TAG/commit; `release download TAG … --dir D` copies the asset
 * from releases/TAG/ (as the real one, it fails when the tag or the asset is not there).
 */
export function fakeGh(tools: string, releases: string, log: string): void {
  mkdirSync(tools, { recursive: true });
  mkdirSync(log, { recursive: true });
  writeFileSync(
    join(tools, 'gh'),
    '#!/bin/sh\n' +
      `printf '%s\\n' "$*" >> "${log}/gh.calls"\n` +
      `env >> "${log}/gh.env"\n` +
      'case "$1 $2" in\n' +
      `  "api "*) cat "${releases}/\${2##*/}/commit" 2>/dev/null || { echo "gh: Not Found (HTTP 404)" >&2; exit 1; } ;;\n` +
      `  "release download") cp "${releases}/$3/$7" "$9/" 2>/dev/null || { echo "release not found" >&2; exit 1; } ;;\n` +
      '  *) echo "gh: not played by this test: $*" >&2; exit 1 ;;\n' +
      'esac\n',
  );
  chmodSync(join(tools, 'gh'), 0o755);
}

/** npm on PATH recording its arguments (one a line) and environment in `log`, then running the real npm. */
export function recordingNpm(tools: string, log: string, realNpm: string): void {
  mkdirSync(tools, { recursive: true });
  mkdirSync(log, { recursive: true });
  writeFileSync(
    join(tools, 'npm'),
    `#!/bin/sh\nprintf '%s\\n' "$@" > "${log}/npm.argv"\nenv >> "${log}/npm.env"\nexec "${realNpm}" "$@"\n`,
  );
  chmodSync(join(tools, 'npm'), 0o755);
}

/** A file's text, or '' when it was never written. */
export const textOf = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
