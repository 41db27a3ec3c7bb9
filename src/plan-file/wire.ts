// The plan on the wire: what `plan --format json` prints, what `plan --out` saves and what
// `apply PLANFILE` reads back. It is its own type, apart from the in-memory Plan (as Terraform
// keeps `plans.Plan` apart from `jsonplan`): the engine may reshape its model freely, while
// this format changes only with its version. schemas/plan.schema.json is generated from
// ./wire-schema.ts, which the compiler holds to these types.
//
// An account's adoptions are actions of their own kind (`adopt`), as Terraform names each import:
// what apply records as owned decides what prune may remove later, so a reviewer sees each one
// and a saved plan is held to them like to any change.
//
// Left out on purpose, because they are the engine's working state and apply re-derives them
// from the live state it reads anyway: an action's `phase` (follows from `action`), `via` (the
// free temporary value of a unique-field swap, chosen from whatever values are in play at
// apply time), an account's `forget` list, item counts and safety settings (state-file
// bookkeeping; what a consumer needs of them is in `thresholds`).

import { digest } from '../digest.js';
import {
  accountOf,
  accountsCovered,
  accountsWithErrors,
  type AccountPlan,
  type Adoption,
  type Plan,
  type PlanAction,
} from '../engine/plan.js';

/**
 * The version of this format. The major part changes on an incompatible change (a reader refuses
 * another major); a minor bump only adds fields, which consumers must ignore when they do not know them.
 */
export const WIRE_FORMAT_VERSION = '2.4';

/** A field's value, as declared in the config or read from the vendor. */
export type WireValue = string | number | boolean | null | string[];

/** An item's fields, by field name (snake_case, as in the config). */
export type WireFields = Record<string, WireValue>;

/**
 * What an action does. `adopt` (since 2.3) writes nothing at the vendor: apply records the item,
 * found there as declared, as owned in the state file. A reader that does not know a kind must
 * not take the plan for one it can act on.
 */
export type WireActionKind = 'create' | 'update' | 'deactivate' | 'reactivate' | 'delete' | 'transition' | 'adopt';

/** One declared field that differs. A value that is not set is left out (`before` of a field the live item lacks). */
export interface WireChange {
  field: string;
  before?: WireValue;
  after?: WireValue;
  /**
   * Since 2.4: a field statusform keeps itself, in the state file (`maps_to` where the vendor has
   * no such field). An update whose every change is kept sends nothing to the vendor.
   */
  kept?: true;
}

/** One change statusform would make at a vendor. */
export interface WireAction {
  /** `account.collection["key"]`: the identity of the item, unique within the plan. */
  address: string;
  /** The parts of `address`, so that nobody has to parse it. */
  account: string;
  collection: string;
  key: string;
  action: WireActionKind;
  /**
   * The key the live item has at the vendor now, when it is not `key`: an update or reactivation
   * renames it in place from this key; a deactivation or delete acts on the item by its vendor id.
   */
  live_key?: string;
  /** The vendor's identity of the live item (uuid, numeric id, ticket id); null for a create. */
  vendor_id: string | number | null;
  /** The item's fields now (null for a create) and after the change (null for a delete); an adoption's are the fields recorded, both. */
  before: WireFields | null;
  after: WireFields | null;
  /** The declared fields that differ (empty for create, deactivate, delete and a refresh). */
  changes: WireChange[];
  /** Addresses of actions that must succeed first; when one fails, this one is skipped. */
  depends_on: string[];
  /** Removes something a user may miss (deactivate, delete). */
  destructive: boolean;
  /**
   * `config`: the configuration asks for it; `drift`: live state moved away from what statusform last wrote;
   * `refresh`: `--refresh-all` re-sends it.
   */
  reason: 'config' | 'drift' | 'refresh';
  /** For a transition: the statuses passed through, ending with the target. */
  path?: string[];
  /** Why apply would refuse this change (e.g. a hard delete without opt-in). */
  blocked?: string;
  /**
   * Since 2.1, in a plan limited by `--target`: the targeted actions this one is in the plan for —
   * it is not targeted itself, but they depend on it. Absent on targeted actions and in untargeted plans.
   */
  dependency_of?: string[];
}

/** Something the user should know that changes nothing. */
export interface WireNote {
  address: string;
  kind: 'unmanaged' | 'orphan' | 'possible_rename' | 'gone' | 'warning';
  message: string;
  /**
   * A warning of something apply sets off at the vendor beyond the planned changes (e.g. a first customisation
   * hiding shared defaults). Since 2.1; left out when false.
   */
  side_effect?: boolean;
}

/** An item that could not be planned (e.g. a declared ticket the vendor does not know), or a whole account that could not be read. */
export interface WireError {
  address: string;
  /** The account part of `address`, so that nobody has to parse it. Since 2.3. */
  account?: string;
  message: string;
  /** Since 2.3: the account was refused before any request (e.g. its state describes another vendor instance). */
  refused?: boolean;
}

