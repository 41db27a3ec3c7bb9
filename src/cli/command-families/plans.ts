// The commands of the plan/apply workflow: plan, apply, show (saved plans and apply logs merged),
// and shards (the CI job matrix). Each command module is imported only when it runs.

import { ConfigError, RefusedError, UsageError, formatPosition } from '../../errors.js';
import { scrubKnown } from '../../http/redact.js';
import type { ApplyCommandOptions } from '../commands/apply.js';
import type { Io } from '../io.js';
import { version, type CommandSpec, type Invocation } from '../spec.js';
import { flag, list, lockTimeout, maxWait, opt, positiveInt, shardOf, str } from './flag-values.js';

/** An interrupted run exits as a shell reports death by that signal: 128 + its number. */
export const EXIT_INTERRUPTED = { SIGINT: 130, SIGTERM: 143 } as const;

/** How long changes in flight may take to finish after the first interrupt. */
const INTERRUPT_GRACE_MS = 30_000;

export const PLAN: CommandSpec = {
  name: 'plan',
  summary: "show what apply would change, from the vendors' live state",
  flags: ['config', 'account', 'target', 'shard', 'out', 'format', 'detailed-exitcode', 'refresh-all', 'verbose', 'max-wait'],
  flagDescriptions: { out: 'also write the JSON plan to FILE (apply FILE applies exactly it)' },
  example: 'statusform plan -c examples/quickstart --out plan.json',
  run: async (io, { values: v }) => {
    const wait = maxWait(v);
    return (await import('../commands/plan.js')).planCommand(io, {
      config: str(v['config']),
      accounts: list(v['account']),
      targets: list(v['target']),
      ...(await shardOf(str(v['shard']))),
      ...opt('out', str(v['out'])),
      ...opt('format', str(v['format'])),
      detailedExitcode: flag(v['detailed-exitcode']),
      refreshAll: flag(v['refresh-all']),
      verbose: flag(v['verbose']),
      ...wait,
    });
  },
};

/** apply's flags as its options, checked before anything runs; a saved plan takes none that choose what to plan. */
async function applyOptions(v: Invocation['values'], planFile: string | undefined): Promise<ApplyCommandOptions> {
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
  const lockTimeoutSeconds = lockTimeout(v);
  const wait = maxWait(v);
  return {
    config: str(v['config']),
    ...(planFile !== undefined ? { planFile } : {}),
    accounts: list(v['account']),
    targets: list(v['target']),
    json,
    statusformVersion: version(),
    ...shard,
    skipFailedAccounts: flag(v['skip-failed-accounts']),
    autoApprove: flag(v['auto-approve']),
    allowDestroy: flag(v['allow-destroy']),
    allowBulk: flag(v['allow-bulk']),
    parallelism,
    lockTimeoutSeconds,
    refreshAll: flag(v['refresh-all']),
    verbose: flag(v['verbose']),
    ...wait,
  };
}

/** An error's message for a machine reader: a configuration's problems one per line, positioned. */
function errorMessage(err: unknown): string {
  if (err instanceof ConfigError) return err.problems.map((p) => `${formatPosition(p.position)}: ${p.message}`).join('\n');
  if (err instanceof RefusedError) return `Refused: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/** With --json, the event stream ends with what stopped it (also said on stderr, as always). */
async function endEventsWith(io: Io, err: unknown): Promise<void> {
  const { write } = await import('../io.js');
  write(io.stdout, JSON.stringify({ type: 'error', timestamp: new Date().toISOString(), message: scrubKnown(errorMessage(err)) }));
}

export const APPLY: CommandSpec = {
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
    const opts = await applyOptions(v, args[0]);
    const { listenForInterrupts } = await import('../interrupts.js');
    const interrupts = listenForInterrupts(io, INTERRUPT_GRACE_MS / 1000, (s) => EXIT_INTERRUPTED[s]);
    try {
      return await (await import('../commands/apply.js')).applyCommand(io, { ...opts, interrupts, interruptGraceMs: INTERRUPT_GRACE_MS });
    } catch (err) {
      if (opts.json) await endEventsWith(io, err);
      throw err;
    } finally {
      interrupts.dispose();
    }
  },
};

export const SHOW: CommandSpec = {
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
    (await import('../commands/show.js')).showCommand(io, {
      files: args,
      ...opt('format', str(v['format'])),
      detailedExitcode: flag(v['detailed-exitcode']),
    }),
};

export const SHARDS: CommandSpec = {
  name: 'shards',
  summary: 'the CI job matrix: the accounts of each shard (only changed ones with --changed-since)',
  flags: ['count', 'config', 'changed-since', 'format'],
  required: ['count'],
  flagChoices: { format: ['github-matrix', 'json'] },
  flagDescriptions: { format: 'output format (default github-matrix: {"include":[…]} for a job matrix; json)' },
  example: 'statusform shards --count 8 --changed-since origin/main',
  run: async (io, { values: v }) =>
    (await import('../commands/shards.js')).shardsCommand(io, {
      config: str(v['config']),
      count: positiveInt('count', str(v['count']))!,
      ...opt('changedSince', str(v['changed-since'])),
      ...opt('format', str(v['format'])),
    }),
};
