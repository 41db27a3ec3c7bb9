// The configuration's digests, which a saved plan is checked against: of the desired model (all
// accounts, and each account's) and of the files as written.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { digest } from '../digest.js';
import type { AccountConfig } from '../model.js';
import { adapterFor } from '../vendors/registry.js';
import type { ConfigFile } from './files.js';

/** An account's desired model, as digested: every setting but the secrets, items without positions. */
function accountModel(a: AccountConfig) {
  return {
    name: a.name,
    vendor: a.vendor,
    baseUrl: a.baseUrl,
    rateLimit: a.rateLimit,
    prune: a.prune,
    safety: a.safety,
    settings: Object.fromEntries(Object.entries(a.settings).filter(([k]) => !adapterFor(a.vendor)!.secretFields.includes(k))),
    items: a.items.map(({ position: _p, ...rest }) => rest),
  };
}

export interface ModelDigests {
  /** Digest of the loaded accounts' desired model (no secrets, no positions): a saved plan is refused when it changes. */
  digest: string;
  /**
   * Each loaded account's own digest (its model and the categories): a saved plan goes stale for
   * the accounts whose configuration changed, not for the others merged beside them.
   */
  accountDigests: Record<string, string>;
}

const made = new WeakMap<readonly AccountConfig[], ModelDigests>();

/**
 * The digests of a loaded configuration's model, made when a plan or a check first asks for them
 * (validate never does) and kept for the same accounts.
 */
export function modelDigests(config: { accounts: readonly AccountConfig[]; categories: readonly string[] }): ModelDigests {
  const known = made.get(config.accounts);
  if (known) return known;
  const { categories } = config;
  const accountDigests = Object.fromEntries(config.accounts.map((a) => [a.name, digest({ categories, account: accountModel(a) })]));
  // The whole is digested from its parts: each account's model is hashed once.
  const digests = { digest: digest({ categories, accounts: config.accounts.map((a) => accountDigests[a.name]) }), accountDigests };
  made.set(config.accounts, digests);
  return digests;
}

/**
 * Digest of every config file as written, read or not: the shards of one commit, each reading its
 * own account files, share it. `parsed`: the text digests of the files read already, by path.
 */
export function filesDigestOf(root: string, files: readonly ConfigFile[], parsed: ReadonlyMap<string, string>): string {
  const textOf = (path: string): string => {
    try {
      return createHash('sha256').update(readFileSync(path)).digest('hex');
    } catch {
      return '';
    }
  };
  return digest(files.map((f) => ({ file: relative(root, f.path), text: parsed.get(f.path) ?? textOf(f.path) })));
}
