// `statusform apply`: plan under the state lock, check the guards, confirm, execute, report.

import { inertText, markdownFence } from '../../inert.js';
import { InterruptedError, RefusedError, StateWriteError } from '../../errors.js';
import { closeDefaultAgent, type HttpNotice } from '../../http/client.js';
import { accountOutcomes, outcomeCounts, Verdicts, type AccountOutcome } from '../../engine/account-outcomes.js';
import { accountOf } from '../../address.js';
import type { ConfigWithState } from '../../state/config-with-state.js';
import type { ActionOutcome, ApplyResult } from '../../engine/execute.js';
import type { Plan, PlanAction } from '../../engine/plan.js';
import type { Release, Snapshot, StateStore } from '../../state/store.js';
import {
  applyPlan,
  loadState,
  makePlan,
  selectAccounts,
  stateStoreOf,
  withoutAccounts,
  type Planned,
  type RunOptions,
} from '../../engine/manager.js';
import { parseShard, type Shard } from '../../engine/shard.js';
import { guardProblems } from '../../engine/safety.js';
import { readSavedPlan, staleAgainst, staleBeforeRead, type Staleness } from '../../plan-file/saved-plan.js';
import { toWire, type WirePlan } from '../../plan-file/wire.js';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { renderApplyText, renderPlanText } from '../../render/text.js';
import { renderAccountOutcomesText } from '../../render/apply-report.js';
import { loadOrThrow } from '../context.js';
import { namedInShard, selection } from '../selection.js';
import { appendStepSummary, colors, confirm, progress, write, type Io, type OutStream, type Progress } from '../io.js';
import type { Interrupts } from '../interrupts.js';
import type { Outcome } from '../outcome.js';
import { checkTarget } from '../../engine/target.js';
import { colorsFor, type Colors } from '../../render/style.js';
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
  /** Accepted so workflows that pass it keep working: every apply leaves accounts with errors untouched and applies the others. */
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
 * plan file, so `apply PLANFILE` works from any directory. Absent (a plan that does not record it,
 * or the file is gone), the usual default applies — and the config digest still refuses the wrong one.
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

/** One apply: what it covers, where it speaks, and the accounts decided so far. */
interface ApplyRun {
  io: Io;
  opts: ApplyCommandOptions;
  /** The saved plan applied, if one was given. */
  saved: WirePlan | undefined;
  accounts: string[];
  targets: string[];
  shard: Shard | undefined;
  config: ConfigWithState;
  /** The configuration as the user named it (or as the saved plan records it): lock hints repeat it. */
  configPath: string | undefined;
  /** The accounts this apply may write: those it locks. */
  names: string[];
  /** Where a person reads: stdout, or stderr when stdout carries the JSON events. */
  human: OutStream;
  c: Colors;
  verdicts: Verdicts;
  emit: (e: ApplyEventLine) => void;
  /** The spinner running now (reading, then applying): notices go through it. */
  spin?: Progress;
}

export async function applyCommand(io: Io, opts: ApplyCommandOptions): Promise<Outcome> {
  const json = opts.json ?? false;
  const emit = (e: ApplyEventLine) => {
    if (json) write(io.stdout, eventLine(e));
  };
  emit(versionEvent(opts.statusformVersion ?? 'unknown', stamp));
  const run = startRun(io, opts, emit);
  // Only the accounts this apply may write are locked (each its own, in the directory layout): applies on others go on.
  const store = stateStoreOf(run.config, run.configPath, io.env);
  let release: Release;
  try {
    release = await lockAccounts(store, run.names, (opts.lockTimeoutSeconds ?? 0) * 1000, run.verdicts);
  } catch (err) {
    await store.close();
    throw err;
  }
  // Even at once, the process leaves no lock behind (a file lock goes now; the database frees its own when the process ends).
  opts.interrupts?.onForcedExit(() => void release());
  try {
    const state = await loadState(run.config, run.names, store);
    if (run.saved) refuseStale(run.verdicts, staleBeforeRead(run.saved, run.config, state), run.names);
    const planned = await readAndPlan(run, state);
    stopIfInterrupted(run);
    const writable = judgePlan(run, planned);
    await confirmApply(run, writable.plan);
    const result = await execute(run, state, writable, store);
    const outcomes = reportApply(run, writable.plan, result);
    return endOf(run, result, outcomes, store);
  } finally {
    await release();
    await store.close();
    await closeDefaultAgent();
  }
}

