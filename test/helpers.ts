// Shared test helpers: temporary config trees and in-process CLI runs with captured output.

import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Io } from '../src/cli/io.js';

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

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, as a user would from `cwd`, with `env` as the whole environment. */
export async function cli(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; stdinTTY?: boolean; input?: string }): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = Object.assign(new PassThrough(), { isTTY: opts.stdinTTY ?? false });
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  if (opts.input !== undefined) stdin.end(opts.input);
  const io: Io = { cwd: opts.cwd, env: opts.env ?? {}, stdout, stderr, stdin };
  const { main } = await import('../src/cli/main.js');
  const code = await main(args, io);
  return { code, stdout: out, stderr: err };
}
