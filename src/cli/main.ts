// argv → command. The one place that decides exit codes and where errors are printed.
// 0 success / no changes; 1 error; 2 plan --detailed-exitcode found changes; 3 refused before any write;
// 130/143 apply interrupted by SIGINT/SIGTERM (stopped cleanly, or at once on a second signal).

import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  ConfigError,
  InterruptedError,
  RefusedError,
  StateWriteError,
  StateBackendError,
  UsageError,
  VendorError,
  fileProblem,
  formatPosition,
} from '../errors.js';
import { scrubKnown } from '../http/redact.js';
import { inertLines, inertOutput, inertText, type OutputOptions } from '../inert.js';
import { colorsFor } from '../render/style.js';
import { didYouMean } from '../suggest.js';
import { EXIT_INTERRUPTED } from './command-families/plans.js';
import { COMMANDS, findCommand, unknownCommand } from './command-table.js';
import type { Io } from './io.js';
import type { Outcome } from './outcome.js';
import { FLAGS, GLOBAL_FLAGS, oneOf, version, type CommandSpec, type FlagSpec, type Invocation } from './spec.js';

// The command table (command-table.ts) says what each command takes and imports the command when run,
// so `--version` and `validate` do not load HTTP, spinners or the engine.

/** As io.ts's write (never a secret, a live workflow command or a terminal escape), without loading io.ts. */
function write(stream: Io['stdout'], text: string, opts: OutputOptions = {}): void {
  if (stream.destroyed) return;
  const safe = inertOutput(scrubKnown(text), opts);
  stream.write(safe.endsWith('\n') ? safe : `${safe}\n`);
}

const EXIT = { ok: 0, error: 1, changes: 2, refused: 3 } as const;

/** The exit code of each way a command can end without throwing. */
const OUTCOME_EXIT: Record<Outcome, number> = { done: EXIT.ok, changes: EXIT.changes, failed: EXIT.error, refused: EXIT.refused };

