// `statusform apply`: plan under the state lock, check the guards, confirm, execute, report.

import { inertText, markdownFence } from '../../inert.js';
import { InterruptedError, RefusedError, StateWriteError } from '../../errors.js';
import { closeDefaultAgent, type HttpNotice } from '../../http/client.js';
import { accountOutcomes, outcomeCounts, Verdicts } from '../../engine/account-outcomes.js';
import { accountOf } from '../../address.js';
import type { Plan } from '../../engine/plan.js';
import type { Release, StateStore } from '../../state/store.js';
import { applyPlan, loadState, makePlan, selectAccounts, withoutAccounts, type RunOptions } from '../../engine/manager.js';
import { stateStoreFor } from '../state-store.js';
import { parseShard, type Shard } from '../../engine/shard.js';
import { guardProblems } from '../../engine/safety.js';
import { readSavedPlan, staleAgainst, staleBeforeRead, type Staleness } from '../../plan-file/saved-plan.js';
import { toWire, type WirePlan } from '../../plan-file/wire.js';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { renderApplyText, renderPlanText } from '../../render/text.js';
import { renderAccountOutcomesText } from '../../render/apply-report.js';
import { loadOrThrow } from '../context.js';
import { selection } from '../selection.js';
import { appendStepSummary, colors, confirm, progress, write, type Io } from '../io.js';
import type { Interrupts } from '../interrupts.js';
import type { Outcome } from '../outcome.js';
import { checkTarget } from '../../engine/target.js';
import { colorsFor } from '../../render/style.js';
import {
  accountEvent,
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
  /** Kept for older workflows: every apply now leaves accounts with errors untouched and applies the others. */
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

/**
 * Locks each account this apply may write. In the directory layout and in PostgreSQL a lock held
 * elsewhere refuses that account alone (within one shared --lock-timeout); the single state file's
 * one lock refuses all.
 */
async function lockAccounts(store: StateStore, names: readonly string[], timeoutMs: number, verdicts: Verdicts): Promise<Release> {
  if (store.layout === 'file') return store.lock(names, 'statusform apply', timeoutMs);
  const deadline = Date.now() + timeoutMs;
  const releases: Release[] = [];
  const releaseAll = async () => {
    for (const r of releases.splice(0).reverse()) await r();
  };
  for (const name of [...names].sort()) {
    try {
      releases.push(await store.lock([name], 'statusform apply', Math.max(0, deadline - Date.now())));
    } catch (err) {
      if (!(err instanceof RefusedError)) {
        await releaseAll();
        throw err;
      }
      verdicts.refuse(name, [err.message]);
    }
  }
  return releaseAll;
}

/** A saved plan's staleness as verdicts: whole-plan reasons refuse every account it covers. */
function refuseStale(verdicts: Verdicts, stale: Staleness, names: readonly string[]): void {
  for (const name of names) verdicts.refuse(name, stale.all.map(staleWords));
  for (const [name, reasons] of stale.accounts) if (names.includes(name)) verdicts.refuse(name, reasons.map(staleWords));
}

const staleWords = (reason: string) => `the saved plan is stale (${reason}); make a new one with statusform plan --out FILE`;

/** The plan's errors as verdicts: an account refused before any request, or one that could not be read or planned. */
function judgeErrors(verdicts: Verdicts, plan: Plan): void {
  for (const e of plan.errors) {
    const account = accountOf(e.address);
    // An account refused before the read is in the plan with its reasons joined: they are known already.
    if (e.refused) {
      if (!verdicts.refused.has(account)) verdicts.refuse(account, [e.message]);
    } else verdicts.fail(account, [e.address === account ? e.message : `${e.address}: ${e.message}`]);
  }
}

/** What a person reads about the accounts decided before any write: one line each, on stderr. */
function sayVerdicts(io: Io, verdicts: Verdicts): void {
  const c = colors(io);
  // Reasons may quote a vendor: each stays on its line.
  for (const [name, reasons] of verdicts.refused) write(io.stderr, c.yellow(`Refused: ${name}: ${inertText(reasons.join('; '))}`));
  for (const [name, reasons] of verdicts.failed) write(io.stderr, c.red(`Error: ${name}: ${inertText(reasons.join('; '))}`));
  const decided = verdicts.names();
  if (decided.length > 0) write(io.stderr, `Nothing is written to ${decided.join(', ')}; every other account is applied.`);
}

export async function applyCommand(io: Io, opts: ApplyCommandOptions): Promise<Outcome> {
  const json = opts.json ?? false;
  const emit = (e: ApplyEventLine) => {
    if (json) write(io.stdout, eventLine(e));
  };
  emit(versionEvent(opts.statusformVersion ?? 'unknown', stamp));
  // With --json, stdout carries the events only: what a person reads goes to stderr.
  const human = json ? io.stderr : io.stdout;
  const planPath = opts.planFile === undefined ? undefined : resolve(io.cwd, opts.planFile);
  const saved = planPath ? readSavedPlan(planPath) : undefined;
  const accounts = saved ? saved.options.accounts : (opts.accounts ?? []);
  const targets = saved ? (saved.options.targets ?? []) : (opts.targets ?? []).map(checkTarget);
  const { shard } = shardOption(saved ? saved.options.shard : opts.shard);
  const configPath = opts.config ?? configOfPlan(saved, planPath);
  const config = loadOrThrow(io, configPath, selection(accounts, shard, targets));
  const c = colorsFor(human, io.env);
  // Only the accounts this apply may write are locked (each its own, in the directory layout): applies on others go on.
  const store = stateStoreFor(config, configPath, io.env);
  const names = selectAccounts(config, accounts, shard, targets).map((a) => a.name);
  const verdicts = new Verdicts();
  let release: Release;
  try {
    release = await lockAccounts(store, names, (opts.lockTimeoutSeconds ?? 0) * 1000, verdicts);
  } catch (err) {
    await store.close();
    throw err;
  }
  const interrupts = opts.interrupts;
  // Even at once, the process leaves no lock behind (a file lock goes now; the database frees its own when the process ends).
  interrupts?.onForcedExit(() => void release());
  /** Stops before any change when an interrupt came while reading or asking. */
  const stopIfInterrupted = () => {
    if (interrupts?.received) throw new InterruptedError(interrupts.received, 'nothing was applied');
  };
  try {
    const state = await loadState(config, names, store);
    if (saved) refuseStale(verdicts, staleBeforeRead(saved, config, state), names);
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
        refuse: new Map([...verdicts.refused].map(([name, reasons]) => [name, reasons.join('; ')])),
        ...(opts.verbose ? { httpLog: say } : {}),
        ...(opts.maxWaitSeconds !== undefined ? { maxWaitSeconds: opts.maxWaitSeconds } : {}),
        notify: (line, notice) => {
          say(line);
          emit(waitEvent(line, notice));
        },
      });
    } finally {
      spin.stop();
    }
    stopIfInterrupted();
    judgeErrors(verdicts, planned.plan);
    if (saved)
      refuseStale(
        verdicts,
        staleAgainst(saved, toWire(planned.plan)),
        names.filter((n) => !verdicts.decided(n)),
      );
    write(human, renderPlanText(planned.plan, c, { verbose: opts.verbose ?? false, allowDestroy: opts.allowDestroy ?? false }));
    emit(planEvent(planned.plan, stamp));
    for (const [name, reasons] of guardProblems(planned.plan, {
      allowDestroy: opts.allowDestroy ?? false,
      allowBulk: opts.allowBulk ?? false,
    }))
      verdicts.refuse(name, reasons);
    sayVerdicts(io, verdicts);
    // Nothing is ever written to an account refused or failed before the first write: the others go on.
    planned = withoutAccounts(planned, verdicts.names());
    const { plan } = planned;
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
          const id = o.vendorId !== undefined && o.vendorId !== null ? ` [id=${inertText(String(o.vendorId))}]` : '';
          if (o.status === 'done')
            write(human, `${inertText(e.action.address)}: ${e.action.action} done after ${seconds(o.durationMs ?? 0)}${id}`);
        },
      });
    } finally {
      spinApply.stop();
    }
    const accountOf = new Map(plan.actions.map((a) => [a.address, a.account]));
    for (const o of result.outcomes) if (!reported.has(o.address)) emit(neverReadyEvent(o, accountOf.get(o.address) ?? '', stamp));
    const outcomes = accountOutcomes(names, verdicts, result);
    for (const o of outcomes) emit(accountEvent(o, stamp));
    emit(summaryEvent(result, stamp, outcomes));
    const accountsText = renderAccountOutcomesText(outcomes, c);
    if (total > 0 || result.adopted || accountsText !== '') {
      const untouched = verdicts.names();
      write(human, renderApplyText(result, c, untouched) + accountsText);
      const plain = renderApplyText(result, undefined, untouched) + renderAccountOutcomesText(outcomes);
      appendStepSummary(io, ['### statusform apply', '', ...markdownFence(plain.trimEnd().split('\n')), ''].join('\n'));
    }
    if (result.stateFailure)
      throw new StateWriteError(
        result.stateFailedFile ?? config.statePath,
        result.stateFailure,
        store.layout === 'postgres' ? 'database' : 'file',
      );
    if (interrupts?.received) {
      const notStarted = result.outcomes.filter((o) => o.because === 'interrupted').length;
      throw new InterruptedError(
        interrupts.received,
        `${result.done} change${result.done === 1 ? '' : 's'} done and saved in the state` +
          `${store.layout === 'postgres' ? '' : ' file'}, ${notStarted} not started`,
      );
    }
    const counts = outcomeCounts(outcomes);
    if (counts.failed > 0) return 'failed';
    return counts.refused > 0 ? 'refused' : 'done';
  } finally {
    await release();
    await store.close();
    await closeDefaultAgent();
  }
}

/** A wait or retry notice as its JSON event. */
function waitEvent(line: string, notice: HttpNotice): ApplyEventLine {
  return {
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
  };
}
