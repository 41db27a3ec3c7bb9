// The model: the plain types every layer shares — fields, items as declared, read and
// remembered, rate limits, writes and their results, and the account as the engine sees it.
// It imports nothing but positions, so every other module can point down to it.

import type { Position } from './errors.js';

/** A field value as compared and stored: scalars, or a list of strings (e.g. TimeTap's dependsOn). */
export type FieldValue = string | number | boolean | null | string[];
export type Fields = Record<string, FieldValue>;

/** Requests allowed per window, e.g. Property Deck's documented 60 per 60 seconds. */
export interface RateLimit {
  requests: number;
  seconds: number;
}

export interface Safety {
  max_update_percent: number;
  max_delete_percent: number;
  min_owned: number;
}

/**
 * One item as the configuration wants it. Only `fields` are compared, so adapters normalise
 * them (case, whitespace, defaults) exactly as they normalise what `read` returns: that is
 * what makes apply followed by plan empty.
 */
export interface DesiredItem {
  key: string;
  fields: Fields;
  /** The canonical category this item maps to, if the collection maps items to categories. */
  category?: string;
  /** Keys (of the same account) this item depends on: created after them, deactivated before them. */
  dependsOn: string[];
  /** Earlier keys of this item: a live item under one of them is renamed in place rather than replaced. */
  renamedFrom: string[];
  position: Position;
}

/** One item as read from the vendor (or, for vendors with no read API, from the state file). */
export interface LiveItem {
  key: string;
  /** The vendor's identity for the item (uuid, numeric id); null when the key is the identity. */
  id: string | number | null;
  fields: Fields;
  active: boolean;
  dependsOn?: string[];
  /**
   * A shared, read-only row (TimeTap's `businessId: null` defaults). It is never written; declaring
   * its key creates the account's own copy.
   */
  readOnly?: boolean;
  /** Why a read-only item is read-only, for plan errors and notes, e.g. `Zendesk's built-in open status`. */
  readOnlyReason?: string;
  /**
   * The vendor requires this item to stay active (a category's default status): why, and what to
   * change first. Its fields may be written; removing it is a plan error for its address, never a write.
   */
  keepActive?: string;
}

/** What `read` returns: the live items, plus warnings and per-address errors that do not stop the plan. */
/**
 * A warning of a read that needs more than a line: `sideEffect` when applying the plan sets off
 * something at the vendor beyond the planned changes (the plan shows it beside destructive changes).
 */
export interface LiveWarning {
  message: string;
  sideEffect?: boolean;
}

export interface LiveRead {
  items: LiveItem[];
  warnings: (string | LiveWarning)[];
  /** Items that could not be read (e.g. a declared ticket the vendor does not know). */
  errors: { key: string; message: string }[];
  /**
   * Items chosen by selector rules (e.g. every ticket resolved more than 14 days ago), desired
   * like declared ones; their live state is in `items`. A declared item with the same key wins.
   */
  selected?: SelectedItems[];
}

export interface SelectedItems {
  /** The rule's name, for the plan and its guard. */
  rule: string;
  /** How many items the rule may select before apply needs `--allow-bulk`. */
  max: number;
  items: DesiredItem[];
}

/** What the state file remembers of one owned item. */
export interface StateItem {
  id: string | number | null;
  /** The fields last written or adopted: the live state of vendors without a read API, and the drift baseline of the others. */
  fields: Fields;
  active: boolean;
  dependsOn?: string[];
  /**
   * Adopted by `statusform import` and not yet declared in the configuration. Until a plan finds
   * it declared, its absence from the config is the import not yet pasted in, not a removal.
   */
  imported?: true;
  /**
   * The category the item maps to, where the vendor has no field for it (`keepsCategory`): what
   * statusform last applied, against which a changed `maps_to` shows. Absent in state written before it was kept.
   */
  category?: string;
}

export type ActionKind = 'create' | 'update' | 'deactivate' | 'reactivate' | 'delete' | 'transition';

/** One write the executor asks an adapter to make. Built from a plan action; contains no secrets. */
export interface WriteRequest {
  kind: ActionKind;
  address: string;
  key: string;
  /**
   * The key the vendor files the item under now, when it is not `key`. An update or reactivation
   * renames it in place to `key`; a deactivation or delete acts on it by `id` and changes nothing else.
   */
  fromKey?: string;
  /** The vendor identity of the existing item (absent on create). */
  id: string | number | null;
  /** Fields before (live) and after (desired). For deactivate, `after` is the last known fields. */
  before: Fields | null;
  after: Fields | null;
  /** For transitions: the vendor statuses to pass through, in order, ending at the target. */
  path?: string[];
}

/** What a successful write leaves behind, recorded in the state file. */
export interface WriteResult {
  id: string | number | null;
  fields: Fields;
}

/** The account as the engine sees it: common settings resolved, vendor-specific raw settings kept. */
export interface AccountConfig {
  name: string;
  vendor: string;
  baseUrl: string;
  /** The limit statusform paces to: the vendor's (or `rate_limit`'s), times `rateShare` when set. */
  rateLimit: RateLimit;
  /** `rate_limit.share`: the part of the vendor's limit statusform may use. */
  rateShare?: number;
  /** Remove (deactivate, or delete where that is all the vendor has) owned items that left the config. */
  prune: boolean;
  /** Thresholds above which a plan is refused unless `--allow-bulk`. */
  safety: Safety;
  /** The longest wait the vendor may ask for before the run stops (`max_wait_seconds`). */
  maxWaitSeconds?: number;
  /** Which settings (and environment variables) hold the credentials, named when the vendor refuses them. Holds no secret. */
  credentialHint?: string;
  /** The account's settings after `${ENV}` substitution. Holds credentials: never print or store it. */
  settings: Readonly<Record<string, unknown>>;
  items: DesiredItem[];
  position: Position;
}