/** Runs one CLI invocation and returns its exit code. Never throws. */
export async function main(argv: string[], io: Io): Promise<number> {
  // --no-color holds for everything printed, errors included: it is a non-empty NO_COLOR.
  const end = argv.indexOf('--');
  if ((end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--no-color' || a === '-no-color'))
    io = { ...io, env: { ...io.env, NO_COLOR: '1' } };
  try {
    return OUTCOME_EXIT[await dispatch(argv, io)];
  } catch (err) {
    return await report(err, io);
  }
}

/** Terraform flags statusform has no twin for, and what to use instead. */
const TERRAFORM_HINTS: Record<string, string> = {
  var: 'statusform has no -var: the configuration reads ${VAR} from the environment',
  'var-file': 'statusform has no -var-file: the configuration reads ${VAR} from the environment',
  chdir: 'statusform has no -chdir: point at a configuration with -c PATH',
  input: 'statusform has no -input: apply asks only on a terminal; use --auto-approve',
  lock: 'statusform has no -lock: apply always locks; wait for another with --lock-timeout DURATION',
  destroy: 'statusform has no -destroy: remove statuses from the config (with prune: true)',
};

/** Terraform's single-dash long flags (`-auto-approve`, `-out=FILE`) work as their `--` forms. */
function terraformForms(argv: readonly string[]): string[] {
  const out: string[] = [];
  let rest = false;
  for (const arg of argv) {
    const m = /^-([a-z][a-z0-9-]+)(=[\s\S]*)?$/.exec(arg);
    const shortWithValue = m && Object.values(FLAGS).some((f: FlagSpec) => f.type === 'string' && f.short === m[1]![0]);
    if (rest || !m || (shortWithValue && !(m[1]! in FLAGS))) {
      if (arg === '--') rest = true;
      out.push(arg);
      continue;
    }
    const name = m[1]!;
    if (name in FLAGS) out.push(`--${name}${m[2] ?? ''}`);
    else if (TERRAFORM_HINTS[name]) throw new UsageError(TERRAFORM_HINTS[name]!);
    else throw new UsageError(`unknown option "${arg}"${didYouMean(name, Object.keys(FLAGS), '--')}`);
  }
  return out;
}

const parseOptions = Object.fromEntries(
  Object.entries(FLAGS).map(([name, f]: [string, FlagSpec]) => [
    name,
    { type: f.type, ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) },
  ]),
) as NonNullable<ParseArgsConfig['options']>;

function flagText(name: string): string {
  return name.length === 1 ? `-${name}` : `--${name}`;
}

const flagSpec = (name: string): FlagSpec | undefined => (FLAGS as Record<string, FlagSpec>)[name];

/** The command argv names, checked against the table, run. */
async function dispatch(argv: string[], io: Io): Promise<Outcome> {
  const { values, positionals, tokens } = parseArgv(argv);
  const found = findCommand(positionals);
  const cmd = found?.spec;
  const allowed = cmd ? [...cmd.flags, ...GLOBAL_FLAGS] : Object.keys(FLAGS);
  checkOptions(tokens, cmd, allowed);
  if (!cmd) return withoutCommand(positionals, values, io);
  if (values['version']) {
    write(io.stdout, version());
    return 'done';
  }
  if (values['help']) {
    write(io.stdout, (await import('./help.js')).commandHelp(cmd));
    return 'done';
  }
  checkFlags(cmd, values, allowed);
  const args = positionals.slice(found.words);
  checkArgs(cmd, args);
  return cmd.run(io, { values: values as Invocation['values'], args });
}

/** argv as flags (every flag of the table, checked against the command later), positionals and tokens. */
function parseArgv(argv: readonly string[]) {
  return parseArgs({ args: terraformForms(argv), options: parseOptions, allowPositionals: true, strict: false, tokens: true });
}

type ParsedArgs = ReturnType<typeof parseArgv>;

/** Every option given is a known flag, with a value when it takes one and none when it does not. */
function checkOptions(tokens: ParsedArgs['tokens'], cmd: CommandSpec | undefined, allowed: readonly string[]): void {
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const f = flagSpec(t.name);
    if (!f) {
      const help = cmd ? ` (statusform help ${cmd.name} lists its options)` : '';
      throw new UsageError(`unknown option "${t.rawName}"${didYouMean(t.name, allowed, '--') || help}`);
    }
    if (f.type === 'string' && (t.value === undefined || (!t.inlineValue && t.value.startsWith('-') && t.value !== '-'))) {
      throw new UsageError(`${t.rawName} needs a value (${f.choices ? f.choices.join('|') : (f.value ?? 'VALUE')})`);
    }
    if (f.type === 'boolean' && t.inlineValue) throw new UsageError(`${t.rawName} takes no value (got "${String(t.value)}")`);
  }
}

/** No command named: --version, --help, or a usage error listing the commands. */
async function withoutCommand(positionals: readonly string[], values: ParsedArgs['values'], io: Io): Promise<Outcome> {
  if (positionals.length > 0) throw unknownCommand(positionals[0]!);
  if (values['version']) {
    write(io.stdout, version());
    return 'done';
  }
  const { usage } = await import('./help.js');
  if (values['help']) {
    write(io.stdout, usage(COMMANDS));
    return 'done';
  }
  throw new UsageError(`a command is needed\n\n${usage(COMMANDS)}`);
}

/** The flags given are the command's, its required ones are there, and each value is among its choices. */
function checkFlags(cmd: CommandSpec, values: ParsedArgs['values'], allowed: readonly string[]): void {
  const misplaced = Object.keys(values).filter((k) => !allowed.includes(k));
  if (misplaced.length > 0) {
    const takers = COMMANDS.filter((c) => misplaced.every((m) => c.flags.includes(m))).map((c) => c.name);
    throw new UsageError(
      `${cmd.name} does not take ` +
        `${misplaced.map(flagText).join(', ')}${takers.length ? ` (${takers.join(', ')} ${takers.length === 1 ? 'does' : 'do'})` : ''}`,
    );
  }
  for (const name of cmd.required ?? [])
    if (values[name] === undefined) throw new UsageError(`${cmd.name} needs --${name} ${flagSpec(name)?.value ?? ''}`.trimEnd());
  for (const name of cmd.flags) {
    const value = values[name];
    const choices = cmd.flagChoices?.[name] ?? flagSpec(name)!.choices;
    if (!choices || typeof value !== 'string' || choices.includes(value)) continue;
    throw new UsageError(`--${name} must be ${oneOf(choices)} (got "${value}")${didYouMean(value, choices)}`);
  }
}

