// The executor: runs a plan's actions through the adapters in dependency order — accounts in
// parallel, phases in order within an account, a bounded number of actions at once — records
// each success in the state (durably, before anything new starts), and skips whatever depends
// on a failure. A stop request (an interrupt) starts nothing new and waits, bounded, for what runs.

import { VendorError } from '../errors.js';
import type { VendorSession } from '../vendors/adapter.js';
import type { WriteRequest } from '../model.js';
import type { StateRecorder } from '../state/recorder.js';
import type { Plan, PlanAction } from './plan.js';

export type OutcomeStatus = 'done' | 'failed' | 'skipped';

export interface ActionOutcome {
  address: string;
  action: PlanAction['action'];
  status: OutcomeStatus;
  /** For failed: the error (already free of secrets); for skipped: the address it waited on, or why it never started. */
  detail?: string;
  /** Why a skipped action never started: a failed dependency, a stop request, or a state file that cannot be written. */
  because?: 'dependency' | 'interrupted' | 'unrecordable';
}

export interface ApplyResult {
  outcomes: ActionOutcome[];
  done: number;
  failed: number;
  skipped: number;
  /** Why the state file could not be written, when it could not: what was done after its last good write is not recorded. */
  stateFailure?: string;
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
}

export const DEFAULT_STOP_GRACE_MS = 30_000;

export function writeRequest(a: PlanAction): WriteRequest {
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

export async function executePlan(plan: Plan, opts: ExecuteOptions): Promise<ApplyResult> {
  const outcomes = new Map<string, ActionOutcome>();
  const inPlan = new Set(plan.actions.map((a) => a.address));
  const byAccount = new Map<string, PlanAction[]>();
  for (const a of plan.actions) byAccount.set(a.account, [...(byAccount.get(a.account) ?? []), a]);

  const staged = new Set<string>();
  /** Set when the run ends without waiting for what is in flight: a late answer then changes nothing. */
  let abandoned = false;
  /** The first write of a staged update: to its temporary value. A failure here fails the action. */
  const stage = async (a: PlanAction): Promise<void> => {
    const session = opts.sessions.get(a.account);
    try {
      if (!session || !a.via) throw new Error(`no session for account ${a.account}`);
      const result = await session.write({ ...writeRequest(a), after: a.via });
      if (abandoned) return;
      opts.recorder.record(a, result);
      await opts.recorder.durable();
      staged.add(a.address);
    } catch (err) {
      fail(a, err);
    }
  };

  const fail = (a: PlanAction, err: unknown) => {
    if (abandoned) return;
    const message = err instanceof VendorError && err.address === a.address ? err.reason : ((err as Error).message ?? String(err));
    const outcome: ActionOutcome = { address: a.address, action: a.action, status: 'failed', detail: opts.scrub(message) };
    outcomes.set(a.address, outcome);
    opts.onEvent?.({ type: 'end', action: a, outcome });
  };

  const runOne = async (a: PlanAction): Promise<void> => {
    const session = opts.sessions.get(a.account);
    opts.onEvent?.({ type: 'start', action: a });
    let outcome: ActionOutcome;
    try {
      if (!session) throw new Error(`no session for account ${a.account}`);
      // A staged update was moved to its temporary value already: its "before" is that value now.
      const req = staged.has(a.address) ? { ...writeRequest(a), before: a.via ?? a.before } : writeRequest(a);
      const result = await session.write(req);
      if (abandoned) return; // reported unknown already; the lock may be gone, so nothing is recorded
      opts.recorder.record(a, result);
      // Nothing new starts before this is on disk: a write the state cannot record could be repeated later.
      await opts.recorder.durable();
      outcome = { address: a.address, action: a.action, status: 'done' };
    } catch (err) {
      const message = err instanceof VendorError && err.address === a.address ? err.reason : ((err as Error).message ?? String(err));
      outcome = { address: a.address, action: a.action, status: 'failed', detail: opts.scrub(message) };
    }
    if (abandoned) return;
    outcomes.set(a.address, outcome);
    opts.onEvent?.({ type: 'end', action: a, outcome });
  };

  const skip = (a: PlanAction, detail: string, because: ActionOutcome['because'] = 'dependency') => {
    const outcome: ActionOutcome = { address: a.address, action: a.action, status: 'skipped', detail, because };
    outcomes.set(a.address, outcome);
    opts.onEvent?.({ type: 'end', action: a, outcome });
  };

  // After a stop request, actions in flight get a bounded time; past it the run ends without them.
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  let giveUp: () => void = () => undefined;
  const gaveUp = new Promise<'give-up'>((resolve) => (giveUp = () => resolve('give-up')));
  const startGrace = () => {
    graceTimer = setTimeout(giveUp, opts.graceMs ?? DEFAULT_STOP_GRACE_MS);
  };
  if (opts.stop?.aborted) startGrace();
  else opts.stop?.addEventListener('abort', startGrace, { once: true });
  const unknown = (a: PlanAction) => {
    abandoned = true;
    const outcome: ActionOutcome = { address: a.address, action: a.action, status: 'failed', detail: 'still in flight when the run was interrupted: whether the vendor made this change is unknown (the next plan checks it again)' };
    outcomes.set(a.address, outcome);
    opts.onEvent?.({ type: 'end', action: a, outcome });
  };

  // Once the state file cannot be written, or a stop was requested, nothing more starts.
  const stopped = (): Readiness | undefined => {
    if (opts.stop?.aborted) return { skip: 'interrupted', because: 'interrupted' };
    const failed = opts.recorder.failed;
    return failed ? { skip: failed, because: 'unrecordable' } : undefined;
  };
  const pool = { limit: opts.parallelism, gaveUp, onGiveUp: unknown };
  try {
    await Promise.all(
      [...byAccount.values()].map(async (actions) => {
        for (const phase of [1, 2, 3] as const) {
          const inPhase = actions.filter((a) => a.phase === phase);
          // Staged updates first go to their temporary values, all of them, before any final write.
          const toStage = inPhase.filter((a) => a.via);
          if (toStage.length > 0) await runBounded(toStage, pool, () => stopped() ?? 'ready', stage, skip);
          await runBounded(
            inPhase.filter((a) => !outcomes.has(a.address)),
            pool,
            (a) => {
              const stop = stopped();
              if (stop) return stop;
              const blocker = a.depends_on.find((d) => {
                const s = outcomes.get(d)?.status;
                return s === 'failed' || s === 'skipped';
              });
              if (blocker) return { skip: blocker };
              return a.depends_on.every((d) => !inPlan.has(d) || outcomes.has(d)) ? 'ready' : 'wait';
            },
            runOne,
            skip,
          );
        }
      }),
    );
  } finally {
    clearTimeout(graceTimer);
    opts.stop?.removeEventListener('abort', startGrace);
  }
  abandoned = true; // from here on, a late answer changes neither the outcomes nor the state
  await opts.recorder.durable();

  const list = plan.actions.map((a) => outcomes.get(a.address) ?? { address: a.address, action: a.action, status: 'skipped' as const, detail: 'never became ready' });
  const stateFailure = opts.recorder.failureReason;
  return {
    outcomes: list,
    done: list.filter((o) => o.status === 'done').length,
    failed: list.filter((o) => o.status === 'failed').length,
    skipped: list.filter((o) => o.status === 'skipped').length,
    ...(stateFailure ? { stateFailure } : {}),
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
async function runBounded<T>(items: T[], pool: Pool<T>, readiness: (t: T) => Readiness, run: (t: T) => Promise<void>, skip: (t: T, detail: string, because?: ActionOutcome['because']) => void): Promise<void> {
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
