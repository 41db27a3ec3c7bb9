// The contract every vendor adapter implements (the shared types are in ../model.ts).
// The engine never names a vendor: what differs between vendors is declared in `Capabilities`
// or done behind the methods of `VendorAdapter` and `VendorSession`.

import type { Position } from '../errors.js';
import type { HttpClient, HttpClientOptions } from '../http/client.js';
import type { Clock } from '../http/pacer.js';
import type {
  AccountConfig,
  ActionKind,
  DesiredItem,
  Fields,
  LiveItem,
  LiveRead,
  RateLimit,
  StateItem,
  WriteRequest,
  WriteResult,
} from '../model.js';

/** What a vendor can do. The engine decides generically from these; it never asks "are you X?". */
export interface Capabilities {
  /**
   * How live state is read.
   * - `list`: one listing (possibly paged) returns the whole collection.
   * - `item`: one read per declared key (tickets).
   * - `none`: no read API; the state file is the only record (drift cannot be seen).
   */
  read: 'list' | 'item' | 'none';
  /** Items can be created. False for tickets, which exist at the vendor already. */
  create: boolean;
  /** Items can be soft-deleted (deactivated) and reactivated. */
  softDelete: boolean;
  /** Items can be deleted for good. Always guarded: config opt-in plus `--allow-destroy`. */
  hardDelete: boolean;
  /** Writes are upserts keyed by the item key: re-sending one is harmless. */
  upsert: boolean;
  /**
   * An update can change an item's key, keeping the vendor's identity: `renamed_from`, a change
   * only the vendor's fold hides, and an owned item renamed at the vendor, renamed back.
   */
  renameInPlace: boolean;
  /** Inactive items vanish from reads; the state file remembers them so they can be reactivated. */
  hidesInactive: boolean;
  /**
   * Items are tickets whose state moves by transitions rather than being created or updated:
   * `field` is the field a transition moves (its last step is the field's new value); false otherwise.
   * A ticket declares that field under the same config key (`status`), or instead a category under
   * the key of its other desired field: `statusform adopt` writes a drifted ticket's live value there.
   */
  transitions: false | { field: string };
  /**
   * A field the vendor may require to be unique among active items (TimeTap's sort order). An
   * update to a value another item still holds is staged through a free temporary value, so no
   * intermediate state has a duplicate; a create that leaves the field out gets a free value,
   * above everything in play and below the temporary ones.
   */
  uniqueField?: string;
  /**
   * What declaring the key of a read-only live item means. `fork` (the default): the account
   * gets its own item under that key beside the shared one (TimeTap's defaults). `refuse`: the
   * read-only item is the one the vendor will hold under that key (a built-in or default status),
   * so a declaration that would change it is a plan error for its address, never a write or a
   * second item; one that matches it as it is changes nothing. Keys the vendor folds alike
   * (`foldKey`) count as the same key here.
   */
  readOnlyDeclared?: 'fork' | 'refuse';
  /**
   * The vendor has no field for an item's category, so statusform keeps it (`maps_to`) in the
   * state file, beside the item. A changed `maps_to` is then a change of its own — an `update`
   * whose only change is `maps_to` (`kept`) — applied by recording it, with no request to the vendor.
   */
  keepsCategory?: boolean;
  /**
   * Fields the vendor sets when an item is created and refuses to change afterwards, each with why
   * in a few of the vendor's words (Zendesk: `status_category`, fixed at creation). A planned update
   * or reactivation of an item found live that would change one is a plan error on the item's
   * address naming the field and both values, and no action is planned for that item: the way out
   * is a new item under another key (prune retires the old one) or the live value declared. Key
   * fields whose change the vendor takes as a new item are `replaceOn` instead.
   */
  immutable?: Readonly<Record<string, string>>;
  /**
   * How many items the vendor holds at most (Zendesk: 300 statuses per account, 100 per category),
   * counted as the vendor would hold them after the plan, over what `read` lists — so only a `list`
   * read sees them all. The changes that would take a count past its limit (the last ones, in plan
   * order) are plan errors on their addresses, with the count in the message, and planned no action.
   * An account already past a limit is not refused for it while the plan adds nothing there.
   */
  limits?: readonly CountLimit[];
}

