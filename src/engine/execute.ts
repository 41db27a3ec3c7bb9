// The executor: runs a plan's actions through the adapters in dependency order — accounts in
// parallel, phases in order within an account, a bounded number of actions at once — records
// each success in the state, and skips whatever depends on a failure.

import { VendorError } from '../errors.js';
import type { VendorSession, WriteRequest } from '../vendors/adapter.js';
import type { StateRecorder } from '../state/recorder.js';
import type { Plan, PlanAction } from './plan.js';

export type OutcomeStatus = 'done' | 'failed' | 'skipped';

export interface ActionOutcome {
  address: string;
  action: PlanAction['action'];
  status: OutcomeStatus;
  /** For failed: the error (already free of secrets); for skipped: the address it waited on. */
  detail?: string;
}

export interface ApplyResult {
  outcomes: ActionOutcome[];
  done: number;
  failed: number;
  skipped: number;
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
}

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
  /** The first write of a staged update: to its temporary value. A failure here fails the action. */
  const stage = async (a: PlanAction): Promise<void> => {
    const session = opts.sessions.get(a.account);
    try {
      if (!session || !a.via) throw new Error(`no session for account ${a.account}`);
      const result = await session.write({ ...writeRequest(a), after: a.via });
      opts.recorder.record(a, result);
      staged.add(a.address);
    } catch (err) {
      fail(a, err);
    }
  };

  const fail = (a: PlanAction, err: unknown) => {
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
      opts.recorder.record(a, result);
      outcome = { address: a.address, action: a.action, status: 'done' };
    } catch (err) {
      const message = err instanceof VendorError && err.address === a.address ? err.reason : ((err as Error).message ?? String(err));
      outcome = { address: a.address, action: a.action, status: 'failed', detail: opts.scrub(message) };
    }
    outcomes.set(a.address, outcome);
    opts.onEvent?.({ type: 'end', action: a, outcome });
  };

  const skip = (a: PlanAction, because: string) => {
    const outcome: ActionOutcome = { address: a.address, action: a.action, status: 'skipped', detail: because };
    outcomes.set(a.address, outcome);
    opts.onEvent?.({ type: 'end', action: a, outcome });
  };

  await Promise.all(
    [...byAccount.values()].map(async (actions) => {
      for (const phase of [1, 2, 3] as const) {
        const inPhase = actions.filter((a) => a.phase === phase);
        // Staged updates first go to their temporary values, all of them, before any final write.
        const toStage = inPhase.filter((a) => a.via);
        // Once the state file cannot be written, nothing more starts: a write it cannot record could be repeated later.
        const unrecordable = (): Readiness | undefined => (opts.recorder.failed ? { skip: opts.recorder.failed } : undefined);
        if (toStage.length > 0) await runBounded(toStage, opts.parallelism, () => unrecordable() ?? 'ready', stage, skip);
        await runBounded(
          inPhase.filter((a) => !outcomes.has(a.address)),
          opts.parallelism,
          (a) => {
            const stop = unrecordable();
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
  await opts.recorder.flush();

  const list = plan.actions.map((a) => outcomes.get(a.address) ?? { address: a.address, action: a.action, status: 'skipped' as const, detail: 'never became ready' });
  return {
    outcomes: list,
    done: list.filter((o) => o.status === 'done').length,
    failed: list.filter((o) => o.status === 'failed').length,
    skipped: list.filter((o) => o.status === 'skipped').length,
  };
}

type Readiness = 'ready' | 'wait' | { skip: string };

/** Runs items as they become ready, at most `limit` at a time. */
async function runBounded<T>(items: T[], limit: number, readiness: (t: T) => Readiness, run: (t: T) => Promise<void>, skip: (t: T, because: string) => void): Promise<void> {
  const waiting = [...items];
  const running = new Set<Promise<void>>();
  while (waiting.length > 0 || running.size > 0) {
    for (let i = 0; i < waiting.length && running.size < limit; ) {
      const item = waiting[i]!;
      const r = readiness(item);
      if (r === 'wait') {
        i++;
        continue;
      }
      waiting.splice(i, 1);
      if (r !== 'ready') {
        skip(item, r.skip);
        i = 0; // a skip may unblock nothing but can cascade: look again from the start
        continue;
      }
      const p: Promise<void> = run(item).finally(() => running.delete(p));
      running.add(p);
    }
    if (running.size === 0) {
      // Only waiting items are left and nothing runs: their dependencies can never finish.
      for (const item of waiting.splice(0)) skip(item, 'a dependency that never ran');
      break;
    }
    await Promise.race(running);
  }
}
