// The Manager: loads what a run needs (config, state, sessions), reads every account's live
// state concurrently, diffs it into one Plan, and — for apply — hands that Plan to the executor.
// `plan` is `apply` without the executor: both go through `makePlan`.

import type { Dispatcher } from 'undici';
import { UsageError } from '../errors.js';
import { CONNECTIONS_PER_ORIGIN, HttpClient, newStats, type HttpNotice, type HttpStats } from '../http/client.js';
import { realClock, type Clock } from '../http/pacer.js';
import { redactor } from '../http/redact.js';
import type { Config } from '../config/load.js';
import type { ConfigWithState } from '../state/config-with-state.js';
import type { HttpClientFactory, VendorSession } from '../vendors/adapter.js';
import type { AccountConfig } from '../model.js';
import { adapterFor } from '../vendors/registry.js';
import { recordBinding } from '../state/state-file.js';
import { StateRecorder } from '../state/recorder.js';
import { openStateStore, type Snapshot, type StateStore } from '../state/store.js';
import { emptyPlan, planAccount, readOf, type AccountRead } from './account-reads.js';
import { executePlan, type ApplyEvent, type ApplyResult } from './execute.js';
import { matchesAccount } from '../address.js';
import { accountOf, address, summarise, type Plan } from './plan.js';
import { targetPlan } from './target.js';
import { thresholdProblems } from './safety.js';
import { inShard, type Shard } from './shard.js';
import { StartGate } from './start-gate.js';
import { bindingOf, foreignStateProblems } from './state-binding.js';

export interface RunOptions {
  /** Limit the run to these accounts (all when empty). */
  accounts?: string[];
  /** Then to this shard of them (`--shard K/N`). */
  shard?: Shard;
  refreshAll?: boolean;
  /** `--target`: only these addresses (or patterns) and what they depend on; only their accounts are read. */
  targets?: readonly string[];
  /** Injected for tests and benchmarks. */
  dispatcher?: Dispatcher;
  clock?: Clock;
  timeoutMs?: number;
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** One redacted line per HTTP request (for --verbose). */
  httpLog?: (line: string) => void;
  /** Notices a user should see without --verbose (retries, long waits), one line each, and the same as data. */
  notify?: (line: string, notice: HttpNotice) => void;
  /** Overrides every account's max_wait_seconds (--max-wait). */
  maxWaitSeconds?: number;
  /** Every request's total deadline, ms (tests shorten it). */
  deadlineMs?: number;
  stats?: HttpStats;
  /**
   * Accounts refused before any request (apply: a held lock, a saved plan gone stale), each with
   * why: not read, and in the plan as a refused error of their own, while the others are planned.
   */
  refuse?: ReadonlyMap<string, string>;
}

export interface Planned {
  plan: Plan;
  sessions: Map<string, VendorSession>;
  accounts: AccountConfig[];
  stats: HttpStats;
}

/**
 * The names a run covers, of all the configuration's (in their order): those named (all when none
 * are), then this shard's of them, then those a target names. A name that is not there, or a
 * target that names none of them, is a UsageError. Names alone decide, so the config loader can
 * be told which accounts to build before it builds any (loadConfig's `select`).
 */
export function selectNames(
  all: readonly string[],
  names: readonly string[] | undefined,
  shard?: Shard,
  targets: readonly string[] = [],
): string[] {
  let chosen = [...all];
  if (names && names.length > 0) {
    const known = new Set(all);
    const unknown = names.filter((n) => !known.has(n));
    if (unknown.length > 0)
      throw new UsageError(`unknown account ${unknown.map((n) => `"${n}"`).join(', ')} (accounts: ${all.join(', ')})`);
    chosen = chosen.filter((n) => names.includes(n));
  }
  if (shard) chosen = inShard(chosen, shard);
  if (targets.length === 0) return chosen;
  const none = targets.filter((t) => !chosen.some((n) => matchesAccount(t, n)));
  if (none.length > 0) {
    const among = chosen.length === all.length ? 'the configuration' : 'the accounts selected';
    throw new UsageError(none.map((t) => `--target ${t} names no account of ${among} (${chosen.join(', ') || 'none'})`).join('\n'));
  }
  return chosen.filter((n) => targets.some((t) => matchesAccount(t, n)));
}

/** The accounts a run covers (see selectNames). */
export function selectAccounts(
  config: Config,
  names: readonly string[] | undefined,
  shard?: Shard,
  targets: readonly string[] = [],
): AccountConfig[] {
  const chosen = new Set(
    selectNames(
      config.accounts.map((a) => a.name),
      names,
      shard,
      targets,
    ),
  );
  return config.accounts.filter((a) => chosen.has(a.name));
}