/** One account the plan covers. */
export interface WireAccount {
  name: string;
  vendor: string;
  collection: string;
  /** How live state was read: `list`, `item` by item, or `none` (no read API: drift cannot be seen). */
  read: 'list' | 'item' | 'none';
  /** A digest of the live state read for the account (`sha256:…`). */
  live_digest: string;
}

/** What a selector rule chose, and whether apply needs --allow-bulk for it. */
export interface WireRule {
  account: string;
  rule: string;
  /** Items the rule matched. */
  matched: number;
  /** Of those, how many the plan changes. */
  moving: number;
  max: number;
}

export interface WireSummary {
  create: number;
  update: number;
  deactivate: number;
  reactivate: number;
  delete: number;
  transition: number;
  /** Actions apply would refuse (see each action's `blocked`). */
  blocked: number;
  /**
   * Declared items found live as declared that apply records as owned in the state file, writing nothing at the vendor.
   * Since 2.1; since 2.3 each is also an action (`action: "adopt"`).
   */
  adopt?: number;
  /** Every account the plan covers, those that could not be planned included. Since 2.3. */
  accounts?: number;
  /**
   * Of those, the accounts that could not be planned (in full): their live state could not be read, or an item of
   * theirs could not be planned (see `errors`). When it is not 0 the plan is incomplete: the counts above are of
   * what could be planned only. Since 2.3.
   */
  errored_accounts?: number;
}

/** An account that uses only a share of its vendor's rate limit (`rate_limit: { share }`). Since 2.1. */
export interface WireRateShare {
  account: string;
  /** The share of the vendor's limit, more than 0 and at most 1. */
  share: number;
  /** The limit that comes to: `requests` per `seconds`. */
  requests: number;
  seconds: number;
}

/** Where one account's state stood when the plan was made. */
export interface WireStateVersion {
  lineage: string;
  serial: number;
}

/** A statusform plan, format 2.x. */
export interface WirePlan {
  format_version: string;
  /**
   * A digest of the configuration of the accounts the plan covers, and the categories (secrets
   * left out): a saved plan is refused once it changes. Since 2.2 it covers only those accounts,
   * so a shard's plan does not go stale when another shard's account changes.
   */
  config_digest: string;
  /** A digest of the configuration files as written: the plans of one commit's shards share it (since 2.2). */
  config_files_digest?: string;
  /**
   * Since 2.3, each planned account's own configuration digest (its settings and items, and the
   * categories): `apply PLANFILE` refuses only the accounts whose configuration changed since.
   */
  config_digests?: Record<string, string>;
  /**
   * The configuration the plan was made from (`-c`), relative to the saved plan's own folder, so
   * `apply PLANFILE` finds it from any directory. Written by `plan --out` (since 2.1).
   */
  config_path?: string;
  /**
   * The state each planned account was read at: its history (`lineage`, '' before its first
   * write) and how far along (`serial`). A saved plan is refused once one of them moves on; the
   * state of an account the plan does not cover may change freely. With a single state file,
   * every account has the file's lineage and serial.
   */
  state: { accounts: Record<string, WireStateVersion> };
  /**
   * What the plan was made with, so that a saved plan is re-derived the same way (`accounts` empty:
   * all; `shard` "K/N" since 2.1; `targets`, the `--target` addresses and patterns, since 2.1).
   */
  options: { accounts: string[]; refresh_all: boolean; shard?: string; targets?: string[] };
  accounts: WireAccount[];
  /** Each account's in dependency order, its adoptions (which depend on nothing) last. */
  actions: WireAction[];
  notes: WireNote[];
  /** Items — or whole accounts, whose live state could not be read — that could not be planned. */
  errors: WireError[];
  /** Since 2.1; left out when no account sets a share. */
  rate_shares?: WireRateShare[];
  rules: WireRule[];
  /** Safety thresholds the plan exceeds: apply refuses them without --allow-bulk. */
  thresholds: string[];
  summary: WireSummary;
}

function wireAction(a: PlanAction): WireAction {
  return {
    address: a.address,
    account: a.account,
    collection: a.collection,
    key: a.key,
    action: a.action,
    ...(a.from_key !== undefined ? { live_key: a.from_key } : {}),
    vendor_id: a.id,
    before: a.before,
    after: a.after,
    changes: a.changes.map((c) => ({
      field: c.field,
      ...(c.before !== undefined ? { before: c.before } : {}),
      ...(c.after !== undefined ? { after: c.after } : {}),
      ...(c.kept ? { kept: true as const } : {}),
    })),
    depends_on: [...a.depends_on],
    destructive: a.destructive,
    reason: a.reason,
    ...(a.path !== undefined ? { path: [...a.path] } : {}),
    ...(a.blocked !== undefined ? { blocked: a.blocked } : {}),
    ...(a.dependency_of !== undefined ? { dependency_of: [...a.dependency_of] } : {}),
  };
}

