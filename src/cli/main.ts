// argv → command. The one place that decides exit codes and where errors are printed.
// 0 success / no changes; 1 error; 2 plan --detailed-exitcode found changes; 3 refused before any write;
// 130/143 apply interrupted by SIGINT/SIGTERM (stopped cleanly, or at once on a second signal).

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readFileSync } from 'node:fs';
import { ConfigError, InterruptedError, RefusedError, StateWriteError, UsageError, VendorError, fileProblem, formatPosition, type InterruptSignal } from '../errors.js';
import { scrubKnown } from '../http/redact.js';
import { colorsFor } from '../render/style.js';
import type { Io } from './io.js';
import type { Outcome } from './outcome.js';

// Commands are imported when run, so `--version` and `validate` do not load HTTP, spinners or the engine.

function write(stream: Io['stdout'], text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}

export const EXIT = { ok: 0, error: 1, changes: 2, refused: 3 } as const;

/** The exit code of each way a command can end without throwing. */
const OUTCOME_EXIT: Record<Outcome, number> = { done: EXIT.ok, changes: EXIT.changes, failed: EXIT.error };

/** An interrupted run exits as a shell reports death by that signal: 128 + its number. */
export const EXIT_INTERRUPTED: Record<InterruptSignal, number> = { SIGINT: 130, SIGTERM: 143 };

/** How long changes in flight may take to finish after the first interrupt. */
const INTERRUPT_GRACE_MS = 30_000;

const USAGE = `Usage: statusform <command> [options]

Commands:
  validate  [-c PATH]                                   check the configuration (no network)
  plan      [-c PATH] [--account NAME]… [--target ADDRESS]… [--shard K/N] [--out FILE] [--format text|markdown|json]
            [--detailed-exitcode] [--refresh-all] [--verbose] [--max-wait SECONDS]
  apply     [-c PATH] [PLANFILE] [--account NAME]… [--target ADDRESS]… [--shard K/N] [--json] [--auto-approve]
            [--allow-destroy] [--allow-bulk] [--skip-failed-accounts] [--parallelism N] [--lock-timeout SECONDS] [--refresh-all] [--verbose]
            [--max-wait SECONDS]
  show      PLANFILE… [--format text|markdown|json] [--detailed-exitcode]
                                                        saved plans (e.g. one per shard), merged into one
  shards    --count N [-c PATH] [--changed-since REF] [--format github-matrix|json]
                                                        the CI job matrix of --shard K/N
  import    --account NAME [-c PATH] [--out FILE] [--force]
                                                        live statuses → YAML, adopted into the state
  mappings  [-c PATH] [--format text|markdown]          the category × account matrix
  sandbox   [--port N]                                  run the vendor simulators on 127.0.0.1
  unlock    [-c PATH] [--account NAME] [--force]        remove a lock left by a killed apply
  state list [PATTERN] | show ADDRESS [--format text|json] | rm ADDRESS… | mv FROM TO | migrate   [-c PATH]
                                                        the state by address (never touches a vendor)
  adopt     [-c PATH] [--account NAME]… [--dry-run] [ADDRESS…]
                                                        drifted live values → the config files, in place

Options:
  -c, --config PATH   a statusform.yaml, or a directory of *.yaml files (default: statusform.yaml)
  -h, --help          show this help
  -v, --version       print the version

Exit codes: 0 success or no changes, 1 error, 2 changes (plan --detailed-exitcode), 3 refused before any write,
130/143 apply stopped by SIGINT/SIGTERM (what was done is in the state file).
`;

const options = {
  config: { type: 'string', short: 'c' },
  account: { type: 'string', multiple: true },
  out: { type: 'string' },
  format: { type: 'string' },
  'detailed-exitcode': { type: 'boolean' },
  'refresh-all': { type: 'boolean' },
  'auto-approve': { type: 'boolean' },
  'allow-destroy': { type: 'boolean' },
  'allow-bulk': { type: 'boolean' },
  parallelism: { type: 'string' },
  'lock-timeout': { type: 'string' },
  'max-wait': { type: 'string' },
  port: { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  force: { type: 'boolean' },
  shard: { type: 'string' },
  'skip-failed-accounts': { type: 'boolean' },
  count: { type: 'string' },
  'changed-since': { type: 'string' },
  'dry-run': { type: 'boolean' },
  target: { type: 'string', multiple: true },
  json: { type: 'boolean' },
} satisfies ParseArgsConfig['options'];

const ALLOWED: Record<string, (keyof typeof options)[]> = {
  validate: ['config'],
  plan: ['config', 'account', 'target', 'shard', 'out', 'format', 'detailed-exitcode', 'refresh-all', 'verbose', 'max-wait'],
  apply: ['config', 'account', 'target', 'shard', 'json', 'auto-approve', 'allow-destroy', 'allow-bulk', 'skip-failed-accounts', 'parallelism', 'lock-timeout', 'refresh-all', 'verbose', 'max-wait'],
  show: ['format', 'detailed-exitcode'],
  shards: ['config', 'count', 'changed-since', 'format'],
  mappings: ['config', 'format'],
  import: ['config', 'account', 'out', 'force'],
  sandbox: ['port'],
  unlock: ['config', 'account', 'force'],
  state: ['config', 'format', 'lock-timeout'],
  adopt: ['config', 'account', 'dry-run', 'verbose'],
};

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a whole number of at least 1 (got "${value}")`);
  return n;
}

/** A number of seconds, 0 or more, for a flag that caps a wait; returned as `{maxWaitSeconds}`. */
function seconds(name: string, value: string | undefined): { maxWaitSeconds?: number } {
  if (value === undefined) return {};
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a number of seconds, 0 or more (got "${value}")`);
  return { maxWaitSeconds: n };
}

