// Which accounts a change touches, from two versions of a config file or of the state: the
// accounts whose own settings (or state entry) differ. Pure: the texts come from the caller
// (`statusform shards --changed-since` reads them with git). Raw YAML, before `${ENV}`: a
// changed credential variable's value is not a change of the file.

import { canonicalJson } from '../digest.js';
import { yamlData } from './documents.js';

function parseYaml(text: string): Record<string, unknown> | undefined {
  const data = yamlData(text)?.data;
  return data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
}

function accountsOf(data: Record<string, unknown>): Record<string, unknown> {
  const a = data['accounts'];
  return a !== null && typeof a === 'object' && !Array.isArray(a) ? (a as Record<string, unknown>) : {};
}

/** What a config file's change touches: some accounts, or — when a shared setting (categories, state) changed — every account. */
export interface ConfigChange {
  accounts: string[];
  everyAccount: boolean;
}

/**
 * The accounts of `after` whose data differs from `before` (undefined: the file is new), both
 * parsed whole, so a comment or a quote style is no change. A file that cannot be parsed, or a
 * change outside `accounts`, touches every account.
 */
export function changedAccountsInConfig(before: string | undefined, after: string | undefined): ConfigChange {
  return changedData(before, after);
}

/** Everything of a file's data but its accounts, as canonical JSON. */
function restOf(data: Record<string, unknown>): string {
  return canonicalJson({ ...data, accounts: undefined });
}

function changedData(before: string | undefined, after: string | undefined): ConfigChange {
  const now = after === undefined ? {} : parseYaml(after);
  const then = before === undefined ? {} : parseYaml(before);
  if (!now || !then) return { accounts: [], everyAccount: true };
  if (before !== undefined && after !== undefined && restOf(now) !== restOf(then)) return { accounts: [], everyAccount: true };
  const a = accountsOf(now);
  const b = accountsOf(then);
  return { accounts: Object.keys(a).filter((name) => canonicalJson(a[name]) !== canonicalJson(b[name])), everyAccount: false };
}

/** The accounts whose entry in a state file (`accounts.NAME`) differs between two versions; undefined when either is not JSON. */
export function changedAccountsInState(before: string | undefined, after: string | undefined): string[] | undefined {
  const read = (text: string | undefined): Record<string, unknown> | undefined => {
    if (text === undefined) return {};
    try {
      const data = JSON.parse(text) as { accounts?: unknown };
      return data.accounts !== null && typeof data.accounts === 'object' ? (data.accounts as Record<string, unknown>) : {};
    } catch {
      return undefined;
    }
  };
  const a = read(after);
  const b = read(before);
  if (!a || !b) return undefined;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((name) => canonicalJson(a[name]) !== canonicalJson(b[name]));
}
