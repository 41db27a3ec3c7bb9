// The executor: runs a plan's actions through the adapters in dependency order — accounts in
// parallel, phases in order within an account, a bounded number of actions at once — records
// each success in the state (durably, before anything new starts), and skips whatever depends
// on a failure. A stop request (an interrupt) starts nothing new and waits, bounded, for what runs.

import { VendorError } from '../errors.js';
import type { VendorSession } from '../vendors/adapter.js';
import type { WriteRequest, WriteResult } from '../model.js';
import type { StateRecorder } from '../state/recorder.js';
import { isStateOnly, type Plan, type PlanAction } from './plan.js';

export type OutcomeStatus = 'done' | 'failed' | 'skipped';

export interface ActionOutcome {
  address: string;
  action: PlanAction['action'];
  status: OutcomeStatus;
  /** For failed: the error (already free of secrets); for skipped: the address it waited on, or why it never started. */
  detail?: string;
  /** Why a skipped action never started: a failed dependency, a stop request, or a state file that cannot be written. */
  because?: 'dependency' | 'interrupted' | 'unrecordable';
  /** For done: the vendor's id of the item written (null when the vendor has none for it). */
  vendorId?: string | number | null;
  /** For done and failed: how long the action took, from its start to its outcome, in milliseconds. */
  durationMs?: number;
}

export interface ApplyResult {
  outcomes: ActionOutcome[];
  done: number;
  failed: number;
  skipped: number;
  /**
   * Declared items found live as declared and recorded as owned in the state file, without a write (set by
   * applyPlan when there are any).
   */
  adopted?: number;
  /** Why the state file could not be written, when it could not: what was done after its last good write is not recorded. */
  stateFailure?: string;
  /** The state file that could not be written (one account's, in the directory layout). */
  stateFailedFile?: string;
  /** Set when a stop request ended the run early. */
  interrupted?: boolean;
}

export type ApplyEvent = { type: 'start'; action: PlanAction } | { type: 'end'; action: PlanAction; outcome: ActionOutcome };

export interface ExecuteOptions {
  sessions: ReadonlyMap<string, VendorSession>;
  recorder: StateRecorder;
  /** Actions in flight at once, per account. */
  parallelism: number;
  onEvent?: (e: ApplyEvent) => void;
  /** Last line of defence: scrubs secrets from messages of unexpected errors. */
  scrub: (text: string) => string;
  /**
   * A stop request (the CLI aborts it on SIGINT/SIGTERM): once aborted, no action starts; those
   * not started are skipped as interrupted, and actions in flight get `graceMs` to finish.
   */
  stop?: AbortSignal;
  /** How long actions in flight may take after a stop request (default 30 s); past it they are reported unknown. */
  graceMs?: number;
  /** A monotonic clock in milliseconds, for durations (default performance.now). */
  now?: () => number;
}

const DEFAULT_STOP_GRACE_MS = 30_000;

function writeRequest(a: PlanAction): WriteRequest {
  return {
    kind: a.action,
    address: a.address,
    key: a.key,
    ...(a.from_key ? { fromKey: a.from_key } : {}),
    id: a.id,
    before: a.before,
    after: a.after,
    ...(a.path ? { path: a.path } : {}),
  };
}

/** One run's shared state: the outcomes so far, and which staged updates reached their temporary value. */
interface Run {
  opts: ExecuteOptions;
  outcomes: Map<string, ActionOutcome>;
  inPlan: Set<string>;
  staged: Set<string>;
  /** Set when the run ends without waiting for what is in flight: a late answer then changes nothing. */
  abandoned: boolean;
}

function report(run: Run, a: PlanAction, outcome: ActionOutcome): void {
  run.outcomes.set(a.address, outcome);
  run.opts.onEvent?.({ type: 'end', action: a, outcome });
}

function failed(run: Run, a: PlanAction, err: unknown): ActionOutcome {
  const message = err instanceof VendorError && err.address === a.address ? err.reason : ((err as Error).message ?? String(err));
  return { address: a.address, action: a.action, status: 'failed', detail: run.opts.scrub(message) };
}

/**
 * Makes one write and records it durably: nothing new starts before it is on disk (a write the
 * state cannot record could be repeated later). Returns the vendor's answer, or undefined when the
 * run was abandoned meanwhile.
 */
