// Field comparison for the diff stages: which declared fields differ, whether a difference is
// drift, and whether a live item is the one the state file recorded. Pure.

import type { FieldValue, Fields, LiveItem, StateItem } from '../../model.js';
import type { FieldChange } from '../plan.js';

export function sameValue(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    const x = Array.isArray(a) ? a : [];
    const y = Array.isArray(b) ? b : [];
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  return (a ?? null) === (b ?? null);
}

/** The declared fields whose live value differs. Fields the config does not declare are never compared. */
export function fieldChanges(desired: Fields, live: Fields): FieldChange[] {
  const out: FieldChange[] = [];
  for (const [field, after] of Object.entries(desired)) {
    const before = live[field];
    if (!sameValue(before, after)) out.push({ field, before, after });
  }
  return out;
}

/** Live and desired differ only because live moved away from what statusform last wrote. */
export function isDrift(changes: FieldChange[], recorded: StateItem | undefined): boolean {
  if (!recorded) return false;
  return changes.every((c) => sameValue(recorded.fields[c.field], c.after));
}

/** Whether a live item is the one the state file recorded (an unknown recorded id matches any). */
export function sameId(recorded: StateItem, live: LiveItem): boolean {
  return recorded.id === null || live.id === null || String(recorded.id) === String(live.id);
}
