// The command table: every command, its flags and arguments, in one place. It drives parsing
// (main.ts), per-command help, "did you mean", the completion scripts (help.ts) and a docs test (docs/cli.md).
// Adding a command is one entry in COMMANDS (and its flags in FLAGS, when new). Commands are
// imported when run, so `--version` and `validate` do not load HTTP, spinners or the engine.

import { ConfigError, RefusedError, UsageError, formatPosition } from '../errors.js';
import { scrubKnown } from '../http/redact.js';
import { SHELLS, nearest, type CommandSpec, type Invocation } from './spec.js';

export {
  FLAGS,
  GLOBAL_FLAGS,
  SHELLS,
  distance,
  nearest,
  oneOf,
  version,
  type CommandSpec,
  type FlagName,
  type FlagSpec,
  type Invocation,
} from './spec.js';

/** An interrupted run exits as a shell reports death by that signal: 128 + its number. */
export const EXIT_INTERRUPTED = { SIGINT: 130, SIGTERM: 143 } as const;

/** How long changes in flight may take to finish after the first interrupt. */
export const INTERRUPT_GRACE_MS = 30_000;

const str = (v: Invocation['values'][string]): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: Invocation['values'][string]): string[] => (Array.isArray(v) ? v : []);
const flag = (v: Invocation['values'][string]): boolean => v === true;
const opt = <K extends string>(key: K, v: string | undefined): { [P in K]?: string } =>
  v === undefined ? {} : ({ [key]: v } as { [P in K]?: string });

export function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a whole number of at least 1 (got "${value}")`);
  return n;
}

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** A duration in seconds: `90` (seconds), `500ms`, `5s`, `2m`, `1h`, `1m30s`; 0 or more. */
export function duration(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  const bad = () => new UsageError(`--${name} must be a duration such as 30, 5s, 2m or 1m30s, 0 or more (got "${value}")`);
  if (text === '') throw bad();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) throw bad();
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
  return total;
}

/** An error's message for a machine reader: a configuration's problems one per line, positioned. */
function errorMessage(err: unknown): string {
  if (err instanceof ConfigError) return err.problems.map((p) => `${formatPosition(p.position)}: ${p.message}`).join('\n');
  if (err instanceof RefusedError) return `Refused: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

const stateRun =
  (sub: string): CommandSpec['run'] =>
  async (io, { values: v, args }) =>
    (await import('./commands/state.js')).stateCommand(
      io,
      {
        config: str(v['config']),
        ...opt('format', str(v['format'])),
        lockTimeoutSeconds: duration('lock-timeout', str(v['lock-timeout'])) ?? 0,
      },
      [sub, ...args],
    );

/** The state, by address: never a request to a vendor, no credentials needed. */
const STATE_COMMANDS: Record<'list' | 'show' | 'rm' | 'mv', CommandSpec> = {
  list: {
    name: 'state list',
    summary: 'every address in the state (or those a pattern with * matches)',
    args: [{ name: 'PATTERN', optional: true, description: 'e.g. \'estate.statuses["contact:*"]\'' }],
    flags: ['config'],
    example: 'statusform state list',
    run: stateRun('list'),
  },
  show: {
    name: 'state show',
    summary: 'what the state records of one item, or of every item of an account',
    args: [{ name: 'ADDRESS', description: 'as plan prints it, or an account name (all its items)' }],
    flags: ['config', 'format'],
    flagChoices: { format: ['text', 'json'] },
    flagDescriptions: { format: 'output format (default text; json for a script)' },
    example: 'statusform state show \'estate.statuses["contact:Hot Lead"]\'',
    run: stateRun('show'),
  },
  rm: {
    name: 'state rm',
    summary: 'stop managing items: removed from the state, left as they are at the vendor',
    args: [{ name: 'ADDRESS', repeats: true, description: 'addresses or patterns with *' }],
    flags: ['config', 'lock-timeout'],
    example: 'statusform state rm \'estate.statuses["contact:Old"]\'',
    run: stateRun('rm'),
  },
  mv: {
    name: 'state mv',
    summary: 'record an owned item under another key of its account',
    args: [
      { name: 'FROM', description: 'the address the state has' },
      { name: 'TO', description: 'the address to record it under' },
    ],
    flags: ['config', 'lock-timeout'],
    example: 'statusform state mv \'estate.statuses["contact:A"]\' \'estate.statuses["contact:B"]\'',
    run: stateRun('mv'),
  },
};

