// `statusform apply`: plan under the state lock, check the guards, confirm, execute, report.

import { scrubKnown } from '../../http/redact.js';
import { InterruptedError, RefusedError, StateWriteError, VendorError } from '../../errors.js';
import { closeDefaultAgent } from '../../http/client.js';
import { applyPlan, loadState, makePlan, selectAccounts, stateStoreOf, withoutAccounts, type RunOptions } from '../../engine/manager.js';
import { accountsWithErrors } from '../../engine/plan.js';
import { parseShard, type Shard } from '../../engine/shard.js';
import { checkGuards } from '../../engine/safety.js';
import { readSavedPlan, staleAgainst, staleBeforeRead } from '../../engine/saved-plan.js';
import { toWire, type WirePlan } from '../../engine/wire.js';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { renderApplyText, renderPlanText } from '../../render/text.js';
import { loadOrThrow } from '../context.js';
import { selection } from '../selection.js';
import { appendStepSummary, colors, confirm, progress, write, type Io } from '../io.js';
import type { Interrupts } from '../interrupts.js';
import type { Outcome } from '../outcome.js';
import { sayUnread } from './plan.js';
import { checkTarget } from '../../engine/target.js';
import { colorsFor } from '../../render/style.js';
import {
  actionEvent,
  eventLine,
  neverReadyEvent,
  planEvent,
  summaryEvent,
  versionEvent,
  type ApplyEventLine,
} from '../../render/apply-events.js';

export interface ApplyCommandOptions {
  config?: string;
  /** A plan saved by `plan --out`: applied exactly, or refused if it no longer holds. */
  planFile?: string;
  accounts?: string[];
  /** `--target`: only these addresses or patterns, and what they depend on. */
  targets?: string[];
  /** `--json`: newline-delimited JSON events on stdout (schemas/apply-events.schema.json); human text on stderr. */
  json?: boolean;
  /** The version the first JSON event names. */
  statusformVersion?: string;
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
  if (reasons.length > 0)
    throw new RefusedError(`the saved plan is stale; make a new one with statusform plan --out FILE:\n  ${reasons.join('\n  ')}`);
}

/** The time of a JSON event. */
const stamp = () => new Date().toISOString();

/** Seconds with one decimal: "0.4 s". */
function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The configuration a saved plan was made from, when `-c` is not given: recorded relative to the
 * plan file, so `apply PLANFILE` works from any directory. Absent (an older plan, or the file is
 * gone), the usual default applies — and the config digest still refuses the wrong one.
 */
function configOfPlan(saved: WirePlan | undefined, planPath: string | undefined): string | undefined {
  if (!saved?.config_path || !planPath) return undefined;
  const path = resolve(dirname(planPath), saved.config_path);
  return existsSync(path) ? path : undefined;
}

