// The diff's second stage: each matched row → at most one action, the notes and errors it
// brings, and what the state file should adopt or forget — decided from the adapter's declared
// capabilities only. Pure.

import type { Capabilities } from '../../vendors/adapter.js';
import type { AccountConfig, DesiredItem, FieldValue, Fields, LiveItem, StateItem } from '../../model.js';
import { invisibleDifference, showInvisible } from '../../vendors/normalise.js';
import type { FieldChange, NoteKind, PlanAction } from '../plan.js';
import { fieldChanges, isDrift, sameId } from './fields.js';
import type { Row } from './match.js';

/** An action before it has an address, a phase and its dependencies (the account adds those). */
export type ActionDraft = Omit<PlanAction, 'address' | 'account' | 'collection' | 'phase' | 'depends_on' | 'destructive'> & {
  destructive?: boolean;
};

/** What one row comes to. Notes and errors are about the row's key. */
export interface Verdict {
  action?: ActionDraft;
  notes: { kind: NoteKind; message: string }[];
  error?: string;
  /** Found live and unchanged, not yet recorded as owned: recorded on apply. */
  adopt?: { id: string | number | null; fields: Fields };
  /** The owned record is dropped on apply. */
  forget?: true;
  /** An owned item leaving the configuration: removed (or that the vendor cannot remove), or kept as an orphan. */
  leaving?: 'removed' | 'orphaned';
}

export interface ClassifyContext {
  account: AccountConfig;
  vendor: string;
  /** How the vendor calls itself, for messages that speak for it; `vendor` where absent. */
  displayName?: string | undefined;
  caps: Capabilities;
  /** The adapter's `transitionPath`, for `transitions` vendors. */
  transitionPath?: ((live: Fields, desired: Fields, account: AccountConfig) => string[]) | undefined;
  /** Re-send every declared item of vendors without a read API. */
  refreshAll?: boolean | undefined;
  /** The account setting that must be `true` before a hard delete (the adapter's `hardDeleteSetting`). */
  hardDeleteSetting?: string | undefined;
  /** What the state file records, by key: a rename's source record says what its item mapped to. */
  owned?: Readonly<Record<string, StateItem>>;
}

/**
 * Where the vendor has no category field: the declared `maps_to` against the one statusform
 * recorded, as a change of its own. Nothing to compare before a category was first recorded.
 */
function keptChanges(d: DesiredItem, recorded: StateItem | undefined, caps: Capabilities): FieldChange[] {
  const before = recorded?.category;
  if (!caps.keepsCategory || d.category === undefined || before === undefined || before === d.category) return [];
  return [{ field: 'maps_to', before, after: d.category, kept: true }];
}

/** The category an action records with its item, where the vendor keeps none. */
function keptCategory(d: DesiredItem, caps: Capabilities): { category?: string } {
  return caps.keepsCategory && d.category !== undefined ? { category: d.category } : {};
}

/** Why an update or reactivation is planned: drift only when every change is live moving away from what statusform wrote. */
function reasonOf(changes: FieldChange[], kept: FieldChange[], recorded: StateItem | undefined): 'drift' | 'config' {
  return kept.length === 0 && isDrift(changes, recorded) ? 'drift' : 'config';
}

/** Classifies one row: a declared item, an owned item that left the configuration, or an unmanaged one. */
export function classify(row: Row, ctx: ClassifyContext): Verdict {
  if (row.declared) return refuseImmutable(classifyDeclared(row, row.declared, ctx), ctx);
  if (row.recorded) return classifyLeaving(row, row.recorded, ctx);
  return { notes: [{ kind: 'unmanaged', message: 'exists at the vendor but is not managed by statusform; left untouched' }] };
}

