// Adopting drift: a drifted plan action → the edit of its declared config item that makes the
// configuration say what the vendor has now, so the next plan shows no change for it. Pure; decided
// from the adapter's contract only (`importItem`, `capabilities.transitions`), never by vendor.

import type { DesiredItem, FieldValue, LiveItem, StateItem } from '../model.js';
import type { AdoptedItem } from '../state/recorder.js';
import type { VendorAdapter } from '../vendors/adapter.js';
import { sameValue } from './diff/fields.js';
import type { PlanAction } from './plan.js';

/** A scalar a config key can be set to. */
export type ConfigScalar = string | number | boolean | null;

/** How one declared item's YAML changes. Keys are config keys, as the user writes them. */
export interface ItemEdit {
  address: string;
  /** The declared item: its position finds its YAML node. */
  item: DesiredItem;
  /** Config keys whose value becomes the live one (in the order the adapter gives them). */
  set: Record<string, ConfigScalar>;
  /** Config keys that go, replaced by a key of `set` (a ticket's `category` by its live `status`). */
  replace: string[];
  /** The declared key changes (the item was renamed at the vendor): references to the old key follow. */
  rekey?: { from: string; to: string };
}

/** Why a drifted action cannot be written into the configuration. */
export interface AdoptRefusal {
  address: string;
  reason: string;
}

/**
 * The edit that adopts one drifted action into the declared item `declared`, or why it cannot be.
 * - An update (fields moved, or the item renamed at the vendor): through `importItem`, the live item
 *   and the declared one (declared fields over the live ones) become config items; each key whose
 *   value differs is set to the live value. Guessed keys (a category) and fields the config does not
 *   declare are never written; so everything the user wrote and the vendor lacks (`maps_to`) stays.
 * - A transition (a ticket moved at the vendor): the live value of the transitions field is written
 *   under that key; a declared category is replaced by it (a drifted ticket's category no longer
 *   matches, or there would be no transition).
 * - A create or reactivation (the item was removed or deactivated at the vendor): an absence is not
 *   a value, so it is refused: remove the item from the configuration, or apply to bring it back.
 */
export function adoptEdit(
  action: PlanAction,
  declared: DesiredItem,
  adapter: VendorAdapter,
  categories: readonly string[],
): ItemEdit | AdoptRefusal {
  const refuse = (reason: string): AdoptRefusal => ({ address: action.address, reason });
  const live = action.before;
  if (action.action === 'create')
    return refuse(`it is gone at ${adapter.vendor}: remove it from the configuration, or apply to create it again`);
  if (action.action === 'reactivate')
    return refuse(`it was deactivated at ${adapter.vendor}: remove it from the configuration, or apply to reactivate it`);
  if (live === null || (action.action !== 'update' && action.action !== 'transition'))
    return refuse(`a ${action.action} cannot be adopted`);

  const transitions = adapter.capabilities.transitions;
  if (action.action === 'transition' && transitions) {
    const value = live[transitions.field];
    if (!isScalar(value)) return refuse(`${adapter.vendor} gave no ${transitions.field} to adopt`);
    const replace = Object.keys(declared.fields).filter((k) => k !== transitions.field);
    return { address: action.address, item: declared, set: { [transitions.field]: value }, replace };
  }

  if (!adapter.importItem)
    return refuse(`${adapter.vendor} cannot turn a live item into configuration (${adapter.importRefusal ?? 'no importItem'})`);
  const liveKey = action.from_key ?? action.key;
  const asLive = (key: string, fields: LiveItem['fields']): LiveItem => ({ key, id: action.id, fields, active: true });
  const now = adapter.importItem(asLive(liveKey, live), categories);
  const was = adapter.importItem(asLive(declared.key, { ...live, ...declared.fields }), categories);
  const guessed = new Set([...(now.guessed ?? []), ...(was.guessed ?? [])]);
  const set: Record<string, ConfigScalar> = {};
  for (const [key, value] of Object.entries(now.item)) {
    if (guessed.has(key) || value === undefined || sameValue(value as FieldValue, was.item[key] as FieldValue)) continue;
    if (!isScalar(value))
      return refuse(`its ${key} is not a single value (${JSON.stringify(value)}); change it in the configuration by hand`);
    set[key] = value;
  }
  if (Object.keys(set).length === 0) return refuse('the live values map to the configuration as it is; nothing to write');
  return {
    address: action.address,
    item: declared,
    set,
    replace: [],
    ...(liveKey !== declared.key ? { rekey: { from: declared.key, to: liveKey } } : {}),
  };
}

/**
 * What the state records of an adopted item: the live values as the applied ones, under the key
 * the configuration now declares, by the same vendor id. So a later change at the vendor is drift
 * of that id — a second rename at the vendor is a rename back, never a create beside a removal.
 */
export function adoptedItem(action: PlanAction, edit: ItemEdit): AdoptedItem {
  return {
    account: action.account,
    key: edit.rekey?.to ?? action.key,
    ...(edit.rekey ? { from_key: edit.rekey.from } : {}),
    id: action.id,
    fields: { ...(action.before ?? {}) },
  };
}

/**
 * Why the state cannot take an adopted rename: it records another item (another vendor id) under
 * the new key. Refused as `state mv` refuses it, rather than forgetting that item's ownership.
 */
export function recordConflict(owned: Readonly<Record<string, StateItem>>, adopted: AdoptedItem): string | undefined {
  const there = adopted.from_key === undefined ? undefined : owned[adopted.key];
  if (!there || there.id === null || adopted.id === null || String(there.id) === String(adopted.id)) return undefined;
  return (
    `the state records another item under ${JSON.stringify(adopted.key)} (vendor id ${String(there.id)}); ` +
    "remove it first (statusform state rm) if it is not statusform's any more"
  );
}

export function isRefusal(x: ItemEdit | AdoptRefusal): x is AdoptRefusal {
  return 'reason' in x;
}

function isScalar(v: unknown): v is ConfigScalar {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}