export async function applyCommand(io: Io, opts: ApplyCommandOptions): Promise<Outcome> {
  const json = opts.json ?? false;
  const emit = (e: ApplyEventLine) => {
    if (json) io.stdout.write(scrubKnown(eventLine(e)));
  };
  emit(versionEvent(opts.statusformVersion ?? 'unknown', stamp));
  // With --json, stdout carries the events only: what a person reads goes to stderr.
  const human = json ? io.stderr : io.stdout;
  const planPath = opts.planFile === undefined ? undefined : resolve(io.cwd, opts.planFile);
  const saved = planPath ? readSavedPlan(planPath) : undefined;
  const accounts = saved ? saved.options.accounts : (opts.accounts ?? []);
  const targets = saved ? (saved.options.targets ?? []) : (opts.targets ?? []).map(checkTarget);
  const { shard } = shardOption(saved ? saved.options.shard : opts.shard);
  const config = loadOrThrow(io, opts.config ?? configOfPlan(saved, planPath), selection(accounts, shard, targets));
  const c = colorsFor(human, io.env);
  // Only the accounts this apply may write are locked (each its own, in the directory layout): applies on others go on.
  const store = stateStoreOf(config);
  const names = selectAccounts(config, accounts, shard, targets).map((a) => a.name);
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
        targets,
        ...(shard ? { shard } : {}),
        refreshAll: saved ? saved.options.refresh_all : (opts.refreshAll ?? false),
        ...(opts.verbose ? { httpLog: say } : {}),
        ...(opts.maxWaitSeconds !== undefined ? { maxWaitSeconds: opts.maxWaitSeconds } : {}),
        notify: (line, notice) => {
          say(line);
          emit({
            type: 'wait',
            timestamp: stamp(),
            kind: notice.kind,
            ...(notice.label ? { account: notice.label } : {}),
            seconds: notice.seconds,
            reason: notice.reason,
            ...(notice.until ? { until: notice.until } : {}),
            ...(notice.request ? { request: notice.request } : {}),
            ...(notice.attempt !== undefined ? { attempt: notice.attempt } : {}),
            message: line,
          });
        },
      });
    } finally {
      spin.stop();
    }
    stopIfInterrupted();
    if (saved) refuseIfStale(staleAgainst(saved, toWire(planned.plan)));
    write(human, renderPlanText(planned.plan, c, { verbose: opts.verbose ?? false }));
    emit(planEvent(planned.plan, stamp));
    // Like Terraform, a plan with errors is not applied — unless asked to apply the other accounts.
    // Either way nothing is ever written to an account whose read failed.
    const failedAccounts = accountsWithErrors(planned.plan);
    sayUnread(io, planned.plan);
    if (failedAccounts.length > 0 && !opts.skipFailedAccounts) {
      const n = planned.plan.errors.length;
      throw new VendorError(
        planned.plan.errors[0]!.address,
        `${n} error${n === 1 ? '' : 's'} in the plan (account${failedAccounts.length === 1 ? '' : 's'} ` +
          `${failedAccounts.join(', ')}); nothing was applied. To apply the other accounts, pass --skip-failed-accounts`,
      );
    }
    if (failedAccounts.length > 0) {
      planned = withoutAccounts(planned, failedAccounts);
      write(
        io.stderr,
        colors(io).yellow(
          `Skipping ${failedAccounts.join(', ')} (error${planned.plan.errors.length === 1 ? '' : 's'} in the plan): ` +
            `nothing is written to ${failedAccounts.length === 1 ? 'it' : 'them'}.`,
        ),
      );
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
    const reported = new Set<string>();
    try {
      result = await applyPlan(config, state, planned, {
        store,
        parallelism: opts.parallelism ?? 4,
        ...(interrupts ? { stop: interrupts.signal } : {}),
        ...(opts.interruptGraceMs !== undefined ? { graceMs: opts.interruptGraceMs } : {}),
        onEvent: (e) => {
          emit(actionEvent(e, stamp));
          if (e.type !== 'end') return;
          reported.add(e.action.address);
          finished++;
          spinApply.update(`Applying ${finished}/${total}…`);
          const o = e.outcome;
          if (o.status === 'done')
            write(
              human,
              `${e.action.address}: ${e.action.action} done after ` +
                `${seconds(o.durationMs ?? 0)}${o.vendorId !== undefined && o.vendorId !== null ? ` [id=${String(o.vendorId)}]` : ''}`,
            );
        },
      });
    } finally {
      spinApply.stop();
    }
    const accountOf = new Map(plan.actions.map((a) => [a.address, a.account]));
    for (const o of result.outcomes) if (!reported.has(o.address)) emit(neverReadyEvent(o, accountOf.get(o.address) ?? '', stamp));
    emit(summaryEvent(result, stamp, failedAccounts));
    if (total > 0 || result.adopted || failedAccounts.length > 0) {
      write(human, renderApplyText(result, c, failedAccounts));
      appendStepSummary(io, `### statusform apply\n\n\`\`\`\n${renderApplyText(result, undefined, failedAccounts)}\`\`\`\n`);
    }
    if (result.stateFailure) throw new StateWriteError(result.stateFailedFile ?? config.statePath, result.stateFailure);
    if (interrupts?.received) {
      const notStarted = result.outcomes.filter((o) => o.because === 'interrupted').length;
      throw new InterruptedError(
        interrupts.received,
        `${result.done} change${result.done === 1 ? '' : 's'} done and saved in the state file, ${notStarted} not started`,
      );
    }
    if (failedAccounts.length > 0) return 'failed';
    if (total === 0) return 'done'; // the plan already said so ("No changes"); adoptions were recorded
    return result.failed + result.skipped > 0 ? 'failed' : 'done';
  } finally {
    release();
    await closeDefaultAgent();
  }
}