async function writeAndRecord(run: Run, a: PlanAction, req: WriteRequest): Promise<WriteResult | undefined> {
  if (isStateOnly(a)) return recordStateOnly(run, a);
  const session = run.opts.sessions.get(a.account);
  if (!session) throw new Error(`no session for account ${a.account}`);
  const result = await session.write(req);
  if (run.abandoned) return undefined; // reported unknown already; the lock may be gone, so nothing is recorded
  run.opts.recorder.record(a, result);
  await run.opts.recorder.durable();
  return result;
}

/** A change of what statusform keeps itself: recorded in the state, and nothing is sent to the vendor. */
async function recordStateOnly(run: Run, a: PlanAction): Promise<WriteResult> {
  if (a.category === undefined) throw new Error(`no category to record for ${a.address}`);
  run.opts.recorder.recordCategory({ ...a, category: a.category });
  await run.opts.recorder.durable();
  return { id: a.id, fields: a.after ?? {} };
}

/** The first write of a staged update: to its temporary value. A failure here fails the action. */
async function stageOne(run: Run, a: PlanAction): Promise<void> {
  try {
    if (!a.via) throw new Error(`no temporary value for ${a.address}`);
    if ((await writeAndRecord(run, a, { ...writeRequest(a), after: a.via })) !== undefined) run.staged.add(a.address);
  } catch (err) {
    if (!run.abandoned) report(run, a, failed(run, a, err));
  }
}

async function runOne(run: Run, a: PlanAction): Promise<void> {
  const now = run.opts.now ?? (() => performance.now());
  const started = now();
  run.opts.onEvent?.({ type: 'start', action: a });
  let outcome: ActionOutcome;
  try {
    // A staged update was moved to its temporary value already: its "before" is that value now.
    const req = run.staged.has(a.address) ? { ...writeRequest(a), before: a.via ?? a.before } : writeRequest(a);
    const result = await writeAndRecord(run, a, req);
    if (result === undefined) return;
    outcome = {
      address: a.address,
      action: a.action,
      status: 'done',
      vendorId: result.id ?? a.id,
      durationMs: Math.round(now() - started),
    };
  } catch (err) {
    outcome = { ...failed(run, a, err), durationMs: Math.round(now() - started) };
  }
  if (!run.abandoned) report(run, a, outcome);
}

function skipOne(run: Run, a: PlanAction, detail: string, because: ActionOutcome['because'] = 'dependency'): void {
  report(run, a, { address: a.address, action: a.action, status: 'skipped', detail, because });
}

/** Still in flight when the grace after a stop request ran out: the run ends without it. */
function unknownOne(run: Run, a: PlanAction): void {
  run.abandoned = true;
  report(run, a, {
    address: a.address,
    action: a.action,
    status: 'failed',
    detail: 'still in flight when the run was interrupted: whether the vendor made this change is unknown (the next plan checks it again)',
  });
}

/** Once the state file cannot be written, or a stop was requested, nothing more starts. */
function stopped(run: Run): Readiness | undefined {
  if (run.opts.stop?.aborted) return { skip: 'interrupted', because: 'interrupted' };
  const failure = run.opts.recorder.failed;
  return failure ? { skip: failure, because: 'unrecordable' } : undefined;
}

/** Ready when every dependency in the plan is done; skipped when one failed or was skipped. */
function readiness(run: Run, a: PlanAction): Readiness {
  const stop = stopped(run);
  if (stop) return stop;
  const blocker = a.depends_on.find((d) => {
    const s = run.outcomes.get(d)?.status;
    return s === 'failed' || s === 'skipped';
  });
  if (blocker) return { skip: blocker };
  return a.depends_on.every((d) => !run.inPlan.has(d) || run.outcomes.has(d)) ? 'ready' : 'wait';
}

/** One account's actions, phase by phase; staged updates first go to their temporary values, all of them, before any final write. */
async function runAccount(run: Run, actions: readonly PlanAction[], pool: Pool<PlanAction>): Promise<void> {
  const skip = (a: PlanAction, detail: string, because?: ActionOutcome['because']) => skipOne(run, a, detail, because);
  for (const phase of [1, 2, 3] as const) {
    const inPhase = actions.filter((a) => a.phase === phase);
    const toStage = inPhase.filter((a) => a.via);
    if (toStage.length > 0)
      await runBounded(
        toStage,
        pool,
        () => stopped(run) ?? 'ready',
        (a) => stageOne(run, a),
        skip,
      );
    const rest = inPhase.filter((a) => !run.outcomes.has(a.address));
    await runBounded(
      rest,
      pool,
      (a) => readiness(run, a),
      (a) => runOne(run, a),
      skip,
    );
  }
}