/** One cap on how many items a vendor holds: per account, or per value of one field. */
export interface CountLimit {
  /** The most items allowed. */
  max: number;
  /** The field whose value groups the items, and the vendor's word for a group (`category`); absent: the whole account. */
  per?: { field: string; name: string };
  /**
   * Which items count. `active`: the active ones (a create or reactivation adds one). `listed`:
   * every item the vendor lists, inactive and read-only ones too (a create adds one). A limit holds
   * at the plan's peak: apply removes (deactivates, deletes) last, so a removal in the same plan
   * makes no room for an addition.
   */
  counts: 'active' | 'listed';
}

/** Reports a semantic problem at a path inside the account's YAML (e.g. ['statuses', 2, 'maps_to']). */
export type ProblemReporter = (path: (string | number)[], message: string) => void;

export interface DesiredContext {
  categories: readonly string[];
  problem: ProblemReporter;
  /**
   * Reports something the user should change in time that is not a problem yet (a credential the
   * vendor is retiring): `statusform validate` prints it, positioned; it changes no exit code.
   */
  warn?: ProblemReporter;
  /** The position of a path inside the account's YAML, for items. */
  positionOf(path: (string | number)[]): Position;
}

/** Builds the one HTTP client of an account session; the engine supplies pool, pacing, retries and redaction. */
export type HttpClientFactory = (
  opts: Pick<HttpClientOptions, 'headers' | 'describeError' | 'errorShape' | 'auth' | 'refusal'>,
) => HttpClient;

