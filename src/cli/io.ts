// The streams and environment a command runs with: injected, so tests run commands in-process.

import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { scrubKnown } from '../http/redact.js';
import { inertOutput, type OutputOptions } from '../inert.js';
import type { Readable, Writable } from 'node:stream';
import { colorsFor, type Colors } from '../render/style.js';
import type { InterruptSignal } from '../errors.js';

export type OutStream = Writable & { isTTY?: boolean; columns?: number };

export interface Io {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: OutStream;
  stderr: OutStream;
  stdin: Readable & { isTTY?: boolean };
  /** Subscribes to SIGINT/SIGTERM, replacing their default (death); returns the unsubscribe. Absent in-process in tests. */
  onSignal?: (listener: (signal: InterruptSignal) => void) => () => void;
  /** Ends the process at once (a second interrupt). */
  exit?: (code: number) => void;
}

/**
 * A reader that closed its end (`statusform state list | head -1`) is no error: what is left to
 * print is dropped and the command ends as it would have (an apply still saves its state and
 * releases its lock), with its own exit code, and without a stack trace.
 */
function ignoreClosedPipe(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EPIPE') throw err;
}

export function processIo(): Io {
  process.stdout.on('error', ignoreClosedPipe);
  process.stderr.on('error', ignoreClosedPipe);
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    onSignal: (listener) => {
      const onInt = () => listener('SIGINT');
      const onTerm = () => listener('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
      return () => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
      };
    },
    exit: (code) => process.exit(code),
  };
}

export function colors(io: Io): Colors {
  return colorsFor(io.stdout, io.env);
}

/** Spinners only on a real terminal with a width, and never in CI (ora hangs on 0 columns and animates oddly in CI logs). */
function spinnerAllowed(io: Io): boolean {
  const s = io.stderr;
  return s.isTTY === true && (s.columns ?? 0) > 0 && !io.env['CI'];
}

export interface Progress {
  update(text: string): void;
  /** Prints a line on stderr without tearing the spinner (retries, long waits). */
  say(line: string): void;
  stop(): void;
}

/** A spinner on stderr where allowed; otherwise nothing (CI gets plain lines from the commands). */
export async function progress(io: Io, text: string): Promise<Progress> {
  if (!spinnerAllowed(io)) return { update: () => undefined, say: (line) => write(io.stderr, scrubKnown(line)), stop: () => undefined };
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream: io.stderr, discardStdin: false }).start();
  return {
    update: (t) => {
      spinner.text = t;
    },
    say: (line) => {
      spinner.clear();
      write(io.stderr, scrubKnown(line));
      spinner.render();
    },
    stop: () => {
      spinner.stop();
    },
  };
}

/** Asks on the terminal; only the exact answer "yes" confirms (like Terraform). */
export async function confirm(io: Io, question: string, stop?: AbortSignal): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stdout, terminal: false });
  // An interrupt at the prompt is a no as well (the caller then says it was interrupted).
  const onStop = () => rl.close();
  stop?.addEventListener('abort', onStop, { once: true });
  try {
    // End of input (Ctrl-D) is a no: without this the question would never settle.
    const closed = new Promise<string>((resolve) => rl.once('close', () => resolve('')));
    if (stop?.aborted) return false;
    const answer = await Promise.race([rl.question(`${question}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `), closed]);
    return answer.trim() === 'yes';
  } finally {
    stop?.removeEventListener('abort', onStop);
    rl.close();
  }
}

/** Appends markdown to $GITHUB_STEP_SUMMARY when running in GitHub Actions (given as a function, it is rendered only then). */
export function appendStepSummary(io: Io, markdown: string | (() => string)): void {
  const path = io.env['GITHUB_STEP_SUMMARY'];
  if (io.env['GITHUB_ACTIONS'] !== 'true' || !path) return;
  const text = typeof markdown === 'string' ? markdown : markdown();
  appendFileSync(path, `${inertOutput(scrubKnown(text))}\n`);
}

/**
 * Writes a line to a stream, never a secret (live data a vendor sends back may hold one: a token
 * pasted into a description), and never a live workflow command or terminal escape (inert.ts).
 * `workflowCommand` is for statusform's own annotations alone. Nothing is written once the
 * reader has gone (a closed pipe).
 */
export function write(stream: OutStream, text: string, opts: OutputOptions = {}): void {
  if (stream.destroyed) return;
  const line = inertOutput(scrubKnown(text), opts);
  stream.write(line.endsWith('\n') ? line : `${line}\n`);
}