/** After a stop request, actions in flight get a bounded time: `gaveUp` resolves when it runs out. */
function graceAfterStop(opts: ExecuteOptions): { gaveUp: Promise<'give-up'>; dispose: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let giveUp: () => void = () => undefined;
  const gaveUp = new Promise<'give-up'>((resolve) => (giveUp = () => resolve('give-up')));
  const start = () => {
    timer = setTimeout(giveUp, opts.graceMs ?? DEFAULT_STOP_GRACE_MS);
  };
  if (opts.stop?.aborted) start();
  else opts.stop?.addEventListener('abort', start, { once: true });
  return {
    gaveUp,
    dispose: () => {
      clearTimeout(timer);
      opts.stop?.removeEventListener('abort', start);
    },
  };
}

export async function executePlan(plan: Plan, opts: ExecuteOptions): Promise<ApplyResult> {
  const run: Run = { opts, outcomes: new Map(), inPlan: new Set(plan.actions.map((a) => a.address)), staged: new Set(), abandoned: false };
  const byAccount = new Map<string, PlanAction[]>();
  for (const a of plan.actions) byAccount.set(a.account, [...(byAccount.get(a.account) ?? []), a]);
  const grace = graceAfterStop(opts);
  const pool: Pool<PlanAction> = { limit: opts.parallelism, gaveUp: grace.gaveUp, onGiveUp: (a) => unknownOne(run, a) };
  try {
    await Promise.all([...byAccount.values()].map((actions) => runAccount(run, actions, pool)));
  } finally {
    grace.dispose();
  }
  run.abandoned = true; // from here on, a late answer changes neither the outcomes nor the state
  await opts.recorder.durable();

  const list = plan.actions.map(
    (a) =>
      run.outcomes.get(a.address) ?? { address: a.address, action: a.action, status: 'skipped' as const, detail: 'never became ready' },
  );
  const stateFailure = opts.recorder.failureReason;
  const stateFailedFile = opts.recorder.failedFile;
  return {
    outcomes: list,
    done: list.filter((o) => o.status === 'done').length,
    failed: list.filter((o) => o.status === 'failed').length,
    skipped: list.filter((o) => o.status === 'skipped').length,
    ...(stateFailure ? { stateFailure } : {}),
    ...(stateFailedFile ? { stateFailedFile } : {}),
    ...(opts.stop?.aborted ? { interrupted: true } : {}),
  };
}

type Readiness = 'ready' | 'wait' | { skip: string; because?: ActionOutcome['because'] };

interface Pool<T> {
  limit: number;
  /** Resolves when the run stops waiting for what is in flight (a stop request's grace ran out). */
  gaveUp: Promise<'give-up'>;
  onGiveUp: (t: T) => void;
}

/** Runs items as they become ready, at most `limit` at a time. */
async function runBounded<T>(
  items: T[],
  pool: Pool<T>,
  readiness: (t: T) => Readiness,
  run: (t: T) => Promise<void>,
  skip: (t: T, detail: string, because?: ActionOutcome['because']) => void,
): Promise<void> {
  const waiting = [...items];
  const running = new Map<Promise<void>, T>();
  while (waiting.length > 0 || running.size > 0) {
    for (let i = 0; i < waiting.length && running.size < pool.limit; ) {
      const item = waiting[i]!;
      const r = readiness(item);
      if (r === 'wait') {
        i++;
        continue;
      }
      waiting.splice(i, 1);
      if (r !== 'ready') {
        skip(item, r.skip, r.because);
        i = 0; // a skip may unblock nothing but can cascade: look again from the start
        continue;
      }
      const p: Promise<void> = run(item).finally(() => running.delete(p));
      running.set(p, item);
    }
    if (running.size === 0) {
      // Only waiting items are left and nothing runs: their dependencies can never finish.
      for (const item of waiting.splice(0)) skip(item, 'a dependency that never ran');
      break;
    }
    if ((await Promise.race([...running.keys(), pool.gaveUp])) === 'give-up') {
      for (const item of running.values()) pool.onGiveUp(item);
      for (const item of waiting.splice(0)) skip(item, 'interrupted', 'interrupted');
      running.clear();
      return;
    }
  }
}