function classifyDeclared(row: Row, d: DesiredItem, ctx: ClassifyContext): Verdict {
  const { caps, vendor } = ctx;
  const l = row.live;
  if (l && row.via === 'id') {
    const notes: Verdict['notes'] = row.occupant
      ? [
          {
            kind: 'warning',
            message:
              `another item (id ${String(row.occupant.id)}, not managed by statusform) ` +
              `now has this key; ${vendor} may refuse the rename back if it keeps keys unique`,
          },
        ]
      : [];
    if (!caps.renameInPlace) {
      return {
        notes,
        error:
          `the item statusform made (id ${String(l.id)}) is now ${JSON.stringify(l.key)} at the vendor, ` +
          `and ${vendor} cannot change a key back: rename it back at the vendor, or declare ${JSON.stringify(l.key)}`,
      };
    }
    const v = classifyExisting(d, l, row.recorded, ctx, l.key);
    return { ...v, notes: [...notes, ...v.notes] };
  }
  if (l && row.via === 'key') return classifyExisting(d, l, row.recorded, ctx);
  if (row.readOnlyMatch) return classifyReadOnly(d, row.readOnlyMatch);
  const notes: Verdict['notes'] = [];
  if (row.twin && (l || caps.create)) {
    notes.push({
      kind: 'warning',
      message:
        `${vendor} already has "${row.twin.key}" (not managed by statusform), which it counts as the same, ` +
        `so it will likely refuse this ${l ? 'rename' : 'create'}; to adopt it instead, declare it exactly as the vendor spells it`,
    });
  }
  // Renamed in place (by fold or renamed_from): the declared fields against the source's.
  // An owned inactive source comes back as it is renamed.
  const rename = (x: LiveItem): Verdict => ({
    notes: [],
    action: {
      key: d.key,
      action: x.active ? 'update' : 'reactivate',
      from_key: x.key,
      id: x.id,
      before: x.fields,
      after: d.fields,
      changes: [...fieldChanges(d.fields, x.fields), ...keptChanges(d, row.recorded ?? ctx.owned?.[row.recordedKey ?? x.key], caps)],
      reason: 'config',
      ...keptCategory(d, caps),
    },
  });
  const v: Verdict = l ? rename(l) : classifyMissing(row, d, ctx);
  return { ...v, notes: [...notes, ...v.notes] };
}

/** A field value as a message shows it: text as it is, anything else as JSON. */
const shown = (v: FieldValue | undefined) => (typeof v === 'string' ? v : JSON.stringify(v ?? null));

/**
 * An update or reactivation that would change a field the vendor fixes at creation (`immutable`)
 * becomes the row's error, naming the field and both values: the vendor would refuse the write.
 */
function refuseImmutable(v: Verdict, ctx: ClassifyContext): Verdict {
  const fixed = ctx.caps.immutable;
  const a = v.action;
  if (!fixed || !a || (a.action !== 'update' && a.action !== 'reactivate')) return v;
  const hit = a.changes.filter((c) => !c.kept && fixed[c.field] !== undefined);
  if (hit.length === 0) return v;
  const fields = hit.map((c) => `${c.field} (${fixed[c.field]})`).join(' or ');
  const has = hit.map((c) => `${c.field} ${shown(c.before)} (declared ${shown(c.after)})`).join(', ');
  const keep = hit.map((c) => `${c.field} ${shown(c.before)}`).join(', ');
  return {
    notes: v.notes,
    error:
      `${ctx.displayName ?? ctx.vendor} cannot change ${fields}: ${JSON.stringify(a.from_key ?? a.key)} ` +
      `(id ${String(a.id)}) has ${has}. Declare a new item under another key for the new value and let prune ` +
      `retire this one, or keep ${keep}`,
  };
}

/** A declared item that is a read-only live one: nothing to do when it matches, else an error (it is never written). */
function classifyReadOnly(d: DesiredItem, fixed: LiveItem): Verdict {
  const changes = fieldChanges(d.fields, fixed.fields);
  if (changes.length === 0 && fixed.active && fixed.key === d.key) return { notes: [] };
  const what = [
    ...changes.map((c) => `${c.field} ${JSON.stringify(c.before ?? null)} → ${JSON.stringify(c.after)}`),
    ...(fixed.active ? [] : ['reactivation']),
    ...(fixed.key === d.key ? [] : [`key ${JSON.stringify(fixed.key)} → ${JSON.stringify(d.key)}`]),
  ];
  const reason = fixed.readOnlyReason ?? 'read-only at the vendor';
  return {
    notes: [],
    error:
      `${showInvisible(JSON.stringify(fixed.key))} (id ${String(fixed.id)}) is ${reason}, which statusform never writes, ` +
      `and this declaration would change it (${what.join('; ')}): remove it from the configuration, or give the item another key`,
  };
}

