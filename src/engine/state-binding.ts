// Which vendor instance each account's state describes (vendor, base URL origin, tenant), and the
// refusal, before any request, to act on a state recorded for another one: its vendor ids
// belong there, and writing by them here could change another business's statuses.

import { RefusedError } from '../errors.js';
import type { AccountBinding, AccountState } from '../state/state-file.js';
import type { StateLayout } from '../state/store.js';
import type { AccountConfig } from '../model.js';
import { adapterFor } from '../vendors/registry.js';

/** The vendor instance the configuration points an account at. */
export function bindingOf(account: AccountConfig): AccountBinding {
  const tenant = adapterFor(account.vendor)?.tenant?.(account.settings);
  return { vendor: account.vendor, origin: originOf(account.baseUrl), ...(tenant !== undefined ? { tenant } : {}) };
}

function originOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return baseUrl;
  }
}

/**
 * Why the state file may not be used for these accounts: one line per account whose recorded
 * vendor, origin or tenant differs from the configuration's. What an older state file did not
 * record (origin, tenant) is not a difference. Pure.
 */
export function foreignStateProblems(
  accounts: readonly AccountConfig[],
  state: { accounts: Record<string, AccountState> },
  fileOf: (account: string) => string,
  layout: StateLayout = 'file',
): string[] {
  const problems: string[] = [];
  for (const account of accounts) {
    const recorded = state.accounts[account.name];
    if (!recorded) continue;
    const now = bindingOf(account);
    const changed: string[] = [];
    const restore: string[] = [];
    if (recorded.vendor !== now.vendor) {
      changed.push(`vendor ${recorded.vendor} → ${now.vendor}`);
      restore.push(`vendor: ${recorded.vendor}`);
    } else {
      if (recorded.origin !== undefined && recorded.origin !== now.origin) {
        changed.push(`base_url origin ${recorded.origin} → ${now.origin}`);
        restore.push(`a base_url at ${recorded.origin}`);
      }
      if (recorded.tenant !== undefined && now.tenant !== undefined && recorded.tenant !== now.tenant) {
        changed.push(`${recorded.tenant} → ${now.tenant}`);
        restore.push(recorded.tenant);
      }
    }
    if (changed.length === 0) continue;
    problems.push(
      `${account.name}: the state file records this account for another vendor instance (${changed.join(', ')}); ` +
        'its vendor ids belong there, so nothing was read or written. ' +
        `If the configuration changed by mistake, restore ${restore.join(' and ')}. ` +
        movedWords(account.name, fileOf, layout),
    );
  }
  return problems;
}

/** What to do when the account really moved: forget what the state recorded for it, in the layout's terms. */
function movedWords(name: string, fileOf: (account: string) => string, layout: StateLayout): string {
  const forgotten = '(what statusform owned there is then forgotten, and the next plan adopts or creates afresh).';
  if (layout === 'directory') return `If the account really moved, remove ${fileOf(name)} ${forgotten}`;
  if (layout === 'postgres') return `If the account really moved, delete ${fileOf(name)} ${forgotten}`;
  return `If the account really moved, remove "${name}" from "accounts" in ${fileOf(name)} ${forgotten}`;
}

/** Refuses (exit 3) before any request when the state file describes another vendor instance than the configuration. */
export function refuseForeignState(
  accounts: readonly AccountConfig[],
  state: { accounts: Record<string, AccountState> },
  fileOf: (account: string) => string,
  layout: StateLayout = 'file',
): void {
  const problems = foreignStateProblems(accounts, state, fileOf, layout);
  if (problems.length > 0) throw new RefusedError(problems.join('\n'));
}
