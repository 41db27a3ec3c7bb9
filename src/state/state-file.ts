// The state file: what statusform created or adopted, per account and key, with a lineage
// (which history this is) and a serial (how far along). Written by atomic replace; never holds secrets.

import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync, unlinkSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { UsageError } from '../errors.js';
import type { StateItem } from '../model.js';

export const STATE_FORMAT_VERSION = 1;

/** Which vendor instance an account's state describes: its recorded ids are valid there only. */
export interface AccountBinding {
  vendor: string;
  /** The origin of the account's base URL, e.g. `https://api.timetap.com`. */
  origin: string;
  /** The tenant within it, where the vendor has one (`business_id 43111`); see VendorAdapter.tenant. */
  tenant?: string;
}

export interface AccountState {
  vendor: string;
  /** The base URL's origin the items were recorded at (absent in state files written before it was recorded). */
  origin?: string;
  /** The tenant the items were recorded in, where the vendor has one. */
  tenant?: string;
  /** Owned items by key. */
  items: Record<string, StateItem>;
}

export interface State {
  version: number;
  lineage: string;
  serial: number;
  accounts: Record<string, AccountState>;
}

export function emptyState(): State {
  return { version: STATE_FORMAT_VERSION, lineage: randomUUID(), serial: 0, accounts: {} };
}

/**
 * Reads the state file. A missing file is an empty state whose lineage is '' until the first
 * write gives it one, so plans made before the first apply agree with each other. A corrupt
 * file is an error, never silently reset.
 */
export function readState(path: string): State {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ...emptyState(), lineage: '' };
    throw new UsageError(`cannot read the state file ${path}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`the state file ${path} is not valid JSON (${(err as Error).message}); restore it from version control`);
  }
  if (!isRecord(data) || data.version !== STATE_FORMAT_VERSION || typeof data.lineage !== 'string' || typeof data.serial !== 'number') {
    throw new UsageError(`the state file ${path} is not a statusform state (version ${STATE_FORMAT_VERSION})`);
  }
  const problem = shapeProblem(data);
  if (problem)
    throw new UsageError(`the state file ${path} is damaged: ${problem}; restore it from version control (or fix that part by hand)`);
  return data;
}

function isRecord(v: unknown): v is Record<string, unknown> & State {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function what(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'missing';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `the ${typeof v} ${JSON.stringify(v)}`;
}

/** The first part of a parsed state that is not the shape statusform writes, in words; undefined when it all is. */
export function shapeProblem(data: Record<string, unknown>): string | undefined {
  const accounts = data['accounts'];
  if (!isRecord(accounts)) return `"accounts" is ${what(accounts)}, not an object of accounts by name`;
  for (const [name, account] of Object.entries(accounts)) {
    const at = `accounts.${name}`;
    if (!isRecord(account)) return `${at} is ${what(account)}, not an account`;
    if (typeof account['vendor'] !== 'string') return `${at}.vendor is ${what(account['vendor'])}, not a vendor's name`;
    const items = account['items'];
    if (!isRecord(items)) return `${at}.items is ${what(items)}, not an object of items by key`;
    for (const [key, item] of Object.entries(items)) {
      const it = `${at}.items[${JSON.stringify(key)}]`;
      if (!isRecord(item)) return `${it} is ${what(item)}, not an item`;
      if (!isRecord(item['fields'])) return `${it}.fields is ${what(item['fields'])}, not an object of fields`;
      const id = item['id'];
      if (id !== null && typeof id !== 'string' && typeof id !== 'number')
        return `${it}.id is ${what(id)}, not the vendor's id (text, a number or null)`;
      if (typeof item['active'] !== 'boolean') return `${it}.active is ${what(item['active'])}, not true or false`;
      const deps = item['dependsOn'];
      if (deps !== undefined && !(Array.isArray(deps) && deps.every((d) => typeof d === 'string')))
        return `${it}.dependsOn is ${what(deps)}, not a list of keys`;
      const category = item['category'];
      if (category !== undefined && typeof category !== 'string') return `${it}.category is ${what(category)}, not a category's name`;
    }
  }
  return undefined;
}

/**
 * Writes the state atomically: a temporary file in the same directory, flushed to disk, then
 * renamed over the old one. A crash leaves either the old or the new file, never half of one.
 */
export function writeState(path: string, state: State): void {
  if (state.lineage === '') state.lineage = randomUUID();
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`);
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw err;
  }
}

/** The account's state, created (bound to `binding`) when it has none yet. */
export function accountState(state: { accounts: Record<string, AccountState> }, name: string, binding: AccountBinding): AccountState {
  const existing = state.accounts[name];
  if (existing) {
    recordBinding(existing, binding);
    return existing;
  }
  const created: AccountState = {
    vendor: binding.vendor,
    origin: binding.origin,
    ...(binding.tenant !== undefined ? { tenant: binding.tenant } : {}),
    items: {},
  };
  state.accounts[name] = created;
  return created;
}

/**
 * Records what an older state file lacks (origin, tenant), so the next write binds it. Never
 * changes what is recorded: a state bound to another instance is refused before this is reached.
 */
export function recordBinding(account: AccountState, binding: AccountBinding): void {
  account.origin ??= binding.origin;
  if (binding.tenant !== undefined) account.tenant ??= binding.tenant;
}
