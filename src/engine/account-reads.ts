// One account's live read as its part of the plan: its diff and what its selector rules matched,
// or an error of that account; and the empty plan the accounts' parts are gathered into.

import { VendorError } from '../errors.js';
import type { Config } from '../config/load.js';
import { modelDigests } from '../config/digests.js';
import type { AccountConfig, LiveRead } from '../model.js';
import { adapterFor } from '../vendors/registry.js';
import type { Snapshot } from '../state/store.js';
import { diffAccount, type AccountDiff } from './diff/diff-account.js';
import { accountOf, summarise, type Plan } from './plan.js';
import { shardText, type Shard } from './shard.js';

/** The options a plan records: the accounts named, --refresh-all and --shard. */
interface PlanOptions {
  accounts?: string[];
  refreshAll?: boolean;
  shard?: Shard;
}

/** A plan with nothing in it yet: what it was made from, and with which options. */
export function emptyPlan(config: Config, state: Snapshot, accounts: readonly AccountConfig[], opts: PlanOptions): Plan {
  const digests = modelDigests(config);
  const plan: Plan = {
    config_digest: digests.digest,
    config_files_digest: config.filesDigest,
    config_digests: Object.fromEntries(accounts.map((a) => [a.name, digests.accountDigests[a.name] ?? digests.digest])),
    state: { accounts: Object.fromEntries(accounts.map((a) => [a.name, { ...(state.versions[a.name] ?? { lineage: '', serial: 0 }) }])) },
    options: {
      accounts: opts.accounts ?? [],
      refresh_all: opts.refreshAll ?? false,
      ...(opts.shard ? { shard: shardText(opts.shard) } : {}),
    },
    accounts: [],
    actions: [],
    notes: [],
    errors: [],
    rules: [],
    thresholds: [],
    summary: summarise([]),
  };
  const shares = accounts.filter((a) => a.rateShare !== undefined);
  if (shares.length > 0) {
    plan.rate_shares = shares.map((a) => ({
      account: a.name,
      share: a.rateShare!,
      requests: a.rateLimit.requests,
      seconds: a.rateLimit.seconds,
    }));
  }
  return plan;
}

/**
 * One account's read: its diff and what its selector rules matched, or why it could not be read.
 * The live items themselves are not kept: a fleet's reads would all be held until the last one.
 */
export type AccountRead = { diff: AccountDiff; rules: Plan['rules'] } | { reason: unknown };

/** One account's live read diffed against its declared items and its state. */
export function readOf(account: AccountConfig, live: LiveRead, state: Snapshot, refreshAll: boolean): AccountRead {
  const owned = state.accounts[account.name]?.items ?? {};
  const diff = diffAccount(withSelected(account, live), adapterFor(account.vendor)!, live, owned, { refreshAll });
  const rules = (live.selected ?? []).map((s) => {
    const keys = new Set(s.items.map((item) => item.key));
    const moving = diff.actions.filter((a) => keys.has(a.key)).length;
    return { account: account.name, rule: s.rule, matched: s.items.length, moving, max: s.max };
  });
  return { diff, rules };
}

/**
 * One account's read into the plan: its diff, or — when it could not be read — an error of that
 * account, while every other account is still planned. A VendorError names its address already;
 * anything else gets the account's name.
 */
export function planAccount(plan: Plan, account: AccountConfig, read: AccountRead, scrub: (text: string) => string): void {
  if ('reason' in read) {
    const error = read.reason as Error;
    plan.errors.push({
      // The account's own address whatever the error names (e.g. "salon (session token)"): an error
      // filed under another name would leave this account looking planned, and apply would exit 0.
      address: error instanceof VendorError && accountOf(error.address) === account.name ? error.address : account.name,
      message: `cannot read live state: ${scrub(error instanceof VendorError ? error.reason : error.message)}`,
      unread: true,
    });
    return;
  }
  const { diff: d, rules } = read;
  plan.rules.push(...rules);
  plan.accounts.push(d.account);
  plan.actions.push(...d.actions);
  plan.notes.push(...d.notes);
  plan.errors.push(...d.errors);
}

/** The account with what its selector rules chose added to its declared items (a declared key wins). */
function withSelected(account: AccountConfig, live: LiveRead): AccountConfig {
  if (!live.selected || live.selected.length === 0) return account;
  const keys = new Set(account.items.map((i) => i.key));
  const extra = live.selected
    .flatMap((s) => s.items)
    .filter((i) => {
      if (keys.has(i.key)) return false;
      keys.add(i.key);
      return true;
    });
  return { ...account, items: [...account.items, ...extra] };
}
