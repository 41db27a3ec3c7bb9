// Records what apply did into the state, and persists it after every successful action.
// Writes are coalesced (one in flight, one queued) so a fast apply is not throttled by fsync;
// each write is an atomic replace with a higher serial, of the accounts changed since the last
// one only (one file each in the directory layout, the one state file in the file layout, one
// transaction in PostgreSQL). `durable()` says when what was recorded is on disk (or the write
// failed), so the executor starts nothing it could not record.

import type { ActionKind, Fields, WriteResult } from '../model.js';
import { StateWriteError, fileProblem } from '../errors.js';
import { accountState, type AccountBinding } from './state-file.js';
import { StateFileFailure, type Snapshot, type StateStore } from './store.js';

/** What the recorder needs to know of an action that succeeded (a plan action has these and more). */
export interface RecordedAction {
  account: string;
  key: string;
  action: ActionKind;
  /** The key the item had at the vendor before this action (renamed in place, or acted on by id). */
  from_key?: string;
  id: string | number | null;
  /** The category statusform keeps for the item, where the vendor has no field for it. */
  category?: string;
}

/**
 * A drifted item whose live values `statusform adopt` wrote into the configuration: recorded as
 * if applied. `key` is the key the configuration declares now; `from_key` the key it was recorded
 * under, when the adoption renamed it (the item renamed at the vendor).
 */
export interface AdoptedItem {
  account: string;
  key: string;
  from_key?: string;
  id: string | number | null;
  /** The live fields, which the configuration now declares. */
  fields: Fields;
}

/** What an account's plan says to record without a write: items adopted as owned, items gone for good. */
export interface Reconciliation {
  name: string;
  adopt: readonly { key: string; id: string | number | null; fields: Fields }[];
  forget: readonly string[];
}

export class StateRecorder {
  private writing: Promise<void> | undefined;
  private dirty = false;
  private failure: StateFileFailure | undefined;
  /** Accounts recorded since the last write began. */
  private changed = new Set<string>();
  /** Changes recorded so far, and how many of them are on disk: a write covers all recorded before it began. */
  private recorded = 0;
  private persisted = 0;
  private waiters: { upTo: number; resolve: () => void }[] = [];

  constructor(
    readonly state: Snapshot,
    private readonly store: StateStore,
    /** The vendor instance each account's items are recorded for (see AccountBinding). */
    private readonly bindingOf: (account: string) => AccountBinding,
  ) {}

  /** Why the state file could not be written, once a write failed: no further action should start. */
  get failed(): string | undefined {
    const what = this.store.layout === 'postgres' ? 'the state' : 'the state file';
    return this.failure ? `${what} could not be written: ${fileProblem(this.failure.cause)}` : undefined;
  }

  /** The state file a write failed on. */
  get failedFile(): string | undefined {
    return this.failure?.file;
  }

  /** What went wrong with the state file, in words, once a write failed. */
  get failureReason(): string | undefined {
    return this.failure ? fileProblem(this.failure.cause) : undefined;
  }

  /** Records the outcome of one successful action and schedules a write. */
  record(action: RecordedAction, result: WriteResult): void {
    const items = accountState(this.state, action.account, this.bindingOf(action.account)).items;
    // The record under the key the item had (a rename in place) is this item's only if its id says so.
    const old = action.from_key === undefined ? undefined : items[action.from_key];
    const oldIsThis = old !== undefined && (old.id === null || action.id === null || String(old.id) === String(action.id));
    const previous = (oldIsThis ? old : undefined) ?? items[action.key];
    if (oldIsThis) delete items[action.from_key!];
    // One record per vendor id: the item renamed (at the vendor, or back by statusform) leaves no record under another key.
    const id = result.id ?? action.id;
    if (id !== null)
      for (const [k, it] of Object.entries(items)) if (k !== action.key && it.id !== null && String(it.id) === String(id)) delete items[k];
    switch (action.action) {
      case 'delete':
        delete items[action.key];
        break;
      case 'deactivate':
        // What the vendor answered is the latest word on the row's fields (a hidden row cannot be read again).
        items[action.key] = {
          ...previous,
          fields: { ...previous?.fields, ...result.fields },
          id: result.id ?? previous?.id ?? null,
          active: false,
        };
        break;
      default: {
        const category = action.category ?? previous?.category;
        items[action.key] = {
          id: result.id,
          fields: result.fields,
          active: true,
          ...(previous?.dependsOn ? { dependsOn: previous.dependsOn } : {}),
          ...(category !== undefined ? { category } : {}),
        };
      }
    }
    this.schedule(action.account);
  }