/** A declared item with no live item: brought back, created, or an error where the vendor cannot create. */
function classifyMissing(row: Row, d: DesiredItem, ctx: ClassifyContext): Verdict {
  const recorded = row.recorded;
  if (recorded && ctx.caps.hidesInactive && recorded.id !== null) {
    // Hidden because inactive (the vendor shows only active rows): bring the remembered row back.
    return {
      notes: [],
      action: {
        key: d.key,
        action: 'reactivate',
        id: recorded.id,
        before: recorded.fields,
        after: d.fields,
        changes: [...fieldChanges(d.fields, recorded.fields), ...keptChanges(d, recorded, ctx.caps)],
        reason: recorded.active ? 'drift' : 'config',
        ...keptCategory(d, ctx.caps),
      },
    };
  }
  if (!ctx.caps.create) return { notes: [], error: 'not found at the vendor' };
  const notes: Verdict['notes'] = [];
  const look = row.lookalike;
  if (look) {
    notes.push({
      kind: 'warning',
      message:
        `${ctx.vendor} already has ${showInvisible(JSON.stringify(look.key))} (not managed by statusform), ` +
        `which differs from this only by ${invisibleDifference(look.key, d.key)}: ` +
        'this creates a second one that looks the same; to adopt it instead, declare it exactly as the vendor spells it',
    });
  }
  if (recorded && !row.shared)
    notes.push({ kind: 'gone', message: 'owned item is missing at the vendor (removed outside statusform); it will be created again' });
  return {
    notes,
    action: {
      key: d.key,
      action: 'create',
      id: null,
      before: null,
      after: d.fields,
      changes: [],
      reason: recorded ? 'drift' : 'config',
      ...keptCategory(d, ctx.caps),
    },
  };
}

/**
 * A declared item found live. `fromKey`: the key the vendor files it under now, when it is not
 * the declared one (renamed at the vendor): it is renamed back.
 */
function classifyExisting(d: DesiredItem, l: LiveItem, recorded: StateItem | undefined, ctx: ClassifyContext, fromKey?: string): Verdict {
  const { caps } = ctx;
  const changes = fieldChanges(d.fields, l.fields);
  const kept = keptChanges(d, recorded, caps);
  const rename = fromKey === undefined ? {} : { from_key: fromKey };
  const adopt = { notes: [], adopt: { id: l.id, fields: d.fields } };
  if (caps.transitions) return classifyTicket(d, l, recorded, ctx) ?? (!recorded || recorded.imported ? adopt : { notes: [] });
  const draft = {
    key: d.key,
    ...rename,
    id: l.id,
    before: l.fields,
    after: d.fields,
    changes: [...changes, ...kept],
    ...keptCategory(d, caps),
  };
  if (!l.active) return { notes: [], action: { ...draft, action: 'reactivate', reason: recorded?.active === false ? 'config' : 'drift' } };
  if (draft.changes.length > 0 || fromKey !== undefined)
    return { notes: [], action: { ...draft, action: 'update', reason: reasonOf(changes, kept, recorded) } };
  if (ctx.refreshAll && caps.read === 'none')
    return {
      notes: [],
      action: { key: d.key, action: 'update', id: l.id, before: l.fields, after: d.fields, changes: [], reason: 'refresh' },
    };
  if (!recorded || recorded.imported || !sameId(recorded, l)) return adopt;
  return { notes: [] };
}

/** A ticket found live: a transition along the vendor's path to the declared state, when it is not there. */
function classifyTicket(d: DesiredItem, l: LiveItem, recorded: StateItem | undefined, ctx: ClassifyContext): Verdict | undefined {
  const transitions = ctx.caps.transitions;
  const changes = fieldChanges(d.fields, l.fields);
  const path = transitions && changes.length > 0 && ctx.transitionPath ? ctx.transitionPath(l.fields, d.fields, ctx.account) : [];
  if (!transitions || path.length === 0) return undefined;
  const after = { ...l.fields, ...d.fields, [transitions.field]: path[path.length - 1]! };
  return {
    notes: [],
    action: {
      key: d.key,
      action: 'transition',
      id: l.id,
      before: l.fields,
      after,
      changes: fieldChanges(after, l.fields),
      path,
      reason: isDrift(changes, recorded) ? 'drift' : 'config',
    },
  };
}