/** What the apply covers: a saved plan's accounts and options, or the flags'; the configuration, loaded for them. */
function startRun(io: Io, opts: ApplyCommandOptions, emit: ApplyRun['emit']): ApplyRun {
  // With --json, stdout carries the events only: what a person reads goes to stderr.
  const human = opts.json ? io.stderr : io.stdout;
  const planPath = opts.planFile === undefined ? undefined : resolve(io.cwd, opts.planFile);
  const saved = planPath ? readSavedPlan(planPath) : undefined;
  const named = saved ? saved.options.accounts : (opts.accounts ?? []);
  const targets = saved ? (saved.options.targets ?? []) : (opts.targets ?? []).map(checkTarget);
  const { shard } = shardOption(saved ? saved.options.shard : opts.shard);
  const configPath = opts.config ?? configOfPlan(saved, planPath);
  const config = loadOrThrow(io, configPath, selection(named, shard, targets));
  const accounts = namedInShard(named, shard);
  const c = colorsFor(human, io.env);
  const names = selectAccounts(config, accounts, shard, targets).map((a) => a.name);
  return { io, opts, saved, accounts, targets, shard, config, configPath, names, human, c, verdicts: new Verdicts(), emit };
}

/** Stops before any change when an interrupt came while reading or asking. */
function stopIfInterrupted(run: ApplyRun): void {
  const received = run.opts.interrupts?.received;
  if (received) throw new InterruptedError(received, 'nothing was applied');
}

/** Reads every account not refused yet and plans it, under a spinner; wait notices are said and emitted. */
async function readAndPlan(run: ApplyRun, state: Snapshot): Promise<Planned> {
  const { opts, verdicts } = run;
  const spin = await progress(run.io, 'Reading live state…');
  run.spin = spin;
  const say = (line: string) => run.spin?.say(line);
  try {
    return await makePlan(run.config, state, {
      ...opts.run,
      accounts: run.accounts,
      targets: run.targets,
      ...(run.shard ? { shard: run.shard } : {}),
      refreshAll: run.saved ? run.saved.options.refresh_all : (opts.refreshAll ?? false),
      refuse: new Map([...verdicts.refused].map(([name, reasons]) => [name, reasons.join('; ')])),
      ...(opts.verbose ? { httpLog: say } : {}),
      ...(opts.maxWaitSeconds !== undefined ? { maxWaitSeconds: opts.maxWaitSeconds } : {}),
      notify: (line, notice) => {
        say(line);
        run.emit(waitEvent(line, notice));
      },
    });
  } finally {
    spin.stop();
  }
}

/**
 * The plan shown, then judged account by account (its errors, a saved plan gone stale, the guards):
 * what is left is the plan of the accounts that may be written.
 */
function judgePlan(run: ApplyRun, planned: Planned): Planned {
  const { verdicts, opts } = run;
  judgeErrors(verdicts, planned.plan);
  if (run.saved)
    refuseStale(
      verdicts,
      staleAgainst(run.saved, toWire(planned.plan)),
      run.names.filter((n) => !verdicts.decided(n)),
    );
  write(run.human, renderPlanText(planned.plan, run.c, { verbose: opts.verbose ?? false, allowDestroy: opts.allowDestroy ?? false }));
  run.emit(planEvent(planned.plan, stamp));
  const guards = { allowDestroy: opts.allowDestroy ?? false, allowBulk: opts.allowBulk ?? false };
  for (const [name, reasons] of guardProblems(planned.plan, guards)) verdicts.refuse(name, reasons);
  sayVerdicts(run.io, verdicts);
  // Nothing is ever written to an account refused or failed before the first write: the others go on.
  return withoutAccounts(planned, verdicts.names());
}

