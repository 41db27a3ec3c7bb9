// Shared test helpers: temporary config trees and in-process CLI runs with captured output.
// Every JSON plan a CLI run produces (stdout of `plan --format json`, the file of `plan --out`)
// is checked against the published schemas/plan.schema.json, so no test can forget to.

import { mkdtempSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { parseArgs } from 'node:util';
import { Ajv, type ValidateFunction } from 'ajv';
import type { Io } from '../src/cli/io.js';
import type { Clock } from '../src/http/pacer.js';

export function tempDir(prefix = 'statusform-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes files (path → text) under a new temporary directory and returns it. */
export function tree(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [path, text] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return dir;
}

let planValidator: ValidateFunction | undefined;

/** The published plan schema, compiled as strictly as ajv can (strict mode, every error). */
export function planSchemaValidator(): ValidateFunction {
  if (!planValidator) {
    const schema = JSON.parse(readFileSync(new URL('../schemas/plan.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    planValidator = new Ajv({ strict: true, allErrors: true }).compile(schema);
  }
  return planValidator;
}

/** Throws, naming `where` and every problem, unless `text` is a JSON plan that matches schemas/plan.schema.json. */
export function expectWirePlan(text: string, where: string): unknown {
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch (err) {
    throw new Error(`${where} is not JSON: ${(err as Error).message}\n${text.slice(0, 200)}`);
  }
  const validate = planSchemaValidator();
  if (!validate(plan)) {
    const problems = (validate.errors ?? []).map((e) => `  ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    throw new Error(`${where} does not match schemas/plan.schema.json:\n${problems.join('\n')}`);
  }
  return plan;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The plan command's output flags in `args`, if it is a plan command. */
function planOutputs(args: string[]): { json: boolean; out?: string } | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: false,
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        account: { type: 'string', multiple: true },
        out: { type: 'string' },
        format: { type: 'string' },
        'max-wait': { type: 'string' },
      },
    });
  } catch {
    return undefined;
  }
  if (parsed.positionals[0] !== 'plan') return undefined;
  const out = parsed.values.out;
  return { json: parsed.values.format === 'json', ...(typeof out === 'string' ? { out } : {}) };
}

/** The content of a regular file at `path` (links followed), if there is one. */
function fileAt(path: string | undefined): Buffer | undefined {
  if (path === undefined) return undefined;
  try {
    return statSync(path).isFile() ? readFileSync(path) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the CLI in-process, as a user would from `cwd`, with `env` as the whole environment. */
export async function cli(
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; stdinTTY?: boolean; input?: string },
): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = Object.assign(new PassThrough(), { isTTY: opts.stdinTTY ?? false });
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  if (opts.input !== undefined) stdin.end(opts.input);
  const io: Io = { cwd: opts.cwd, env: opts.env ?? {}, stdout, stderr, stdin };
  const plan = planOutputs(args);
  const outFile = plan?.out === undefined ? undefined : resolve(opts.cwd, plan.out);
  const outBefore = fileAt(outFile);
  const { main } = await import('../src/cli/main.js');
  const code = await main(args, io);
  // A JSON plan on stdout, and a plan file this run wrote, must match the published schema.
  if (plan?.json && out !== '') expectWirePlan(out, `the stdout of statusform ${args.join(' ')}`);
  const outAfter = fileAt(outFile);
  if (outAfter !== undefined && (outBefore === undefined || !outAfter.equals(outBefore)))
    expectWirePlan(outAfter.toString('utf8'), `the --out file of statusform ${args.join(' ')}`);
  return { code, stdout: out, stderr: err };
}

/**
 * A clock whose sleeps take no real time: each moves its hands by the time asked, and is counted,
 * so a test asserts on what was waited instead of waiting it.
 */
export function fakeClock(start = 1_800_000_000_000): Clock & { sleeps: number[] } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += Math.max(0, ms);
    },
  };
}