/** An owned item the configuration no longer declares: removed with prune, kept as an orphan, or forgotten when gone. */
function classifyLeaving(row: Row, recorded: StateItem, ctx: ClassifyContext): Verdict {
  // The config declares it under the key the vendor now gives it: adopted as that.
  if (row.redeclared) return { notes: [], forget: true };
  const l = row.live;
  if (!l) return classifyVanished(recorded, ctx.caps);
  if (!l.active) return { notes: [] };
  if (!sameId(recorded, l)) {
    // Same key, another vendor id: the item statusform made is gone, and this one is not statusform's.
    const message =
      `the item statusform made (id ${String(recorded.id)}) is gone; ` +
      `the one now at this key (id ${String(l.id)}) is not statusform's and is left untouched`;
    return { forget: true, notes: [{ kind: 'gone', message }] };
  }
  const now = row.via === 'id' ? ` (renamed at the vendor to ${JSON.stringify(l.key)})` : '';
  const orphan = (message: string): Verdict => ({ leaving: 'orphaned', notes: [{ kind: 'orphan', message }] });
  // Ours once, read-only now (made a vendor default since): never written, so never pruned.
  if (l.readOnly) {
    const message = `no longer in the configuration${now}, but ${l.readOnlyReason ?? 'read-only at the vendor'}: left untouched`;
    return { notes: [{ kind: 'orphan', message }] };
  }
  if (recorded.imported)
    return orphan(
      `imported, and not declared in the configuration since${now}: left untouched (declare it, ` +
        'or apply once while it is declared, and prune can remove it later)',
    );
  if (!ctx.account.prune) return orphan(`no longer in the configuration${now}; kept because prune is off`);
  // The vendor would refuse to retire it (a category's default): the plan says what to change first, and writes nothing.
  if (l.keepActive) return { notes: [], error: `no longer in the configuration${now}, but it cannot be removed: ${l.keepActive}` };
  return classifyRemoval(row, l, now, ctx);
}

/** An owned item no longer listed at the vendor: forgotten, unless the vendor hides inactive items. */
function classifyVanished(recorded: StateItem, caps: Capabilities): Verdict {
  // Where inactive rows are hidden, absence means inactive: keep remembering the id to reactivate it later.
  if (caps.hidesInactive) return { notes: [] };
  // Read one by one, an item the config no longer names was simply not read: nothing to say.
  const gone = recorded.active && caps.read !== 'item';
  const message = 'owned item no longer exists at the vendor; it will be dropped from the state file';
  return { forget: true, notes: gone ? [{ kind: 'gone', message }] : [] };
}

/** Prune of an owned item: deactivated, deleted (guarded), or noted where the vendor cannot remove it. */
function classifyRemoval(row: Row, l: LiveItem, now: string, ctx: ClassifyContext): Verdict {
  const draft = {
    key: row.key,
    ...(row.via === 'id' ? { from_key: l.key } : {}),
    id: l.id,
    before: l.fields,
    changes: [],
    reason: 'config' as const,
    destructive: true,
  };
  if (ctx.caps.softDelete) return { leaving: 'removed', notes: [], action: { ...draft, action: 'deactivate', after: l.fields } };
  if (ctx.caps.hardDelete) {
    return { leaving: 'removed', notes: [], action: { ...draft, action: 'delete', after: null, ...hardDeleteBlock(ctx) } };
  }
  const message = `no longer in the configuration${now}; ${ctx.vendor} cannot remove it`;
  return { leaving: 'removed', notes: [{ kind: 'orphan', message }] };
}

/** Why a hard delete in this account is blocked: the adapter's opt-in setting is not `true`. Nothing when it is. */
function hardDeleteBlock(ctx: ClassifyContext): { blocked?: string } {
  const setting = ctx.hardDeleteSetting;
  if (setting === undefined) return { blocked: `${ctx.vendor} has no setting that allows a hard delete` };
  if (ctx.account.settings[setting] === true) return {};
  return { blocked: `a hard delete needs ${setting}: true on the account (and --allow-destroy on apply)` };
}