  /**
   * An update of what statusform keeps itself (`isStateOnly`): the item's category changes in the
   * state, and nothing else does — no vendor answer has come to say anything about its fields.
   */
  recordCategory(action: RecordedAction & { category: string }): void {
    const item = this.state.accounts[action.account]?.items[action.key];
    if (!item) throw new Error(`no record of ${action.account} ${action.key} to change the category of`);
    item.category = action.category;
    this.schedule(action.account);
  }

  /**
   * The category of an owned item that has none recorded yet (adopted, or recorded before categories
   * were kept), so a later change of it shows in the plan. One already recorded is changed only by an action.
   */
  fillCategory(account: string, key: string, category: string): void {
    const item = this.state.accounts[account]?.items[key];
    if (!item || item.category !== undefined) return;
    item.category = category;
    this.schedule(account);
  }

  /** Declared items found live unchanged become owned; owned items gone from the vendor are forgotten. */
  reconcile(account: Reconciliation, dependsOn: (key: string) => string[] | undefined): void {
    if (account.adopt.length === 0 && account.forget.length === 0) return;
    const items = accountState(this.state, account.name, this.bindingOf(account.name)).items;
    for (const a of account.adopt) {
      const deps = dependsOn(a.key);
      items[a.key] = { id: a.id, fields: a.fields, active: true, ...(deps && deps.length > 0 ? { dependsOn: deps } : {}) };
    }
    for (const key of account.forget) delete items[key];
    this.schedule(account.name);
  }

  /**
   * A drifted item adopted into the configuration: its live values become the applied ones, so the
   * next change at the vendor is drift again. Renamed, its record moves to the new key keeping its
   * vendor id (as `state mv` does), and what other items record as depending on it follows.
   */
  recordAdopted(adopted: AdoptedItem): void {
    const { account, key, from_key: from, id, fields } = adopted;
    // Before `record`, which schedules the write: the write takes the state as it is then.
    if (from !== undefined)
      for (const it of Object.values(this.state.accounts[account]?.items ?? {}))
        if (it.dependsOn?.includes(from)) it.dependsOn = it.dependsOn.map((d) => (d === from ? key : d));
    this.record({ account, key, action: 'update', ...(from !== undefined ? { from_key: from } : {}), id }, { id, fields });
  }

  /** Items `statusform import` adopted; `pending`: not declared yet, so not pruned until they are. */
  adoptImported(account: string, live: readonly { key: string; id: string | number | null; fields: Fields }[], pending: boolean): void {
    if (live.length === 0) return;
    const items = accountState(this.state, account, this.bindingOf(account)).items;
    for (const l of live) items[l.key] = { id: l.id, fields: l.fields, active: true, ...(pending ? { imported: true as const } : {}) };
    this.schedule(account);
  }

  /** Remembers what each owned item depends on, so a later deactivation can run dependents first. */
  setDependsOn(account: string, key: string, deps: string[]): void {
    const item = this.state.accounts[account]?.items[key];
    if (!item || JSON.stringify(item.dependsOn ?? []) === JSON.stringify(deps)) return;
    if (deps.length > 0) item.dependsOn = deps;
    else delete item.dependsOn;
    this.schedule(account);
  }

  private schedule(account: string): void {
    this.recorded++;
    this.changed.add(account);
    this.dirty = true;
    this.writing ??= this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        const upTo = this.recorded;
        const accounts = this.changed;
        this.changed = new Set();
        await this.store.write(this.state, accounts);
        this.persisted = upTo;
        this.wake();
      }
    } catch (err) {
      this.failure = err instanceof StateFileFailure ? err : new StateFileFailure(this.store.path, err);
      this.wake();
    } finally {
      this.writing = undefined;
    }
  }

  private wake(): void {
    const ready = this.waiters.filter((w) => this.failure || w.upTo <= this.persisted);
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }

  /**
   * Resolves once everything recorded so far is on disk, or once the state file failed (then
   * `failed` says why). Never rejects. Later records do not hold it up: a write that began
   * after this call covers it.
   */
  durable(): Promise<void> {
    const upTo = this.recorded;
    if (this.failure || this.persisted >= upTo) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ upTo, resolve }));
  }

  /** Waits until everything recorded is on disk; throws a StateWriteError if a write failed. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.failure) throw new StateWriteError(this.failure.file, fileProblem(this.failure.cause));
  }
}