/** Opens one session per account; each gets its own HTTP client (own pacer) on the shared pool. */
export function openSessions(
  config: Config,
  accounts: readonly AccountConfig[],
  opts: RunOptions,
  stats: HttpStats,
  answered?: (account: string) => void,
): Map<string, VendorSession> {
  const sessions = new Map<string, VendorSession>();
  for (const account of accounts) {
    const adapter = adapterFor(account.vendor)!;
    const factory: HttpClientFactory = (o) =>
      new HttpClient({
        ...o,
        baseUrl: account.baseUrl,
        rateLimit: account.rateLimit,
        secrets: config.secrets,
        stats,
        ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
        ...(opts.clock ? { clock: opts.clock } : {}),
        ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
        ...(opts.retry ? { retry: opts.retry } : {}),
        ...(opts.httpLog ? { log: opts.httpLog } : {}),
        ...(opts.notify ? { notify: opts.notify } : {}),
        ...(opts.deadlineMs ? { deadlineMs: opts.deadlineMs } : {}),
        ...maxWait(opts.maxWaitSeconds ?? account.maxWaitSeconds),
        label: account.name,
        ...(answered ? { answered: () => answered(account.name) } : {}),
        ...(account.credentialHint ? { authHint: account.credentialHint } : {}),
      });
    sessions.set(account.name, adapter.open(account, factory, opts.clock ?? realClock));
  }
  return sessions;
}

function maxWait(seconds: number | undefined): { maxWaitMs?: number } {
  return seconds === undefined ? {} : { maxWaitMs: seconds * 1000 };
}

/**
 * The configuration's state, in its layout (see state/location.ts). Nothing is read or connected to
 * yet. `configPath`: the configuration as the user named it (`-c PATH`), which lock hints repeat.
 */
export function stateStoreOf(config: ConfigWithState, configPath?: string, env: NodeJS.ProcessEnv = process.env): StateStore {
  return openStateStore(
    {
      layout: config.stateLayout,
      path: config.statePath,
      ...(config.statePostgres ? { postgres: config.statePostgres } : {}),
      ...(configPath !== undefined ? { configPath } : {}),
    },
    env,
  );
}

/**
 * The recorded state of these accounts (all the configuration's when none are named): read
 * through `store`, or through a store of its own, closed once read.
 */
export async function loadState(config: ConfigWithState, names?: readonly string[], store?: StateStore): Promise<Snapshot> {
  const from = store ?? stateStoreOf(config);
  try {
    return await from.read(selectAccounts(config, names).map((a) => a.name));
  } finally {
    if (!store) await from.close();
  }
}

/** Reads live state for every selected account (concurrently) and computes the plan. */
export async function makePlan(config: ConfigWithState, state: Snapshot, opts: RunOptions = {}): Promise<Planned> {
  const targets = opts.targets ?? [];
  const selected = selectAccounts(config, opts.accounts, opts.shard, targets);
  const refused = refusedAccounts(selected, state, stateStoreOf(config), opts.refuse);
  const accounts = selected.filter((a) => !refused.has(a.name));
  const stats = opts.stats ?? newStats();
  const firstAnswer = new Map<string, () => void>();
  const sessions = openSessions(config, accounts, opts, stats, (name) => firstAnswer.get(name)?.());
  // Each account is diffed as its read arrives, while the others' are still on the wire; the plan
  // takes them in the configuration's order. A read that fails is that account's error; a diff
  // that throws is a fault of statusform's, and fails the plan (after every read has settled).
  // Reads start as their origin has room (start-gate.ts): twice what its connections carry.
  const gate = new StartGate(2 * CONNECTIONS_PER_ORIGIN);
  const settled = await Promise.allSettled(
    accounts.map((a) =>
      gate.run(originOf(a.baseUrl), (answered) => {
        firstAnswer.set(a.name, answered);
        return sessions
          .get(a.name)!
          .read(a.items, state.accounts[a.name]?.items ?? {})
          .then(
            (live): AccountRead => readOf(a, live, state, opts.refreshAll ?? false),
            (reason: unknown): AccountRead => ({ reason }),
          );
      }),
    ),
  );
  const plan = emptyPlan(config, state, selected, opts);
  const scrub = redactor(config.secrets);
  for (const [i, account] of accounts.entries()) {
    const result = settled[i]!;
    if (result.status === 'rejected') throw result.reason;
    planAccount(plan, account, result.value, scrub);
  }
  for (const [name, message] of refused) plan.errors.push({ address: name, message, unread: true, refused: true });
  plan.summary = summarise(plan.actions, plan.accounts);
  plan.thresholds = thresholdProblems(plan);
  if (targets.length === 0) return { plan, sessions, accounts, stats };
  return { plan: targetPlan(plan, targets, knownAddresses(accounts, state)), sessions, accounts, stats };
}

/**
 * The accounts not to read, each with why: those the caller refused, and those whose state
 * describes another vendor instance (its vendor ids belong there: nothing is read or written).
 */
function refusedAccounts(
  accounts: readonly AccountConfig[],
  state: Snapshot,
  store: StateStore,
  given: ReadonlyMap<string, string> = new Map(),
): Map<string, string> {
  const refused = new Map(given);
  for (const a of accounts) {
    if (refused.has(a.name)) continue;
    const [problem] = foreignStateProblems([a], state, (name) => store.fileOf(name), store.layout);
    if (problem !== undefined) refused.set(a.name, problem.slice(a.name.length + 2));
  }
  return refused;
}