/** An adoption as an action: nothing changes at the vendor, so before and after are the fields recorded. */
function adoptAction(account: AccountPlan, a: Adoption): WireAction {
  return {
    address: a.address,
    account: account.name,
    collection: account.collection,
    key: a.key,
    action: 'adopt',
    vendor_id: a.id,
    before: { ...a.fields },
    after: { ...a.fields },
    changes: [],
    depends_on: [],
    destructive: false,
    reason: 'config',
  };
}

/** The plan's actions and adoptions, grouped by account in the plan's order (a stable sort keeps each account's own order). */
function wireActions(plan: Plan): WireAction[] {
  const rank = new Map(plan.accounts.map((a, i) => [a.name, i]));
  const at = (account: string) => rank.get(account) ?? rank.size;
  const adoptions = plan.accounts.flatMap((account) => account.adopt.map((a) => adoptAction(account, a)));
  return [...plan.actions.map(wireAction), ...adoptions].sort((x, y) => at(x.account) - at(y.account));
}

/** What a plan was made from and with: the same fields in the in-memory plan and the wire format, copied. */
export function planOrigin(
  p: Pick<Plan, 'config_digest' | 'config_files_digest' | 'config_digests' | 'state' | 'options'>,
): Pick<WirePlan, 'config_digest' | 'config_files_digest' | 'config_digests' | 'state' | 'options'> {
  return {
    config_digest: p.config_digest,
    ...(p.config_files_digest !== undefined ? { config_files_digest: p.config_files_digest } : {}),
    ...(p.config_digests !== undefined ? { config_digests: { ...p.config_digests } } : {}),
    state: {
      accounts: Object.fromEntries(Object.entries(p.state.accounts).map(([name, v]) => [name, { lineage: v.lineage, serial: v.serial }])),
    },
    options: {
      accounts: [...p.options.accounts],
      refresh_all: p.options.refresh_all,
      ...(p.options.shard !== undefined ? { shard: p.options.shard } : {}),
      ...(p.options.targets !== undefined ? { targets: [...p.options.targets] } : {}),
    },
  };
}

/** The in-memory plan as the public, versioned format. */
export function toWire(plan: Plan): WirePlan {
  return {
    format_version: WIRE_FORMAT_VERSION,
    ...planOrigin(plan),
    accounts: plan.accounts.map((a) => ({
      name: a.name,
      vendor: a.vendor,
      collection: a.collection,
      read: a.read,
      live_digest: a.live_digest,
    })),
    actions: wireActions(plan),
    notes: plan.notes.map((n) => ({
      address: n.address,
      kind: n.kind,
      message: n.message,
      ...(n.side_effect ? { side_effect: true } : {}),
    })),
    errors: plan.errors.map((e) => ({
      address: e.address,
      account: accountOf(e.address),
      message: e.message,
      ...(e.refused ? { refused: true } : {}),
    })),
    ...(plan.rate_shares ? { rate_shares: plan.rate_shares.map((r) => ({ ...r })) } : {}),
    rules: plan.rules.map((r) => ({ account: r.account, rule: r.rule, matched: r.matched, moving: r.moving, max: r.max })),
    thresholds: [...plan.thresholds],
    summary: wireSummary(plan),
  };
}

/** The plan's counts, with how many accounts it covers and how many of them could not be planned. */
export function wireSummary(plan: Pick<Plan, 'summary' | 'accounts' | 'errors'>): WireSummary {
  return { ...plan.summary, accounts: accountsCovered(plan).length, errored_accounts: accountsWithErrors(plan).length };
}

/** The JSON text of a plan, as printed and saved. */
export function wireText(plan: Plan, configPath?: string): string {
  const wire = toWire(plan);
  return `${JSON.stringify(configPath === undefined ? wire : { ...wire, config_path: configPath }, null, 2)}\n`;
}

/** Every field of a wire action this version knows: a later minor version's additions do not count. */
const ACTION_FIELDS = [
  'address',
  'account',
  'collection',
  'key',
  'action',
  'live_key',
  'vendor_id',
  'before',
  'after',
  'changes',
  'depends_on',
  'destructive',
  'reason',
  'path',
  'blocked',
  'dependency_of',
] as const satisfies readonly (keyof WireAction)[];
// Compile-time check that the list above is complete.
type Missing = Exclude<keyof WireAction, (typeof ACTION_FIELDS)[number]>;
const complete: Missing extends never ? true : Missing = true;
void complete;

/**
 * The digest of one wire action: what a saved plan's staleness check compares. Only the fields
 * this version knows count, and each change only by its own fields, so a file from a newer
 * minor version compares by what both understand.
 */
export function actionDigest(a: WireAction): string {
  const known: Record<string, unknown> = {};
  for (const f of ACTION_FIELDS) known[f] = a[f];
  known['changes'] = a.changes.map((c) => ({ field: c.field, before: c.before, after: c.after }));
  return digest(known);
}