/** Runs one CLI invocation and returns its exit code. Never throws. */
export async function main(argv: string[], io: Io): Promise<number> {
  try {
    return OUTCOME_EXIT[await dispatch(argv, io)];
  } catch (err) {
    return await report(err, io);
  }
}

async function dispatch(argv: string[], io: Io): Promise<Outcome> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${USAGE}`);
  }
  const { values: v, positionals } = parsed;
  if (v.version) {
    write(io.stdout, version());
    return 'done';
  }
  const [command, ...rest] = positionals;
  if (command === undefined && !v.help) throw new UsageError(`a command is needed\n\n${USAGE}`);
  if (v.help || command === undefined || command === 'help') {
    write(io.stdout, USAGE);
    return 'done';
  }
  const allowed = ALLOWED[command];
  if (!allowed) throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  const given = Object.keys(v) as (keyof typeof options)[];
  const misplaced = given.filter((k) => !allowed.includes(k));
  if (misplaced.length > 0) throw new UsageError(`${command} does not take ${misplaced.map((k) => `--${k}`).join(', ')}`);
  const takesPlanFile = command === 'apply' && rest.length === 1;
  if (rest.length > 0 && !takesPlanFile && command !== 'show' && command !== 'adopt' && command !== 'state') throw new UsageError(`${command} takes no argument "${rest[takesPlanFile ? 1 : 0]}"`);
  if (takesPlanFile && (v.account || v['refresh-all'] || v.shard || v.target)) throw new UsageError('a saved plan is applied as it was made: --account, --target, --shard and --refresh-all belong to the plan command');
  if (command === 'apply' && v.json && !v['auto-approve'] && !takesPlanFile) throw new UsageError('apply --json cannot ask for confirmation: pass --auto-approve, or apply a saved plan');
  const shard = v.shard === undefined ? {} : { shard: (await import('../engine/shard.js')).parseShard(v.shard) };

  const config = v.config;
  switch (command) {
    case 'validate':
      return (await import('./commands/validate.js')).validateCommand(io, { config });
    case 'plan':
      return (await import('./commands/plan.js')).planCommand(io, {
        config,
        accounts: v.account ?? [],
        targets: v.target ?? [],
        ...shard,
        ...(v.out ? { out: v.out } : {}),
        ...(v.format ? { format: v.format } : {}),
        detailedExitcode: v['detailed-exitcode'] ?? false,
        refreshAll: v['refresh-all'] ?? false,
        verbose: v.verbose ?? false,
        ...seconds('max-wait', v['max-wait']),
      });
    case 'apply': {
      const { listenForInterrupts } = await import('./interrupts.js');
      const interrupts = listenForInterrupts(io, INTERRUPT_GRACE_MS / 1000, (s) => EXIT_INTERRUPTED[s]);
      try {
        return await (await import('./commands/apply.js')).applyCommand(io, {
          config,
          ...(takesPlanFile ? { planFile: rest[0]! } : {}),
          accounts: v.account ?? [],
          targets: v.target ?? [],
          json: v.json ?? false,
          statusformVersion: version(),
          ...shard,
          skipFailedAccounts: v['skip-failed-accounts'] ?? false,
          autoApprove: v['auto-approve'] ?? false,
          allowDestroy: v['allow-destroy'] ?? false,
          allowBulk: v['allow-bulk'] ?? false,
          parallelism: positiveInt('parallelism', v.parallelism) ?? 4,
          lockTimeoutSeconds: positiveInt('lock-timeout', v['lock-timeout']) ?? 0,
          refreshAll: v['refresh-all'] ?? false,
          verbose: v.verbose ?? false,
          ...seconds('max-wait', v['max-wait']),
          interrupts,
          interruptGraceMs: INTERRUPT_GRACE_MS,
        });
      } catch (err) {
        // With --json, the event stream ends with what stopped it (also said on stderr, as always).
        if (v.json) write(io.stdout, JSON.stringify({ type: 'error', timestamp: new Date().toISOString(), message: scrubKnown(errorMessage(err)) }));
        throw err;
      } finally {
        interrupts.dispose();
      }
    }
    case 'show':
      if (rest.length === 0) throw new UsageError('show takes one or more saved plans: statusform show plan-*.json');
      return (await import('./commands/show.js')).showCommand(io, { files: rest, ...(v.format ? { format: v.format } : {}), detailedExitcode: v['detailed-exitcode'] ?? false });
    case 'shards': {
      if (v.count === undefined) throw new UsageError('shards needs --count N, the number of shards (jobs) to split the accounts into');
      return (await import('./commands/shards.js')).shardsCommand(io, {
        config,
        count: positiveInt('count', v.count)!,
        ...(v['changed-since'] !== undefined ? { changedSince: v['changed-since'] } : {}),
        ...(v.format ? { format: v.format } : {}),
      });
    }
    case 'import':
      if ((v.account ?? []).length !== 1) throw new UsageError('import takes exactly one --account NAME');
      return (await import('./commands/import.js')).importCommand(io, { config, account: v.account![0]!, ...(v.out ? { out: v.out } : {}), force: v.force ?? false });
    case 'mappings':
      return (await import('./commands/mappings.js')).mappingsCommand(io, { config, ...(v.format ? { format: v.format } : {}) });
    case 'sandbox':
      return (await import('./commands/sandbox.js')).sandboxCommand(io, { port: positiveInt('port', v.port) });
    case 'unlock':
      if ((v.account ?? []).length > 1) throw new UsageError('unlock takes one --account NAME');
      return (await import('./commands/unlock.js')).unlockCommand(io, { config, force: v.force ?? false, ...(v.account?.[0] !== undefined ? { account: v.account[0] } : {}) });
    case 'state':
      return (await import('./commands/state.js')).stateCommand(io, { config, ...(v.format ? { format: v.format } : {}), lockTimeoutSeconds: positiveInt('lock-timeout', v['lock-timeout']) ?? 0 }, rest);
    case 'adopt':
      return (await import('./commands/adopt.js')).adoptCommand(io, { config, accounts: v.account ?? [], addresses: rest, dryRun: v['dry-run'] ?? false, verbose: v.verbose ?? false });
  }
  throw new UsageError(`unknown command "${command}"`);
}

/**
 * In GitHub Actions: annotations on the lines at fault, and every problem in the step summary.
 * The runner reads workflow commands from stderr as well as stdout; stderr keeps them out of a
 * plan that a workflow redirects into a pull-request comment.
 */
async function reportToGitHub(err: ConfigError, io: Io): Promise<void> {
  const { annotations, problemsSummary } = await import('../render/github.js');
  for (const line of annotations(err.problems)) write(io.stderr, scrubKnown(line));
  const { appendStepSummary } = await import('./io.js');
  appendStepSummary(io, problemsSummary(err.problems));
}

/** Prints an error the way its type asks and returns the exit code for it. */
export async function report(err: unknown, io: Io): Promise<number> {
  const c = colorsFor(io.stderr, io.env);
  const say = (text: string) => write(io.stderr, scrubKnown(text));
  if (err instanceof ConfigError) {
    if (io.env['GITHUB_ACTIONS'] === 'true') await reportToGitHub(err, io);
    for (const p of err.problems) say(`${formatPosition(p.position)}: ${p.message}`);
    say(c.red(`${err.problems.length} problem${err.problems.length === 1 ? '' : 's'} in the configuration.`));
    return EXIT.error;
  }
  if (err instanceof RefusedError) {
    say(c.red(`Refused: ${err.message}`));
    return EXIT.refused;
  }
  if (err instanceof InterruptedError) {
    say(c.red(`Interrupted by ${err.signal}: ${err.message}. Run statusform plan to see what is left.`));
    return EXIT_INTERRUPTED[err.signal];
  }
  if (err instanceof VendorError || err instanceof UsageError || err instanceof StateWriteError) {
    say(c.red(`Error: ${err.message}`));
    return EXIT.error;
  }
  // A file the system would not let us read or write (a path the user gave, or a permission) is theirs to fix.
  const sys = err as NodeJS.ErrnoException | undefined;
  if (sys?.code && sys.syscall && sys.path) {
    say(c.red(`Error: cannot ${sys.syscall} ${sys.path}: ${fileProblem(sys)}`));
    return EXIT.error;
  }
  say(c.red(`Error (unexpected): statusform stopped on an internal error (${describeUnexpected(err)}). This is a bug in statusform, not in your configuration: please report it with the command you ran; run it again with --verbose to see the requests made before it.`));
  return EXIT.error;
}

/** An error's message for a machine reader: a configuration's problems one per line, positioned. */
function errorMessage(err: unknown): string {
  if (err instanceof ConfigError) return err.problems.map((p) => `${formatPosition(p.position)}: ${p.message}`).join('\n');
  if (err instanceof RefusedError) return `Refused: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/** One line about an error nobody expected: its type and first line, never a stack. */
function describeUnexpected(err: unknown): string {
  if (err instanceof Error) {
    const first = (err.message ?? '').split('\n')[0]!.trim();
    return first === '' ? err.name : `${err.name}: ${first}`;
  }
  const text = typeof err === 'string' ? err : (() => {
    try {
      return JSON.stringify(err) ?? String(err);
    } catch {
      return String(err);
    }
  })();
  return `thrown ${text.split('\n')[0]!.slice(0, 200)}`;
}