/** The arguments given are as many as the command takes, each among its choices. */
function checkArgs(cmd: CommandSpec, args: readonly string[]): void {
  const specs = cmd.args ?? [];
  if (args.length > specs.length && !specs[specs.length - 1]?.repeats)
    throw new UsageError(`${cmd.name} takes no argument "${args[specs.length]}"`);
  specs.forEach((a, i) => {
    const given = args[i];
    if (given === undefined && !a.optional)
      throw new UsageError(`${cmd.name} needs ${a.choices ? oneOf(a.choices) : a.name} (statusform help ${cmd.name})`);
    if (given !== undefined && a.choices && !a.choices.includes(given))
      throw new UsageError(`${a.name} must be ${oneOf(a.choices)} (got "${given}")${didYouMean(given, a.choices)}`);
  });
}

/**
 * In GitHub Actions: annotations on the lines at fault, and every problem in the step summary.
 * The runner reads workflow commands from stderr as well as stdout; stderr keeps them out of a
 * plan that a workflow redirects into a pull-request comment.
 */
async function reportToGitHub(err: ConfigError, io: Io): Promise<void> {
  const { annotations, problemsSummary } = await import('../render/github.js');
  for (const line of annotations(err.problems)) write(io.stderr, line, { workflowCommand: true });
  const { appendStepSummary } = await import('./io.js');
  appendStepSummary(io, problemsSummary(err.problems));
}

/** Prints an error the way its type asks and returns the exit code for it. */
export async function report(err: unknown, io: Io): Promise<number> {
  const c = colorsFor(io.stderr, io.env);
  const say = (text: string) => write(io.stderr, text);
  if (err instanceof ConfigError) {
    if (io.env['GITHUB_ACTIONS'] === 'true') await reportToGitHub(err, io);
    // A problem is one line, whatever the file name or a key in it holds (a line break, `::warning`).
    for (const p of err.problems) say(inertText(`${formatPosition(p.position)}: ${p.message}`));
    say(c.red(`${err.problems.length} problem${err.problems.length === 1 ? '' : 's'} in the configuration.`));
    if (err.hint) say(err.hint);
    return EXIT.error;
  }
  // A message may quote the config or a vendor (a rule's name, a saved plan's account): each of its lines stays one line.
  if (err instanceof RefusedError) {
    say(c.red(`Refused: ${inertLines(err.message)}`));
    return EXIT.refused;
  }
  if (err instanceof InterruptedError) {
    say(c.red(`Interrupted by ${err.signal}: ${inertLines(err.message)}. Run statusform plan to see what is left.`));
    return EXIT_INTERRUPTED[err.signal];
  }
  if (err instanceof VendorError || err instanceof UsageError || err instanceof StateWriteError || err instanceof StateBackendError) {
    say(c.red(`Error: ${inertLines(err.message)}`));
    return EXIT.error;
  }
  // A file the system would not let us read or write (a path the user gave, or a permission) is theirs to fix.
  const sys = err as NodeJS.ErrnoException | undefined;
  if (sys?.code && sys.syscall && sys.path) {
    say(c.red(`Error: cannot ${sys.syscall} ${sys.path}: ${fileProblem(sys)}`));
    return EXIT.error;
  }
  say(
    c.red(
      `Error (unexpected): statusform stopped on an internal error (${describeUnexpected(err)}). ` +
        'This is a bug in statusform, not in your configuration: please report it with the command you ran; ' +
        'run it again with --verbose to see the requests made before it.',
    ),
  );
  return EXIT.error;
}

/** One line about an error nobody expected: its type and first line, never a stack. */
function describeUnexpected(err: unknown): string {
  if (err instanceof Error) {
    const first = (err.message ?? '').split('\n')[0]!.trim();
    return first === '' ? err.name : `${err.name}: ${first}`;
  }
  const text =
    typeof err === 'string'
      ? err
      : (() => {
          try {
            return JSON.stringify(err) ?? String(err);
          } catch {
            return String(err);
          }
        })();
  return `thrown ${text.split('\n')[0]!.slice(0, 200)}`;
}
