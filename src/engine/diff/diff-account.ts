// The diff: desired items (config) against live items (vendor, or state file where there is no
// read API) and the state file's record of ownership → the actions and notes of one account.
// A short composition of pure stages: match (diff/match.ts) → classify (diff/classify.ts, then the
// vendor's count limits, diff/limits.ts) → passes (diff/passes.ts). No I/O, no clock; decides only
// from the adapter's declared capabilities.

import { CanonicalHash } from '../../digest.js';
import type { VendorAdapter } from '../../vendors/adapter.js';
import type { AccountConfig, LiveItem, LiveRead, StateItem } from '../../model.js';
import { address, phaseOf, type AccountPlan, type PlanAction, type PlanNote } from '../plan.js';
import { classify } from './classify.js';
import { enforceLimits, type Judged } from './limits.js';
import { matchRows } from './match.js';
import { linkDependencies, relationNote, renameHints, stageUniqueUpdates, type KeyedItem, type KeyShape } from './passes.js';

export { fieldChanges } from './fields.js';
export { liveByKeyOf, matchRecordedIds, type RecordedIdMatch } from './match.js';

export interface DiffOptions {
  /** Re-send every declared item of vendors without a read API (their drift cannot be seen). */
  refreshAll?: boolean;
}

export interface AccountDiff {
  account: AccountPlan;
  actions: PlanAction[];
  notes: PlanNote[];
  errors: { address: string; message: string }[];
}

/** The verdicts of an account's rows, gathered in row order into its plan's parts. */
interface Gathered {
  actions: PlanAction[];
  notes: PlanNote[];
  errors: { address: string; message: string }[];
  adopt: AccountPlan['adopt'];
  forget: string[];
  /** Owned items leaving the configuration: removed ones first, then orphans. */
  leaving: KeyedItem[];
}

function gather(verdicts: Judged, addr: (key: string) => string, account: string, collection: string): Gathered {
  const g: Gathered = { actions: [], notes: [], errors: [], adopt: [], forget: [], leaving: [] };
  const orphaned: KeyedItem[] = [];
  for (const [row, v] of verdicts) {
    const at = addr(row.key);
    g.notes.push(...v.notes.map((n) => ({ address: at, ...n })));
    if (v.error !== undefined) g.errors.push({ address: at, message: v.error });
    if (v.adopt) g.adopt.push({ address: at, key: row.key, ...v.adopt });
    if (v.forget) g.forget.push(row.key);
    if (v.leaving)
      (v.leaving === 'removed' ? g.leaving : orphaned).push({ key: row.key, fields: row.live?.fields ?? row.recorded?.fields ?? {} });
    if (!v.action) continue;
    const { destructive, ...a } = v.action;
    g.actions.push({
      ...a,
      address: addr(a.key),
      account,
      collection,
      depends_on: [],
      destructive: destructive ?? false,
      phase: phaseOf(a.action),
    });
  }
  g.leaving.push(...orphaned);
  return g;
}

/**
 * Notes on creates beside items leaving the configuration: keys that fold alike or labels that look
 * edited (an undeclared rename: the hint names the `renamed_from` to add), or key fields that force a replacement.
 */
function hints(adapter: VendorAdapter, g: Gathered): PlanNote[] {
  const shape: KeyShape = {
    fold: adapter.foldKey?.bind(adapter),
    keyFields: adapter.keyFields ?? [],
    replaceOn: adapter.replaceOn ?? [],
    renamedFrom: adapter.acceptsRenamedFrom ?? false,
  };
  if (g.leaving.length === 0) return [];
  const caps = adapter.capabilities;
  const removal = caps.softDelete
    ? 'with prune'
    : caps.hardDelete
      ? 'with prune, allow_delete and --allow-destroy (a hard delete)'
      : 'by hand at the vendor';
  return renameHints(g.leaving, g.actions, (gone, created) => relationNote(gone, created, shape, adapter.vendor, removal));
}

/** The adapter's notes on planned changes, each on its change's address. */
function changeNotes(adapter: VendorAdapter, actions: readonly PlanAction[]): PlanNote[] {
  if (!adapter.changeNotes) return [];
  return actions.flatMap((a) =>
    adapter.changeNotes!(a.action, a.before, a.after).map((message) => ({ address: a.address, kind: 'warning' as const, message })),
  );
}

/** The account's warnings: its read's, then the adapter's on the planned changes taken together. */
function accountWarnings(adapter: VendorAdapter, live: LiveRead, actions: readonly PlanAction[], at: string): PlanNote[] {
  const warnings = [...live.warnings, ...(adapter.planNotes?.(actions.map((a) => a.action)) ?? [])];
  return warnings.map((w) => {
    const { message, sideEffect } = typeof w === 'string' ? { message: w, sideEffect: false } : w;
    return { address: at, kind: 'warning' as const, message, ...(sideEffect ? { side_effect: true as const } : {}) };
  });
}

/** Match, then classify each row, then hold the planned changes to the vendor's count limits. */
function judge(
  account: AccountConfig,
  adapter: VendorAdapter,
  live: LiveRead,
  owned: Readonly<Record<string, StateItem>>,
  opts: DiffOptions,
): Judged {
  const caps = adapter.capabilities;
  const fold = adapter.foldKey?.bind(adapter);
  const rows = matchRows({ declared: account.items, live, owned, caps, fold, replaceOn: adapter.replaceOn ?? [] });
  const ctx = {
    account,
    vendor: adapter.vendor,
    displayName: adapter.displayName,
    caps,
    transitionPath: adapter.transitionPath?.bind(adapter),
    refreshAll: opts.refreshAll,
    hardDeleteSetting: adapter.hardDeleteSetting,
    owned,
  };
  const judged = rows.map((row) => [row, classify(row, ctx)] as const);
  if (!caps.limits) return judged;
  return enforceLimits(judged, live.items, caps.limits, { vendor: adapter.displayName, items: adapter.collection.replaceAll('_', ' ') });
}

export function diffAccount(
  account: AccountConfig,
  adapter: VendorAdapter,
  live: LiveRead,
  owned: Readonly<Record<string, StateItem>>,
  opts: DiffOptions = {},
): AccountDiff {
  const caps = adapter.capabilities;
  const collection = adapter.collection;
  const addr = (key: string) => address(account.name, collection, key);
  const g = gather(judge(account, adapter, live, owned, opts), addr, account.name, collection);
  const notes = [
    ...g.notes,
    ...hints(adapter, g),
    ...changeNotes(adapter, g.actions),
    ...accountWarnings(adapter, live, g.actions, `${account.name}.${collection}`),
  ];
  const staged = caps.uniqueField ? stageUniqueUpdates(g.actions, live.items, account.items, caps.uniqueField) : g.actions;
  const actions = linkDependencies(staged, account.items, live.items, owned);
  const errors = [...live.errors.map((e) => ({ address: addr(e.key), message: e.message })), ...g.errors];
  const plan: AccountPlan = {
    name: account.name,
    vendor: adapter.vendor,
    collection,
    read: caps.read,
    live_digest: liveDigest(live.items),
    adopt: g.adopt,
    forget: g.forget,
    owned: Object.values(owned).filter((o) => o.active).length,
    safety: account.safety,
  };
  return { account: plan, actions, notes, errors };
}

/** Digest of live state, order-independent; hashed item by item so a large account costs no giant string. */
function liveDigest(items: readonly LiveItem[]): string {
  const hash = new CanonicalHash();
  for (const item of [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) hash.add(item).text('\n');
  return hash.digest();
}