/** `--shard K/N`, parsed (the parser is loaded only when the flag is given). */
async function shardOf(value: string | undefined): Promise<{ shard?: import('../engine/shard.js').Shard }> {
  if (value === undefined) return {};
  return { shard: (await import('../engine/shard.js')).parseShard(value) };
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'validate',
    summary: 'check the configuration (no network)',
    flags: ['config'],
    example: 'statusform validate -c examples/quickstart',
    run: async (io, { values: v }) => (await import('./commands/validate.js')).validateCommand(io, { config: str(v['config']) }),
  },
  {
    name: 'plan',
    summary: "show what apply would change, from the vendors' live state",
    flags: ['config', 'account', 'target', 'shard', 'out', 'format', 'detailed-exitcode', 'refresh-all', 'verbose', 'max-wait'],
    flagDescriptions: { out: 'also write the JSON plan to FILE (apply FILE applies exactly it)' },
    example: 'statusform plan -c examples/quickstart --out plan.json',
    run: async (io, { values: v }) => {
      const maxWait = duration('max-wait', str(v['max-wait']));
      return (await import('./commands/plan.js')).planCommand(io, {
        config: str(v['config']),
        accounts: list(v['account']),
        targets: list(v['target']),
        ...(await shardOf(str(v['shard']))),
        ...opt('out', str(v['out'])),
        ...opt('format', str(v['format'])),
        detailedExitcode: flag(v['detailed-exitcode']),
        refreshAll: flag(v['refresh-all']),
        verbose: flag(v['verbose']),
        ...(maxWait === undefined ? {} : { maxWaitSeconds: maxWait }),
      });
    },
  },
  {
    name: 'apply',
    summary: 'make the changes a plan shows (or exactly those of a saved plan)',
    args: [
      { name: 'PLANFILE', optional: true, file: true, description: 'a plan saved with plan --out, applied exactly or refused (exit 3)' },
    ],
    flags: [
      'config',
      'account',
      'target',
      'shard',
      'json',
      'auto-approve',
      'allow-destroy',
      'allow-bulk',
      'skip-failed-accounts',
      'parallelism',
      'lock-timeout',
      'refresh-all',
      'verbose',
      'max-wait',
    ],
    example: 'statusform apply -c examples/quickstart --auto-approve',
    run: async (io, { values: v, args }) => {
      const planFile = args[0];
      if (planFile !== undefined && (v['account'] || v['refresh-all'] || v['shard'] || v['target'])) {
        throw new UsageError(
          'a saved plan is applied as it was made: --account, --target, --shard and --refresh-all belong to the plan command',
        );
      }
      const json = flag(v['json']);
      if (json && !flag(v['auto-approve']) && planFile === undefined)
        throw new UsageError('apply --json cannot ask for confirmation: pass --auto-approve, or apply a saved plan');
      const shard = await shardOf(str(v['shard']));
      const parallelism = positiveInt('parallelism', str(v['parallelism'])) ?? 4;
      const lockTimeout = duration('lock-timeout', str(v['lock-timeout'])) ?? 0;
      const maxWait = duration('max-wait', str(v['max-wait']));
      const { listenForInterrupts } = await import('./interrupts.js');
      const interrupts = listenForInterrupts(io, INTERRUPT_GRACE_MS / 1000, (s) => EXIT_INTERRUPTED[s]);
      try {
        return await (await import('./commands/apply.js')).applyCommand(io, {
          config: str(v['config']),
          ...(planFile !== undefined ? { planFile } : {}),
          accounts: list(v['account']),
          targets: list(v['target']),
          json,
          statusformVersion: (await import('./spec.js')).version(),
          ...shard,
          skipFailedAccounts: flag(v['skip-failed-accounts']),
          autoApprove: flag(v['auto-approve']),
          allowDestroy: flag(v['allow-destroy']),
          allowBulk: flag(v['allow-bulk']),
          parallelism,
          lockTimeoutSeconds: lockTimeout,
          refreshAll: flag(v['refresh-all']),
          verbose: flag(v['verbose']),
          ...(maxWait === undefined ? {} : { maxWaitSeconds: maxWait }),
          interrupts,
          interruptGraceMs: INTERRUPT_GRACE_MS,
        });
      } catch (err) {
        // With --json, the event stream ends with what stopped it (also said on stderr, as always).
        if (json) {
          const { write } = await import('./io.js');
          write(io.stdout, JSON.stringify({ type: 'error', timestamp: new Date().toISOString(), message: scrubKnown(errorMessage(err)) }));
        }
        throw err;
      } finally {
        interrupts.dispose();
      }
    },
  },
  {
    name: 'import',
    summary: "write an account's live statuses as YAML and adopt them into the state",
    flags: ['account', 'config', 'out', 'force'],
    required: ['account'],
    flagDescriptions: {
      account: 'the account to import (exactly one)',
      out: "write the YAML to FILE; the account's own file (or its config directory) gains only the new items; default: print it",
      force: "replace an existing --out file that is not the account's own file",
    },
    example: 'statusform import -c statusform --account estate --out statusform',
    run: async (io, { values: v }) => {
      const accounts = list(v['account']);
      if (accounts.length !== 1) throw new UsageError('import takes exactly one --account NAME');
      return (await import('./commands/import.js')).importCommand(io, {
        config: str(v['config']),
        account: accounts[0]!,
        ...opt('out', str(v['out'])),
        force: flag(v['force']),
      });
    },
  },
  {
    name: 'init',
    summary: 'a starter configuration, schema modeline, GitHub workflows and .gitignore lines; never overwrites',
    flags: ['vendor'],
    required: ['vendor'],
    example: 'statusform init --vendor propertydeck --vendor zendesk',
    run: async (io, { values: v }) => (await import('./commands/init.js')).initCommand(io, { vendors: list(v['vendor']) }),
  },
  {
    name: 'mappings',
    summary: 'the category × account matrix (no credentials, no network)',
    flags: ['config', 'format'],
    flagChoices: { format: ['text', 'markdown'] },
    flagDescriptions: { format: 'output format (default text; markdown: a table for a PR or a wiki)' },
    example: 'statusform mappings -c examples/all-vendors --format markdown',
    run: async (io, { values: v }) =>
      (await import('./commands/mappings.js')).mappingsCommand(io, { config: str(v['config']), ...opt('format', str(v['format'])) }),
  },
  {
    name: 'sandbox',
    summary: 'run the vendor simulators on 127.0.0.1 and print the export lines',
    flags: ['port'],
    example: 'statusform sandbox --port 4780',
    run: async (io, { values: v }) =>
      (await import('./commands/sandbox.js')).sandboxCommand(io, { port: positiveInt('port', str(v['port'])) }),
  },
  {
    name: 'show',
    summary: 'saved plans (one per shard) merged into one rendering: the PR comment of a fleet; or apply logs, into one report',
    args: [
      {
        name: 'PLANFILE',
        repeats: true,
        file: true,
        description: 'plans saved with plan --out (e.g. plan-*.json), or the logs of apply --json (e.g. apply-*.jsonl)',
      },
    ],
    flags: ['format', 'detailed-exitcode'],
    example: 'statusform show plan-*.json --format markdown',
    run: async (io, { values: v, args }) =>
      (await import('./commands/show.js')).showCommand(io, {
        files: args,
        ...opt('format', str(v['format'])),
        detailedExitcode: flag(v['detailed-exitcode']),
      }),
  },
  {
    name: 'shards',
    summary: 'the CI job matrix: the accounts of each shard (only changed ones with --changed-since)',
    flags: ['count', 'config', 'changed-since', 'format'],
    required: ['count'],
    flagChoices: { format: ['github-matrix', 'json'] },
    flagDescriptions: { format: 'output format (default github-matrix: {"include":[…]} for a job matrix; json)' },
    example: 'statusform shards --count 8 --changed-since origin/main',
    run: async (io, { values: v }) =>
      (await import('./commands/shards.js')).shardsCommand(io, {
        config: str(v['config']),
        count: positiveInt('count', str(v['count']))!,
        ...opt('changedSince', str(v['changed-since'])),
        ...opt('format', str(v['format'])),
      }),
  },
  {
    name: 'adopt',
    summary: 'write the live values of drifted items into the config files, in place, and the state (no vendor write)',
    args: [{ name: 'ADDRESS', optional: true, repeats: true, description: 'only these drifted items, as plan prints them' }],
    flags: ['config', 'account', 'dry-run', 'verbose', 'lock-timeout'],
    example: 'statusform adopt \'estate.statuses["property:Sold STC"]\'',
    run: async (io, { values: v, args }) =>
      (await import('./commands/adopt.js')).adoptCommand(io, {
        config: str(v['config']),
        accounts: list(v['account']),
        addresses: args,
        dryRun: flag(v['dry-run']),
        verbose: flag(v['verbose']),
        lockTimeoutSeconds: duration('lock-timeout', str(v['lock-timeout'])) ?? 0,
      }),
  },
  {
    name: 'unlock',
    summary: 'remove a lock left by a killed apply',
    flags: ['config', 'account', 'force'],
    flagDescriptions: { force: 'also remove a lock whose run is still alive on this host' },
    example: 'statusform unlock -c statusform --account estate',
    run: async (io, { values: v }) => {
      const accounts = list(v['account']);
      if (accounts.length > 1) throw new UsageError('unlock takes one --account NAME');
      return (await import('./commands/unlock.js')).unlockCommand(io, {
        config: str(v['config']),
        force: flag(v['force']),
        ...(accounts[0] !== undefined ? { account: accounts[0] } : {}),
      });
    },
  },
  ...(['list', 'show', 'rm', 'mv'] as const).map((sub): CommandSpec => STATE_COMMANDS[sub]),
  {
    name: 'state migrate',
    summary:
      'move the state between backends, lineage and serial kept: --from a state directory into the configured state, ' +
      '--to a state directory from it; with neither, split a single state file into a state directory',
    flags: ['config', 'from', 'to', 'lock-timeout'],
    example: 'statusform state migrate --from statusform.state/',
    run: async (io, { values: v }) =>
      (await import('./commands/state.js')).stateCommand(
        io,
        {
          config: str(v['config']),
          ...opt('from', str(v['from'])),
          ...opt('to', str(v['to'])),
          lockTimeoutSeconds: duration('lock-timeout', str(v['lock-timeout'])) ?? 0,
        },
        ['migrate'],
      ),
  },
  {
    name: 'split',
    summary: 'split a single config file into statusform.yaml and accounts/<name>.yaml, comments kept',
    flags: ['config'],
    example: 'statusform split -c statusform.yaml',
    run: async (io, { values: v }) => (await import('./commands/split.js')).splitCommand(io, { config: str(v['config']) }),
  },
  {
    name: 'version',
    summary: 'print the version',
    flags: [],
    example: 'statusform version',
    run: async (io) => {
      const { version } = await import('./help.js');
      io.stdout.write(`${version()}\n`);
      return 'done';
    },
  },
  {
    name: 'help',
    summary: "show help, or one command's help",
    args: [{ name: 'COMMAND', optional: true, repeats: true, description: 'the command to explain (state migrate: two words)' }],
    flags: [],
    example: 'statusform help plan',
    run: async (io, { args }) => {
      const { commandHelp, usage } = await import('./help.js');
      if (args.length === 0) {
        io.stdout.write(usage(COMMANDS));
        return 'done';
      }
      const spec = findCommand(args);
      if (!spec || spec.words !== args.length) throw unknownCommand(args.join(' '));
      io.stdout.write(commandHelp(spec.spec));
      return 'done';
    },
  },
  {
    name: 'completion',
    summary: 'print a shell completion script',
    args: [{ name: 'SHELL', choices: SHELLS, description: 'bash, zsh or fish' }],
    flags: [],
    example: 'statusform completion bash > /etc/bash_completion.d/statusform',
    run: async (io, { args }) => {
      const { completionScript } = await import('./completion.js');
      io.stdout.write(completionScript(args[0] as (typeof SHELLS)[number], COMMANDS));
      return 'done';
    },
  },
];

/** The command named by the leading positionals (the longest match, for subcommands), and how many words it took. */
export function findCommand(positionals: readonly string[]): { spec: CommandSpec; words: number } | undefined {
  let best: { spec: CommandSpec; words: number } | undefined;
  for (const spec of COMMANDS) {
    const words = spec.name.split(' ');
    if (words.every((w, i) => positionals[i] === w) && (!best || words.length > best.words)) best = { spec, words: words.length };
  }
  return best;
}

export function unknownCommand(name: string): UsageError {
  const guess = nearest(
    name,
    COMMANDS.map((c) => c.name),
  );
  const hint = guess ? `: did you mean \`${guess}\`?` : ' (statusform --help lists the commands)';
  return new UsageError(`unknown command "${name}"${hint}`);
}