/** Asks before any change, on a terminal; elsewhere --auto-approve is needed. */
async function confirmApply(run: ApplyRun, plan: Plan): Promise<void> {
  const { io, opts } = run;
  // A saved plan was reviewed when it was made (e.g. in a pull request): applying it is the approval.
  if (plan.actions.length === 0 || opts.autoApprove || run.saved) return;
  if (!io.stdin.isTTY) throw new RefusedError('apply needs confirmation: run it in a terminal, or pass --auto-approve (e.g. in CI)');
  const yes = await confirm(io, 'Do you want to perform these actions?', opts.interrupts?.signal);
  stopIfInterrupted(run);
  if (!yes) throw new RefusedError('Apply cancelled.');
}

/** Runs the plan's actions under a spinner counting them; each change is emitted, and said when done. */
async function execute(run: ApplyRun, state: Snapshot, planned: Planned, store: StateStore): Promise<ApplyResult> {
  const { opts } = run;
  const total = planned.plan.actions.length;
  let finished = 0;
  const spinApply = await progress(run.io, `Applying 0/${total}…`);
  run.spin = spinApply;
  const reported = new Set<string>();
  let result: ApplyResult;
  try {
    result = await applyPlan(run.config, state, planned, {
      store,
      parallelism: opts.parallelism ?? 4,
      ...(opts.interrupts ? { stop: opts.interrupts.signal } : {}),
      ...(opts.interruptGraceMs !== undefined ? { graceMs: opts.interruptGraceMs } : {}),
      onEvent: (e) => {
        run.emit(actionEvent(e, stamp));
        if (e.type !== 'end') return;
        reported.add(e.action.address);
        spinApply.update(`Applying ${++finished}/${total}…`);
        sayDone(run.human, e.action, e.outcome);
      },
    });
  } finally {
    spinApply.stop();
  }
  const accountByAddress = new Map(planned.plan.actions.map((a) => [a.address, a.account]));
  for (const o of result.outcomes) if (!reported.has(o.address)) run.emit(neverReadyEvent(o, accountByAddress.get(o.address) ?? '', stamp));
  return result;
}

/** A change done, for a person: its address, action, time taken and the vendor's id. */
function sayDone(human: OutStream, action: PlanAction, o: ActionOutcome): void {
  if (o.status !== 'done') return;
  const id = o.vendorId !== undefined && o.vendorId !== null ? ` [id=${inertText(String(o.vendorId))}]` : '';
  write(human, `${inertText(action.address)}: ${action.action} done after ${seconds(o.durationMs ?? 0)}${id}`);
}

/** What the apply came to, account by account: as events, as text, and in the GitHub step summary. */
function reportApply(run: ApplyRun, plan: Plan, result: ApplyResult): AccountOutcome[] {
  const { c, verdicts } = run;
  const outcomes = accountOutcomes(run.names, verdicts, result);
  for (const o of outcomes) run.emit(accountEvent(o, stamp));
  run.emit(summaryEvent(result, stamp, outcomes));
  const accountsText = renderAccountOutcomesText(outcomes, c);
  if (plan.actions.length > 0 || result.adopted || accountsText !== '') {
    const untouched = verdicts.names();
    write(run.human, renderApplyText(result, c, untouched) + accountsText);
    const plain = renderApplyText(result, undefined, untouched) + renderAccountOutcomesText(outcomes);
    appendStepSummary(run.io, ['### statusform apply', '', ...markdownFence(plain.trimEnd().split('\n')), ''].join('\n'));
  }
  return outcomes;
}

/** How the apply ends: a state that could not be written, an interrupt, or the accounts' outcomes. */
function endOf(run: ApplyRun, result: ApplyResult, outcomes: AccountOutcome[], store: StateStore): Outcome {
  if (result.stateFailure)
    throw new StateWriteError(
      result.stateFailedFile ?? run.config.statePath,
      result.stateFailure,
      store.layout === 'postgres' ? 'database' : 'file',
    );
  const received = run.opts.interrupts?.received;
  if (received) {
    const notStarted = result.outcomes.filter((o) => o.because === 'interrupted').length;
    throw new InterruptedError(
      received,
      `${result.done} change${result.done === 1 ? '' : 's'} done and saved in the state` +
        `${store.layout === 'postgres' ? '' : ' file'}, ${notStarted} not started`,
    );
  }
  const counts = outcomeCounts(outcomes);
  if (counts.failed > 0) return 'failed';
  return counts.refused > 0 ? 'refused' : 'done';
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
