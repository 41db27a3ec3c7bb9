// The configuration's digests, which a saved plan is checked against: of the desired model (all
// accounts, and each account's) and of the files as written.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { digest } from '../digest.js';
import type { AccountConfig } from '../model.js';
import { adapterFor } from '../vendors/registry.js';
import type { ConfigFile } from './files.js';
import type { Source } from './sources.js';

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

/** The digest of the loaded accounts' model, and each account's own (its model and the categories). */
export function modelDigests(
  accounts: readonly AccountConfig[],
  categories: readonly string[],
): { digest: string; accountDigests: Record<string, string> } {
  const model = accounts.map(accountModel);
  return {
    digest: digest({ categories, accounts: model }),
    accountDigests: Object.fromEntries(model.map((m) => [m.name, digest({ categories, account: m })])),
  };
}

/**
 * Digest of every config file as written, read or not: the shards of one commit, each reading its
 * own account files, share it.
 */
export function filesDigestOf(root: string, files: readonly ConfigFile[], sources: readonly Source[]): string {
  const parsed = new Map(sources.map((s) => [s.file.path, s.d.textDigest]));
  const textOf = (path: string): string => {
    try {
      return createHash('sha256').update(readFileSync(path)).digest('hex');
    } catch {
      return '';
    }
  };
  return digest(files.map((f) => ({ file: relative(root, f.path), text: parsed.get(f.path) ?? textOf(f.path) })));
}
