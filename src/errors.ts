// The typed errors users see. The CLI maps each type to an exit code in one place (cli/main.ts).

import { inertText } from './inert.js';

/** A position in a config file, 1-based like every editor. */
export interface Position {
  file: string;
  line: number;
  col: number;
}

export function formatPosition(p: Position): string {
  return `${p.file}:${p.line}:${p.col}`;
}

/**
 * The kinds of config problem that code acts on (every other problem is only reported, and has
 * no code). Match on the code, never on the message text.
 * - `E_ENV_UNSET`: a `${NAME}` names an environment variable that is not set.
 * - `E_ENV_REF`: a `${…}` that is not a valid reference.
 */
export type ConfigProblemCode = 'E_ENV_UNSET' | 'E_ENV_REF';

/** One problem found in the configuration; validation collects all of them before reporting. */
export interface ConfigProblem {
  position: Position;
  message: string;
  code?: ConfigProblemCode;
}

/** The configuration is invalid. Carries every problem found, each positioned. Exit 1. */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  /** What to do about all of them at once, printed after them. */
  readonly hint: string | undefined;
  constructor(problems: ConfigProblem[], hint?: string) {
    super(problems.map((p) => `${formatPosition(p.position)}: ${p.message}`).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
    this.hint = hint;
  }
}

/**
 * A vendor answered with an error that retrying will not fix (auth, validation, not found, …),
 * or retries ran out. The message is the vendor's own, scrubbed of secrets, and inert: on one
 * line, with its controls as visible escapes, wherever it is printed or logged. Exit 1.
 */
export class VendorError extends Error {
  readonly address: string;
  readonly status: number | undefined;
  readonly code: string;
  /** The message without the address, for places that already name it. */
  readonly reason: string;
  constructor(address: string, message: string, opts: { status?: number; code?: string } = {}) {
    const reason = inertText(message);
    super(`${inertText(address)}: ${reason}`);
    this.name = 'VendorError';
    this.address = address;
    this.reason = reason;
    this.status = opts.status;
    this.code = opts.code ?? (opts.status === undefined ? 'E_VENDOR' : `E_HTTP_${opts.status}`);
  }
}

/** The run stopped before any write: a safety guard, a held lock, a stale plan or a declined confirmation. Exit 3. */
export class RefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedError';
  }
}

/** Anything else the user did wrong on the command line or with files (missing file, bad flag). Exit 1. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const FILE_PROBLEMS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of its path is a file, not a directory',
  EISDIR: 'a directory is in its place',
  EMFILE: 'too many files are open',
  EBUSY: 'the file is busy',
};

/** What a Node file-system error means for the file, in words, with its code for searching. */
export function fileProblem(err: unknown): string {
  if (err instanceof StateBackendError) return err.reason;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && FILE_PROBLEMS[code]) return `${FILE_PROBLEMS[code]} (${code})`;
  return (err as Error | undefined)?.message ?? String(err);
}

/**
 * The state file could not be written during a run: what the vendors did after its last good
 * write is not recorded (the next plan reads them again). Exit 1.
 */
export class StateWriteError extends Error {
  readonly path: string;
  /** `path` names a state file, or a database (the PostgreSQL backend). */
  constructor(path: string, reason: string, where: 'file' | 'database' = 'file') {
    super(
      where === 'file'
        ? `the state file ${path} could not be written: ${reason}. Nothing more was started; ` +
            `what was done after its last good write is not recorded in it. Fix the file's place, ` +
            'then run statusform plan (it reads the vendors again)'
        : `the state in ${path} could not be written: ${reason}. Nothing more was started; ` +
            'what was done after its last good write is not recorded in it. Once the database answers again, ' +
            'run statusform plan (it reads the vendors again)',
    );
    this.name = 'StateWriteError';
    this.path = path;
  }
}

/**
 * The state's database could not be reached, answered with an error, or holds what this
 * statusform cannot read. `code` E_STATE_CONFLICT: a write lost a race (compare-and-swap on the
 * serial) and wrote nothing. Exit 1.
 */
export class StateBackendError extends Error {
  constructor(
    message: string,
    readonly code: 'E_STATE_DB' | 'E_STATE_CONFLICT' | 'E_STATE_SCHEMA' = 'E_STATE_DB',
    /** What went wrong without the database's name, for a message that names it already. */
    readonly reason = message,
  ) {
    super(message);
    this.name = 'StateBackendError';
  }
}

export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/** The run was interrupted (SIGINT/SIGTERM) and stopped cleanly: the state file says what was done. Exit 130/143. */
export class InterruptedError extends Error {
  readonly signal: InterruptSignal;
  constructor(signal: InterruptSignal, message: string) {
    super(message);
    this.name = 'InterruptedError';
    this.signal = signal;
  }
}
