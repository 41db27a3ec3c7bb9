// Which accounts a change touches, from two versions of a config file or of the state: the
// accounts whose own YAML block (or state entry) differs. Pure: the texts come from the caller
// (`statusform shards --changed-since` reads them with git). Raw YAML, before `${ENV}`: a
// changed credential variable's value is not a change of the file.

import { canonicalJson } from '../digest.js';
import { keepBlocks, splitAccounts, type AccountSplit } from './account-split.js';
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
 * The accounts of `after` whose block differs from `before` (undefined: the file is new). A file
 * that cannot be parsed, or a change outside `accounts`, touches every account.
 */
export function changedAccountsInConfig(before: string | undefined, after: string | undefined): ConfigChange {
  return (before !== undefined && after !== undefined && changedBlocks(before, after)) || changedData(before, after);
}

/**
 * The same, from the files' cuts (account-split.ts): an account whose block is written the same in
 * both is unchanged without parsing it; only the settings and the blocks written differently are
 * parsed and compared as data (a comment or a quote style is no change). Undefined when either
 * file cannot be cut, or a cut text cannot be read.
 */
function changedBlocks(before: string, after: string): ConfigChange | undefined {
  const then = splitAccounts(before);
  const now = splitAccounts(after);
  if (!then || !now) return undefined;
  const written = (text: string, blocks: AccountSplit['blocks']) => new Map(blocks.map((b) => [b.name, text.slice(b.start, b.end)]));
  const a = written(after, now.blocks);
  const b = written(before, then.blocks);
  // Written alike is alike (nothing outside a cut block reaches into it). A comment added before
  // the next block ends this one differently, and its data, parsed below, tells.
  const differ = [...a.keys()].filter((name) => a.get(name) !== b.get(name));
  const dataOf = (text: string, split: AccountSplit) => parseYaml(keepBlocks(text, split, new Set(differ)).text);
  const nowData = dataOf(after, now);
  const thenData = dataOf(before, then);
  if (!nowData || !thenData) return undefined;
  if (restOf(nowData) !== restOf(thenData)) return { accounts: [], everyAccount: true };
  const x = accountsOf(nowData);
  const y = accountsOf(thenData);
  return { accounts: differ.filter((name) => canonicalJson(x[name]) !== canonicalJson(y[name])), everyAccount: false };
}

/** Everything of a file's data but its accounts, as canonical JSON. */
function restOf(data: Record<string, unknown>): string {
  return canonicalJson({ ...data, accounts: undefined });
}

/** The same, from both files parsed whole. */
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
