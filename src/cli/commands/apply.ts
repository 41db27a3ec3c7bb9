// `statusform apply`: plan under the state lock, check the guards, confirm, execute, report.

import { InterruptedError, RefusedError, StateWriteError, VendorError } from '../../errors.js';
import { closeDefaultAgent } from '../../http/client.js';
import { accountsWithErrors, applyPlan, loadState, makePlan, selectAccounts, stateStoreOf, withoutAccounts, type RunOptions } from '../../engine/manager.js';
import { parseShard, type Shard } from '../../engine/shard.js';
import { checkGuards } from '../../engine/safety.js';
import { readSavedPlan, staleAgainst, staleBeforeRead } from '../../engine/saved-plan.js';
import { toWire } from '../../engine/wire.js';
import { resolve } from 'node:path';
import { renderApplyText, renderPlanText } from '../../render/text.js';
import { loadOrThrow } from '../context.js';
import { appendStepSummary, colors, confirm, progress, write, type Io } from '../io.js';
import type { Interrupts } from '../interrupts.js';
import type { Outcome } from '../outcome.js';
import { sayUnread } from './plan.js';

export interface ApplyCommandOptions {
  config?: string;
  /** A plan saved by `plan --out`: applied exactly, or refused if it no longer holds. */
  planFile?: string;
  accounts?: string[];
  autoApprove?: boolean;
  allowDestroy?: boolean;
  allowBulk?: boolean;
  parallelism?: number;
  /** Wait this long for another apply to release the state lock before refusing. */
  lockTimeoutSeconds?: number;
  refreshAll?: boolean;
  /** Apply the accounts whose plan has no error; leave those with errors (e.g. unreadable) untouched, and exit 1. */
  skipFailedAccounts?: boolean;
  /** `--shard K/N`: only this shard of the selected accounts. */
  shard?: Shard;
  verbose?: boolean;
  /** Overrides every account's max_wait_seconds. */
  maxWaitSeconds?: number;
  run?: RunOptions;
  /** SIGINT/SIGTERM: the first stops the run cleanly, the second ends it at once. */
  interrupts?: Interrupts;
  /** How long changes in flight may take after an interrupt. */
  interruptGraceMs?: number;
}

function shardOption(shard: Shard | string | undefined): { shard?: Shard } {
  if (shard === undefined) return {};
  return { shard: typeof shard === 'string' ? parseShard(shard) : shard };
}

function refuseIfStale(reasons: string[]): void {
  if (reasons.length > 0) throw new RefusedError(`the saved plan is stale; make a new one with statusform plan --out FILE:\n  ${reasons.join('\n  ')}`);
}