export interface VendorAdapter {
  /** The `vendor:` value in the config. */
  readonly vendor: string;
  /** How the vendor calls itself, for messages ("Property Deck", "series.hr"). */
  readonly displayName: string;
  /** The config key of the managed collection (`status_variants`, `statuses`, `tickets`). */
  readonly collection: string;
  readonly capabilities: Capabilities;
  /** The vendor's public base URL; absent when it has none (the config must then give `base_url`). */
  readonly defaultBaseUrl?: string;
  /** The vendor's documented (or assumed) rate limit. */
  readonly defaultRateLimit: RateLimit;
  /**
   * Defaults that depend on the account's settings, where the vendor has them: a base URL built
   * from a tenant name (a subdomain), a rate limit chosen by the account's plan. Each applies only
   * when the config gives no `base_url` / `rate_limit` of its own; absent fields fall back to
   * `defaultBaseUrl` / `defaultRateLimit`. Pure; settings it cannot use are reported by `desiredItems`.
   */
  accountDefaults?(settings: Readonly<Record<string, unknown>>): { baseUrl?: string; rateLimit?: RateLimit };
  /**
   * JSON Schema fragment for an account of this vendor: `properties` and `required` beyond the
   * common ones (`vendor`, `base_url`, `rate_limit`, `prune`). Composed into statusform.schema.json.
   */
  readonly accountSchema: { properties: Record<string, unknown>; required: string[] };
  /**
   * For `hardDelete` vendors: the boolean setting of `accountSchema` by which an account opts in
   * to hard deletes (Property Deck's `allow_delete`). A hard delete is planned blocked unless the
   * account sets it to `true`, and `apply` needs `--allow-destroy` as well. A `hardDelete` vendor
   * that declares none never deletes.
   */
  readonly hardDeleteSetting?: string;
  /** Setting names that hold credentials; their values are scrubbed from every output. */
  readonly secretFields: readonly string[];
  /**
   * Setting names that together make the credentials, secret or not (an email beside its API
   * token), in the order a person reads them: a refused login (401) names those the account
   * gives, where each is written. `secretFields` when absent.
   */
  readonly credentialFields?: readonly string[];
  /**
   * Turns the account's declared items into normalised desired items. Pure; reports semantic
   * problems (unknown category, bad reference) through `ctx.problem` and never throws.
   */
  desiredItems(settings: Readonly<Record<string, unknown>>, ctx: DesiredContext): DesiredItem[];
  /**
   * For `transitions` vendors: the vendor statuses to pass through to get from the live fields to
   * the desired ones, ending with the target; empty when the live status already satisfies them
   * (e.g. a desired category the live status maps to).
   */
  transitionPath?(live: Fields, desired: Fields, account: AccountConfig): string[];
  /**
   * The vendor values this account maps to categories, when they are not the declared items
   * themselves (ticket vendors map their statuses through `mappings`). Used by `statusform mappings`.
   */
  mappingEntries?(settings: Readonly<Record<string, unknown>>): { value: string; category: string }[];
  /**
   * For `statusform import`: one live item as a config item (snake_case, as the user would
   * write it), with a note when a field had to be guessed (e.g. a category the API lacks).
   * Absent when the vendor cannot be imported from; `importRefusal` then says why.
   *
   * `guessed` names the config keys whose value is not read from the vendor but guessed (a
   * category the API lacks). `statusform adopt` writes live values back into a declared item
   * through this method (the live item against the declared one, key by key) and never writes
   * a guessed key, so what the user chose stays as written. Pure.
   */
  importItem?(live: LiveItem, categories: readonly string[]): { item: Record<string, unknown>; note?: string; guessed?: readonly string[] };
  /** Why this vendor cannot be imported from, and what to do instead. */
  importRefusal?: string;
  /**
   * What a reviewer should know about one planned change beyond its field changes: a field the
   * change leaves as it was although it goes with the ones that change (Zendesk's end-user label
   * beside a renamed agent label). Each line becomes a note on the change's address. Pure.
   */
  changeNotes?(kind: ActionKind, before: Fields | null, after: Fields | null): string[];
  /**
   * What a reviewer should know about the account's planned changes taken together (Zendesk: new
   * statuses are linked to no ticket form), from the kinds of the changes planned. Each line becomes
   * a warning on the account's collection address. Pure.
   */
  planNotes?(kinds: readonly ActionKind[]): string[];
  /**
   * The vendor's identity of an item when it is looser than the key: keys that fold alike name
   * one item (Property Deck labels are unique whatever their case). Declaring two of them is a
   * validation error, and a change that only the fold hides (a change of case) is a rename in place.
   * A removal beside a create whose key folds alike is shown as a likely undeclared rename.
   */
  foldKey?(key: string): string;
  /**
   * The fields an item's key is made of, when it is made of several (Property Deck: `type` and
   * `label`, keyed `property:Sold STC`). The key stays the item's address; the engine compares
   * items by these fields and never splits a key apart, and `write` reads them from the request's
   * fields. Every desired and live item carries them in `fields`.
   */
  readonly keyFields?: readonly string[];
  /**
   * Key fields the vendor cannot change in place (Property Deck's `type`). An item whose declared
   * value differs is a new item: it is created, the old one is removed like any item that left the
   * config (with prune, guarded as ever), it is never renamed into the new one, and the plan says
   * so on the create.
   */
  readonly replaceOn?: readonly string[];
  /**
   * The config's items take `renamed_from`: earlier keys, or for keys of several fields, earlier
   * values of the one key field not in `replaceOn` (Property Deck's label). A create beside an owned
   * item leaving the config under a similar key is then hinted with the `renamed_from` to add.
   */
  readonly acceptsRenamedFrom?: boolean;
  /**
   * The tenant the account's settings address within the vendor's host, where the vendor has one
   * (a TimeTap business, a Spacebring network), named as the config names it, e.g.
   * `business_id 43111`. Recorded in the state file with the vendor and the base URL's origin:
   * a state file recorded for another tenant is refused before any request, since its ids belong
   * there. Undefined when the settings name none (the credentials alone decide). Pure.
   */
  tenant?(settings: Readonly<Record<string, unknown>>): string | undefined;
  /**
   * Opens a session for one account. Makes no request until a method is called. `clock` is the
   * run's clock: the session takes the time from it (a signed timestamp, a rule's age cut-off),
   * never from `Date.now()`, so tests and benchmarks can set it.
   */
  open(account: AccountConfig, http: HttpClientFactory, clock: Clock): VendorSession;
}

/**
 * One account's connection to its vendor. Semantics follow controller-runtime's reconcile
 * contract: `read` reads live state every time; a thrown `VendorError` is terminal for that
 * item (the executor marks it failed and skips its dependents); the HTTP client has already
 * retried what can be retried.
 */
export interface VendorSession {
  /**
   * Reads live state. `desired` are the declared items (item-read vendors read just those);
   * `state` is what the state file remembers of this account (no-read vendors return it as live).
   */
  read(desired: readonly DesiredItem[], state: Readonly<Record<string, StateItem>>): Promise<LiveRead>;
  /**
   * Makes one write. Must not create a duplicate: a create whose outcome is unknown is
   * resolved by re-reading (the HTTP client's `recover` hook), never by blindly re-sending.
   * If it throws, the item must be as it was or as asked (never half-created).
   */
  write(req: WriteRequest): Promise<WriteResult>;
}