/** The origin an account's requests go to (its base URL itself, should that not parse). */
function originOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return baseUrl;
  }
}

/** Every address a target may name: the declared items and the state's, of the planned accounts. */
function knownAddresses(accounts: readonly AccountConfig[], state: Snapshot): string[] {
  return accounts.flatMap((a) => {
    const collection = adapterFor(a.vendor)!.collection;
    const keys = [...a.items.map((i) => i.key), ...Object.keys(state.accounts[a.name]?.items ?? {})];
    return keys.map((key) => address(a.name, collection, key));
  });
}

/**
 * The plan without these accounts (for `apply --skip-failed-accounts`): none of their actions,
 * adoptions or bookkeeping, so apply writes nothing to them. Their errors stay, to be reported.
 */
export function withoutAccounts(planned: Planned, names: readonly string[]): Planned {
  const out = new Set(names);
  const keep = (account: string) => !out.has(account);
  const plan: Plan = {
    ...planned.plan,
    accounts: planned.plan.accounts.filter((a) => keep(a.name)),
    actions: planned.plan.actions.filter((a) => keep(a.account)),
    notes: planned.plan.notes.filter((n) => keep(accountOf(n.address))),
    rules: planned.plan.rules.filter((r) => keep(r.account)),
  };
  plan.summary = summarise(plan.actions, plan.accounts);
  plan.thresholds = thresholdProblems(plan);
  return { ...planned, plan, accounts: planned.accounts.filter((a) => keep(a.name)) };
}

export interface ApplyOptions {
  parallelism: number;
  onEvent?: (e: ApplyEvent) => void;
  /** A stop request (an interrupt): nothing new starts, what runs gets `graceMs` to finish. */
  stop?: AbortSignal;
  graceMs?: number;
  /** Where the state is written (the configuration's, by default). */
  store?: StateStore;
}

/**
 * Where the vendor has no category field, every owned item of a planned account gets its declared
 * category recorded when it has none yet (adopted now, or recorded before categories were kept), so
 * the next change of its `maps_to` is a plan line. A recorded one changes only by an action.
 */
function fillKeptCategories(recorder: StateRecorder, planned: Planned): void {
  const inPlan = new Set(planned.plan.accounts.map((a) => a.name));
  for (const account of planned.accounts) {
    if (!inPlan.has(account.name) || !adapterFor(account.vendor)?.capabilities.keepsCategory) continue;
    for (const item of account.items) if (item.category !== undefined) recorder.fillCategory(account.name, item.key, item.category);
  }
}

/**
 * Runs a plan's actions and records the outcome (and adoptions) in the state file. The caller holds
 * the lock. A state file that cannot be written is reported in the result (`stateFailure`), not thrown.
 */
export async function applyPlan(config: ConfigWithState, state: Snapshot, planned: Planned, opts: ApplyOptions): Promise<ApplyResult> {
  const store = opts.store ?? stateStoreOf(config);
  try {
    return await applyWith(config, state, planned, opts, store);
  } finally {
    if (!opts.store) await store.close();
  }
}

async function applyWith(
  config: ConfigWithState,
  state: Snapshot,
  planned: Planned,
  opts: ApplyOptions,
  store: StateStore,
): Promise<ApplyResult> {
  const bindings = new Map(config.accounts.map((a) => [a.name, bindingOf(a)]));
  const recorder = new StateRecorder(state, store, (name) => bindings.get(name) ?? { vendor: 'unknown', origin: 'unknown' });
  // A state file that does not yet say which instance it describes learns it; written with the next change.
  for (const a of planned.accounts) if (state.accounts[a.name]) recordBinding(state.accounts[a.name]!, bindings.get(a.name)!);
  const declaredDeps = new Map(planned.accounts.map((a) => [a.name, new Map(a.items.map((i) => [i.key, i.dependsOn]))]));
  for (const account of planned.plan.accounts) recorder.reconcile(account, (key) => declaredDeps.get(account.name)?.get(key));
  const result = await executePlan(planned.plan, {
    sessions: planned.sessions,
    recorder,
    parallelism: opts.parallelism,
    scrub: redactor(config.secrets),
    ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
    ...(opts.stop ? { stop: opts.stop } : {}),
    ...(opts.graceMs !== undefined ? { graceMs: opts.graceMs } : {}),
  });
  for (const [account, deps] of declaredDeps) for (const [key, d] of deps) recorder.setDependsOn(account, key, d);
  fillKeptCategories(recorder, planned);
  await recorder.durable();
  const stateFailure = recorder.failureReason;
  const adopted = planned.plan.accounts.reduce((n, a) => n + a.adopt.length, 0);
  const withAdopted = adopted > 0 ? { ...result, adopted } : result;
  return stateFailure ? { ...withAdopted, stateFailure, stateFailedFile: recorder.failedFile ?? config.statePath } : withAdopted;
}