export async function applyCommand(io: Io, opts: ApplyCommandOptions): Promise<Outcome> {
  const config = loadOrThrow(io, opts.config);
  const c = colors(io);
  const saved = opts.planFile ? readSavedPlan(resolve(io.cwd, opts.planFile)) : undefined;
  const accounts = saved ? saved.options.accounts : (opts.accounts ?? []);
  const { shard } = shardOption(saved ? saved.options.shard : opts.shard);
  // Only the accounts this apply may write are locked (each its own, in the directory layout): applies on others go on.
  const store = stateStoreOf(config);
  const names = selectAccounts(config, accounts, shard).map((a) => a.name);
  const release = await store.lock(names, 'statusform apply', (opts.lockTimeoutSeconds ?? 0) * 1000);
  const interrupts = opts.interrupts;
  interrupts?.onForcedExit(release); // even at once, the process leaves no lock behind
  /** Stops before any change when an interrupt came while reading or asking. */
  const stopIfInterrupted = () => {
    if (interrupts?.received) throw new InterruptedError(interrupts.received, 'nothing was applied');
  };
  try {
    const state = loadState(config, names, store);
    if (saved) refuseIfStale(staleBeforeRead(saved, config, state));
    let spin = await progress(io, 'Reading live state…');
    // Notices go through whichever spinner runs: reading first, then applying.
    const say = (line: string) => spin.say(line);
    let planned;
    try {
      planned = await makePlan(config, state, {
        ...opts.run,
        accounts,
        ...(shard ? { shard } : {}),
        refreshAll: saved ? saved.options.refresh_all : (opts.refreshAll ?? false),
        ...(opts.verbose ? { httpLog: say } : {}),
        ...(opts.maxWaitSeconds !== undefined ? { maxWaitSeconds: opts.maxWaitSeconds } : {}),
        notify: say,
      });
    } finally {
      spin.stop();
    }
    stopIfInterrupted();
    if (saved) refuseIfStale(staleAgainst(saved, toWire(planned.plan)));
    write(io.stdout, renderPlanText(planned.plan, c, { verbose: opts.verbose ?? false }));
    // Like Terraform, a plan with errors is not applied — unless asked to apply the other accounts.
    // Either way nothing is ever written to an account whose read failed.
    const failedAccounts = accountsWithErrors(planned.plan);
    sayUnread(io, planned.plan);
    if (failedAccounts.length > 0 && !opts.skipFailedAccounts) {
      const n = planned.plan.errors.length;
      throw new VendorError(planned.plan.errors[0]!.address, `${n} error${n === 1 ? '' : 's'} in the plan (account${failedAccounts.length === 1 ? '' : 's'} ${failedAccounts.join(', ')}); nothing was applied. To apply the other accounts, pass --skip-failed-accounts`);
    }
    if (failedAccounts.length > 0) {
      planned = withoutAccounts(planned, failedAccounts);
      write(io.stderr, c.yellow(`Skipping ${failedAccounts.join(', ')} (error${planned.plan.errors.length === 1 ? '' : 's'} in the plan): nothing is written to ${failedAccounts.length === 1 ? 'it' : 'them'}.`));
    }
    const { plan } = planned;
    checkGuards(plan, { allowDestroy: opts.allowDestroy ?? false, allowBulk: opts.allowBulk ?? false });
    // A saved plan was reviewed when it was made (e.g. in a pull request): applying it is the approval.
    if (plan.actions.length > 0 && !opts.autoApprove && !saved) {
      if (!io.stdin.isTTY) throw new RefusedError('apply needs confirmation: run it in a terminal, or pass --auto-approve (e.g. in CI)');
      const yes = await confirm(io, 'Do you want to perform these actions?', interrupts?.signal);
      stopIfInterrupted();
      if (!yes) throw new RefusedError('Apply cancelled.');
    }
    const total = plan.actions.length;
    let finished = 0;
    const spinApply = await progress(io, `Applying 0/${total}…`);
    spin = spinApply;
    let result;
    try {
      result = await applyPlan(config, state, planned, {
        store,
        parallelism: opts.parallelism ?? 4,
        ...(interrupts ? { stop: interrupts.signal } : {}),
        ...(opts.interruptGraceMs !== undefined ? { graceMs: opts.interruptGraceMs } : {}),
        onEvent: (e) => {
          if (e.type !== 'end') return;
          finished++;
          spinApply.update(`Applying ${finished}/${total}…`);
          if (e.outcome.status === 'done') write(io.stdout, `${e.action.address}: ${e.action.action} done`);
        },
      });
    } finally {
      spinApply.stop();
    }
    if (total > 0 || result.adopted) {
      write(io.stdout, renderApplyText(result, c));
      appendStepSummary(io, `### statusform apply\n\n\`\`\`\n${renderApplyText(result)}\`\`\`\n`);
    }
    if (result.stateFailure) throw new StateWriteError(result.stateFailedFile ?? config.statePath, result.stateFailure);
    if (interrupts?.received) {
      const notStarted = result.outcomes.filter((o) => o.because === 'interrupted').length;
      throw new InterruptedError(interrupts.received, `${result.done} change${result.done === 1 ? '' : 's'} done and saved in the state file, ${notStarted} not started`);
    }
    if (failedAccounts.length > 0) return 'failed';
    if (total === 0) return 'done'; // the plan already said "No changes"; adoptions were recorded
    return result.failed + result.skipped > 0 ? 'failed' : 'done';
  } finally {
    release();
    await closeDefaultAgent();
  }
}
