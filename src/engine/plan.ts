// The Plan: the engine's in-memory model, between the diff and everything that consumes it
// (the text and markdown renderers, the executor, the state recorder). Renderers compute
// nothing the plan lacks. It is not the public format: JSON output and saved plan files are
// the wire format of ./wire.ts (toWire), so fields here may change with the engine.

import type { ActionKind, FieldValue, Fields, Safety } from '../model.js';
import type { StateVersion } from '../state/store.js';
import { accountOf } from '../address.js';
export { accountOf, address } from '../address.js';

export interface FieldChange {
  field: string;
  before: FieldValue | undefined;
  after: FieldValue | undefined;
  /** A field statusform keeps itself (`maps_to` where the vendor has no such field): applied to the state file only. */
  kept?: true;
}

/**
 * Why an action is in the plan: the config changed, live state moved away from what was
 * last applied (drift), or `--refresh-all` asked to re-send it.
 */
export type ActionReason = 'config' | 'drift' | 'refresh';

export interface PlanAction {
  /** `account.collection["key"]`. */
  address: string;
  account: string;
  collection: string;
  key: string;
  action: ActionKind;
  /**
   * The key the live item has now, when it is not `key`: an update or reactivation renames it in
   * place; a deactivation or delete of an owned item renamed at the vendor acts on it by id.
   */
  from_key?: string;
  /** The vendor identity of the live item; null for creates. */
  id: string | number | null;
  before: Fields | null;
  after: Fields | null;
  /** The declared fields that differ (empty for create, deactivate, delete and refresh). */
  changes: FieldChange[];
  /** Addresses of actions that must succeed first; if one fails, this one is skipped. */
  depends_on: string[];
  /** Removes something a user may miss (deactivate, delete). */
  destructive: boolean;
  reason: ActionReason;
  /** For transitions: the statuses passed through, ending with the target. */
  path?: string[];
  /**
   * For an update of a field that must stay unique: the fields written first (a free temporary
   * value), before every staged update of the account is written to its final value.
   */
  via?: Fields;
  /** Why apply would refuse to make this change (e.g. a hard delete without opt-in); set at plan time. */
  blocked?: string;
  /**
   * In a plan limited by `--target`: the targeted actions this one is in the plan for (it is not
   * targeted itself, but they depend on it). Absent in an untargeted plan and on targeted actions.
   */
  dependency_of?: string[];
  /** Order within the account: 1 creates and reactivations, 2 updates and transitions, 3 deactivations and deletes. */
  phase: 1 | 2 | 3;
  /**
   * Where the vendor has no category field (`keepsCategory`): the category recorded with the item
   * once the action succeeds. Not on the wire: apply derives it again from the configuration.
   */
  category?: string;
}

export type NoteKind = 'unmanaged' | 'orphan' | 'possible_rename' | 'gone' | 'warning';

/** Something the user should know that changes nothing. */
export interface PlanNote {
  address: string;
  kind: NoteKind;
  message: string;
  /** A warning of something the apply sets off at the vendor beyond the planned changes (shown with the destructive ones). */
  side_effect?: true;
}

export interface AccountPlan {
  name: string;
  vendor: string;
  collection: string;
  /** How live state was read: `none` means drift cannot be seen (the state file is the record). */
  read: 'list' | 'item' | 'none';
  /** Digest of what was read, so a saved plan can tell whether live state moved since. */
  live_digest: string;
  /** Declared items found live and unchanged that the state file does not list yet: recorded as owned on apply. */
  adopt: Adoption[];
  /** Owned items that no longer exist at the vendor: dropped from the state file on apply. */
  forget: string[];
  /** How many items the account owned when the plan was made, and the thresholds that apply. */
  owned: number;
  safety: Safety;
}

/**
 * A declared item found at the vendor as declared that the state file does not own yet: apply
 * records it as owned (so prune may remove it later) and writes nothing at the vendor.
 */
export interface Adoption {
  /** `account.collection["key"]`. */
  address: string;
  key: string;
  /** The vendor identity of the live item, recorded as the item's. */
  id: string | number | null;
  /** The fields recorded for it (the declared ones, which the live item has). */
  fields: Fields;
}

