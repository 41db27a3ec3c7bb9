// The accounts of the documents read: each named once across every file, every one's credentials
// kept for scrubbing, the chosen ones checked against the schema and built.

import { formatPosition, type ConfigProblem, type Position } from '../errors.js';
import type { AccountConfig } from '../model.js';
import { adapterFor, adapters } from '../vendors/registry.js';
import { otherAccountsAt } from './account-spans.js';
import { buildAccount } from './build-account.js';
import { schemaCheck, textWhereWritten, unsetAt } from './check-schema.js';
import { nodeAt, positionOf } from './documents.js';
import type { LoadOptions } from './load-options.js';
import type { Source } from './sources.js';

/** What loading the accounts gathers. */
export interface Gathered {
  accounts: AccountConfig[];
  secrets: string[];
  warnings: ConfigProblem[];
  problems: ConfigProblem[];
  /** Where each account's name is first written. */
  seen: Map<string, Position>;
}

/** Names an account once; a second definition is a problem. */
function named(g: Gathered, name: string, position: Position): boolean {
  const first = g.seen.get(name);
  if (first) g.problems.push({ position, message: `account "${name}" is already defined at ${formatPosition(first)}` });
  else g.seen.set(name, position);
  return !first;
}

/** A parsed document's problems and accounts: the chosen ones built, every one's credentials kept for scrubbing. */
export function takeDocument(
  g: Gathered,
  source: Source,
  chosen: ReadonlySet<string> | undefined,
  opts: LoadOptions,
  categories: readonly string[],
): void {
  const { d, found } = source;
  const elsewhere = chosen ? otherAccountsAt(d, chosen) : () => false;
  // Another account's variables are its run's; what is wrong with the file itself is everyone's.
  g.problems.push(...found.filter((p) => !(p.code === 'E_ENV_UNSET' || p.code === 'E_ENV_REF') || !elsewhere(p.position)));
  textWhereWritten(d);
  const unknown = opts.unsetEnvAllowed ? unsetAt(found) : undefined;
  const badAccounts = schemaCheck(d, chosen ? withAccounts(d.data, chosen) : d.data, g.problems, unknown);
  const data = d.data as { accounts?: Record<string, Record<string, unknown>> };
  if (!data || typeof data !== 'object' || !data.accounts || typeof data.accounts !== 'object') return;
  for (const [name, settings] of Object.entries(data.accounts)) {
    const position = positionOf(d, nodeAt(d.root, ['accounts', name], true));
    if (!named(g, name, position)) continue;
    g.secrets.push(...credentialsOf(settings));
    if (chosen && !chosen.has(name)) continue;
    if (badAccounts.has(name) || badAccounts.has('*')) continue;
    const adapter = adapterFor(String(settings['vendor']));
    if (!adapter) continue;
    g.accounts.push(buildAccount({ d, name, settings, adapter, position }, categories, g, unknown));
  }
}

/** The data with only the chosen accounts, for the schema check of a selective load. */
function withAccounts(data: unknown, chosen: ReadonlySet<string>): unknown {
  const accounts = (data as { accounts?: unknown } | null)?.accounts;
  if (!accounts || typeof accounts !== 'object' || Array.isArray(accounts)) return data;
  const kept = Object.entries(accounts as Record<string, unknown>).filter(([name]) => chosen.has(name));
  return { ...(data as Record<string, unknown>), accounts: Object.fromEntries(kept) };
}

let secretFieldNames: string[] | undefined;
/** Every vendor's secret fields: those of an account whose vendor is unknown, or that a run does not parse. */
function allSecretFields(): string[] {
  secretFieldNames ??= [...new Set(adapters.flatMap((a) => a.secretFields))];
  return secretFieldNames;
}

/** The credential values of an account's settings, by its vendor's secret fields (any vendor's if unknown), for scrubbing. */
function credentialsOf(settings: unknown): string[] {
  if (!settings || typeof settings !== 'object') return [];
  const s = settings as Record<string, unknown>;
  const fields = adapterFor(String(s['vendor']))?.secretFields ?? allSecretFields();
  return fields.flatMap((f) => (typeof s[f] === 'string' ? [s[f] as string] : []));
}
