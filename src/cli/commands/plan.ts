// `statusform plan`: read live state, print the diff (text, markdown or JSON), optionally save it.

import { UsageError } from '../../errors.js';
import { closeDefaultAgent } from '../../http/client.js';
import { loadState, makePlan, type RunOptions } from '../../engine/manager.js';
import type { Plan } from '../../engine/plan.js';
import type { Shard } from '../../engine/shard.js';
import { checkTarget } from '../../engine/target.js';
import { wireText } from '../../plan-file/wire.js';
import { renderPlanMarkdown } from '../../render/markdown.js';
import { renderPlanText } from '../../render/text.js';
import { inertText } from '../../inert.js';
import { dirname, relative, resolve, sep } from 'node:path';
import { DEFAULT_CONFIG, loadOrThrow } from '../context.js';
import { namedInShard, selection } from '../selection.js';
import { appendStepSummary, colors, progress, write, type Io } from '../io.js';
import { outputFile, writeOutput } from '../output.js';
import type { Outcome } from '../outcome.js';

export type PlanFormat = 'text' | 'markdown' | 'json';

export interface PlanCommandOptions {
  config?: string;
  accounts?: string[];
  /** `--target`: only these addresses or patterns, and what they depend on. */
  targets?: string[];
  /** `--shard K/N`: only this shard of the selected accounts. */
  shard?: Shard;
  out?: string;
  format?: string;
  detailedExitcode?: boolean;
  refreshAll?: boolean;
  verbose?: boolean;
  /** Overrides every account's max_wait_seconds. */
  maxWaitSeconds?: number;
  run?: RunOptions;
}

function renderPlan(plan: Plan, format: PlanFormat, io: Io, opts: { verbose?: boolean } = {}): string {
  if (format === 'json') return wireText(plan);
  if (format === 'markdown') return renderPlanMarkdown(plan);
  return renderPlanText(plan, colors(io), { verbose: opts.verbose ?? false });
}

/**
 * Each account that could not be read, on stderr too: the plan on stdout may be going to a file
 * or a pull-request comment, and the run's log should say why it failed.
 */
function sayUnread(io: Io, plan: Plan): void {
  for (const e of plan.errors.filter((x) => x.unread))
    write(io.stderr, colors(io).red(`${e.refused ? 'Refused' : 'Error'}: ${inertText(`${e.address}: ${e.message}`)}`));
}

function planFormat(value: string | undefined): PlanFormat {
  const f = value ?? 'text';
  if (f !== 'text' && f !== 'markdown' && f !== 'json') throw new UsageError(`--format must be text, markdown or json (got "${f}")`);
  return f;
}

export async function planCommand(io: Io, opts: PlanCommandOptions): Promise<Outcome> {
  const format = planFormat(opts.format);
  const targets = (opts.targets ?? []).map(checkTarget);
  const config = loadOrThrow(io, opts.config, selection(opts.accounts ?? [], opts.shard, targets));
  // Checked before any request: a wrong --out is found in a second, not after reading every vendor.
  const out = opts.out === undefined ? undefined : outputFile(opts.out, 'the plan', io.cwd, config, { example: 'plan.json' });
  const accounts = namedInShard(opts.accounts ?? [], opts.shard);
  const state = await loadState(config, accounts);
  const spin = await progress(io, 'Reading live state…');
  let plan: Plan;
  try {
    const planned = await makePlan(config, state, {
      ...opts.run,
      accounts,
      targets,
      ...(opts.shard ? { shard: opts.shard } : {}),
      refreshAll: opts.refreshAll ?? false,
      ...(opts.verbose ? { httpLog: (line: string) => spin.say(line) } : {}),
      ...(opts.maxWaitSeconds !== undefined ? { maxWaitSeconds: opts.maxWaitSeconds } : {}),
      notify: (line: string) => spin.say(line),
    });
    plan = planned.plan;
  } finally {
    spin.stop();
    await closeDefaultAgent();
  }
  write(io.stdout, renderPlan(plan, format, io, { verbose: opts.verbose ?? false }));
  // Rendered only for a job summary: outside GitHub Actions a plan is not made twice.
  appendStepSummary(io, () => renderPlanMarkdown(plan));
  if (out) {
    // The configuration as seen from the plan file's folder: `apply PLANFILE` finds it from anywhere.
    const configPath =
      relative(dirname(out.path), resolve(io.cwd, opts.config ?? DEFAULT_CONFIG))
        .split(sep)
        .join('/') || '.';
    writeOutput(out, 'the plan', wireText(plan, configPath));
    write(io.stderr, `Saved the plan to ${out.given}.`);
  }
  sayUnread(io, plan);
  // Refused accounts alone (e.g. a state bound to another vendor instance) end in 3, as apply's do.
  if (plan.errors.length > 0) return plan.errors.every((e) => e.refused) ? 'refused' : 'failed';
  return opts.detailedExitcode && plan.actions.length > 0 ? 'changes' : 'done';
}