/** Something that could not be planned: one item (e.g. a declared ticket the vendor does not know), or a whole account. */
export interface PlanError {
  address: string;
  message: string;
  /** The account's live state could not be read at all: nothing of it is planned, and apply never writes to it. */
  unread?: boolean;
  /**
   * The account was not read because statusform refused it before any request (its state belongs to
   * another vendor instance, its lock is held, its saved plan went stale): exit 3 rather than 1.
   */
  refused?: boolean;
}

/** An account's share of its vendor's rate limit (`rate_limit: { share }`), and the limit it comes to. */
export interface RateShare {
  account: string;
  share: number;
  requests: number;
  seconds: number;
}

export interface PlanSummary {
  create: number;
  update: number;
  deactivate: number;
  reactivate: number;
  delete: number;
  transition: number;
  blocked: number;
  /** Declared items found live as declared that apply records as owned (no write at the vendor). */
  adopt: number;
}

/** What a selector rule chose, and whether apply needs --allow-bulk for it. */
export interface RuleSelection {
  account: string;
  rule: string;
  /** Items the rule matched. */
  matched: number;
  /** Of those, how many the plan changes. */
  moving: number;
  max: number;
}

export interface Plan {
  /** The desired model of the accounts the plan covers (and the categories): a saved plan is refused once it changes. */
  config_digest: string;
  /** The configuration files as written: shards of one commit share it, whatever accounts each covers. */
  config_files_digest?: string;
  /** Each planned account's own configuration digest: a saved plan goes stale account by account. */
  config_digests?: Record<string, string>;
  /** Each planned account's state as read (lineage '' and serial 0 before its first write): a saved plan is refused once one moves. */
  state: { accounts: Record<string, StateVersion> };
  /** What the plan was made with, so a saved plan is replayed the same way. */
  options: { accounts: string[]; refresh_all: boolean; shard?: string; targets?: string[] };
  accounts: AccountPlan[];
  actions: PlanAction[];
  notes: PlanNote[];
  /** Items that could not be planned (e.g. a declared ticket the vendor does not know). */
  errors: PlanError[];
  /** Accounts that use only a share of their vendor's rate limit (shown in the plan header). */
  rate_shares?: RateShare[];
  rules: RuleSelection[];
  /** Safety thresholds this plan exceeds: apply refuses them without --allow-bulk. */
  thresholds: string[];
  summary: PlanSummary;
}

/** The counts of a plan's actions, and of its accounts' adoptions (a count, where the adoptions themselves are not at hand). */
export function summarise(actions: readonly PlanAction[], adoptions: readonly Pick<AccountPlan, 'adopt'>[] | number = 0): PlanSummary {
  const adopt = typeof adoptions === 'number' ? adoptions : adoptions.reduce((n, a) => n + a.adopt.length, 0);
  const s: PlanSummary = { create: 0, update: 0, deactivate: 0, reactivate: 0, delete: 0, transition: 0, blocked: 0, adopt };
  for (const a of actions) {
    s[a.action]++;
    if (a.blocked) s.blocked++;
  }
  return s;
}

/**
 * The accounts with an error in the plan: one whose live state could not be read, or with an item
 * that could not be planned. None of them is planned in full, so no output may say the plan has no changes.
 */
export function accountsWithErrors(plan: Pick<Plan, 'errors'>): string[] {
  return [...new Set(plan.errors.map((e) => accountOf(e.address)))];
}

/**
 * Every account the plan covers: those it planned and those it could not read (which it knows by
 * their error only), in the plan's order.
 */
export function accountsCovered(plan: Pick<Plan, 'accounts' | 'errors'>): string[] {
  return [...new Set([...plan.accounts.map((a) => a.name), ...accountsWithErrors(plan)])];
}

/**
 * An update whose every change is a field statusform keeps itself (`kept`), renaming nothing: it
 * is applied by writing the state file, with no request to the vendor.
 */
export function isStateOnly(a: Pick<PlanAction, 'action' | 'changes' | 'from_key'>): boolean {
  return a.action === 'update' && a.from_key === undefined && a.changes.length > 0 && a.changes.every((c) => c.kept);
}

export function phaseOf(kind: PlanAction['action']): 1 | 2 | 3 {
  if (kind === 'create' || kind === 'reactivate') return 1;
  if (kind === 'update' || kind === 'transition') return 2;
  return 3;
}
