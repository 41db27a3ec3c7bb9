// Building one account of the desired model from its settings: the vendor's defaults (base URL,
// rate limit) filled in, its settings checked, its items read by the adapter and checked.

import { formatPosition, type ConfigProblem, type Position } from '../errors.js';
import type { AccountConfig, DesiredItem, RateLimit, Safety } from '../model.js';
import type { VendorAdapter } from '../vendors/adapter.js';
import { valuePosition } from './account-spans.js';
import { checkBaseUrl, checkCharacters } from './check-account.js';
import { checkItems } from './check-items.js';
import { pathText } from './check-schema.js';
import { nodeAt, positionOf, type ConfigDocument } from './documents.js';
import { DEFAULT_SAFETY } from './schema.js';

/** One account as written: its document, name, settings and vendor, and where its name is. */
export interface AccountSource {
  d: ConfigDocument;
  name: string;
  settings: Record<string, unknown>;
  adapter: VendorAdapter;
  position: Position;
}

/**
 * The account's model, its problems and warnings reported (positioned in its document).
 * `unknown`: whether a value at a position comes from an unset variable (not checked then).
 */
export function buildAccount(
  account: AccountSource,
  categories: readonly string[],
  found: { problems: ConfigProblem[]; warnings: ConfigProblem[] },
  unknown: (p: Position) => boolean = () => false,
): AccountConfig {
  const { d, name, settings, adapter } = account;
  const at = (path: (string | number)[]) => positionOf(d, nodeAt(d.root, ['accounts', name, ...path]));
  const report = (to: ConfigProblem[]) => (path: (string | number)[], message: string) =>
    to.push({ position: at(path), message: `accounts.${name}${pathText(path)}: ${message}` });
  const problem = report(found.problems);

  const { baseUrl, rateLimit } = accountDefaults(settings, adapter);
  // A URL the adapter derives from a setting whose variable is unset (Zendesk's subdomain) is unknown too.
  const derivedFromUnknown = settings['base_url'] === undefined && Object.keys(settings).some((k) => unknown(at([k])));
  checkBaseUrl(baseUrl, adapter, derivedFromUnknown, problem);
  checkCharacters(settings, adapter, problem);
  const items = adapter.desiredItems(settings, { categories, problem, warn: report(found.warnings), positionOf: at });
  // Where a category is written is looked up only for a problem.
  const placed = (item: DesiredItem, value: string) => valuePosition(d, name, item.position, value);
  checkItems(name, adapter, items, categories, found.problems, placed);
  return {
    name,
    vendor: adapter.vendor,
    baseUrl: baseUrl ?? '',
    ...rateLimitOf(settings['rate_limit'] as (Partial<RateLimit> & { share?: number }) | undefined, rateLimit),
    prune: settings['prune'] === true,
    safety: { ...DEFAULT_SAFETY, ...(settings['safety'] as Partial<Safety> | undefined) },
    ...(typeof settings['max_wait_seconds'] === 'number' ? { maxWaitSeconds: settings['max_wait_seconds'] } : {}),
    credentialHint: credentialHint(account),
    settings,
    items,
    position: account.position,
  };
}

/** The account's base URL and rate limit: its own settings, else what the adapter derives from them, else the vendor's defaults. */
export function accountDefaults(
  settings: Readonly<Record<string, unknown>>,
  adapter: VendorAdapter,
): { baseUrl: string | undefined; rateLimit: RateLimit } {
  const derived = adapter.accountDefaults?.(settings) ?? {};
  return {
    baseUrl: typeof settings['base_url'] === 'string' ? settings['base_url'] : (derived.baseUrl ?? adapter.defaultBaseUrl),
    // The account's own requests/seconds, else the vendor's limit for it; a `share` applies on top (rateLimitOf).
    rateLimit: ownRateLimit(settings['rate_limit']) ?? derived.rateLimit ?? adapter.defaultRateLimit,
  };
}

function ownRateLimit(value: unknown): RateLimit | undefined {
  const r = value as Partial<RateLimit> | undefined;
  return r?.requests !== undefined && r.seconds !== undefined ? { requests: r.requests, seconds: r.seconds } : undefined;
}

/**
 * The limit to pace to: `requests` per `seconds` (the vendor's documented limit unless given),
 * times `share` when set — e.g. `{ share: 0.5 }` on Property Deck's 60/60 s paces at 30/60 s.
 */
function rateLimitOf(
  given: (Partial<RateLimit> & { share?: number }) | undefined,
  vendorDefault: RateLimit,
): { rateLimit: RateLimit; rateShare?: number } {
  const base =
    given?.requests !== undefined && given.seconds !== undefined ? { requests: given.requests, seconds: given.seconds } : vendorDefault;
  if (given?.share === undefined) return { rateLimit: base };
  return { rateLimit: { requests: base.requests * given.share, seconds: base.seconds }, rateShare: given.share };
}

/**
 * Where the account's credentials come from, for the message of a refused login: each field it
 * gives, as "email (accounts/support.yaml:3:8) and api_token ($ZENDESK_API_TOKEN)".
 */
function credentialHint({ d, name, settings, adapter }: AccountSource): string {
  const parts: string[] = [];
  const fields = adapter.credentialFields ?? adapter.secretFields;
  // Only the ones the account gives: nodeAt would answer a missing one with the account's own node.
  for (const field of fields.filter((f) => settings[f] !== undefined)) {
    const node = nodeAt(d.root, ['accounts', name, field]);
    if (!node) continue;
    const source = node.kind === 'scalar' ? node.text : undefined;
    const vars = typeof source === 'string' ? [...source.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!) : [];
    parts.push(vars.length > 0 ? `${field} (${vars.map((v) => `$${v}`).join(', ')})` : `${field} (${formatPosition(positionOf(d, node))})`);
  }
  return parts.join(' and ');
}
