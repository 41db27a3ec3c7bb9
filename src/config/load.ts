// The config pipeline: which files (files.ts) → YAML documents (documents.ts: positions, ${ENV})
// → schema check (check-schema.ts) → semantic checks → the desired model. Every problem is
// collected and positioned; nothing here touches the network.

import { basename, dirname, relative, resolve, sep } from 'node:path';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { ConfigProblem, Position } from '../errors.js';
import { formatPosition } from '../errors.js';
import { isAllowedBaseUrl } from '../http/url-policy.js';
import { digest } from '../digest.js';
import { address as itemAddress } from '../address.js';
import type { VendorAdapter } from '../vendors/adapter.js';
import type { AccountConfig, DesiredItem, RateLimit, Safety } from '../model.js';
import { invisibleDifference, lookalike, showInvisible } from '../vendors/normalise.js';
import { adapterFor, adapters } from '../vendors/registry.js';
import {
  displayPath,
  lastAtMost,
  nodeAt,
  realPath,
  positionAt,
  positionOf,
  parseConfigText,
  readConfigText,
  type ConfigDocument,
} from './documents.js';
import { configFiles, type ConfigFile } from './files.js';
import { asAccountDocument, asSettingsDocument } from './account-document.js';
import { hasAliases, scalarPairs } from './yaml-tree.js';
import { DEFAULT_CATEGORIES, DEFAULT_SAFETY } from './schema.js';
import { nearest } from '../suggest.js';

import { pathText, quoted, schemaCheck, textWhereWritten, unsetAt } from './check-schema.js';
import { postgresLabel, stateSecrets, stateSettingOf, type PostgresState, type StateLayout, type StateSetting } from './state-setting.js';

export type { PostgresState, StateLayout };

/** The single state file of earlier versions: still used where it exists and `state` is not set. */
export const DEFAULT_STATE_FILE = 'statusform.state.json';
/** The state directory (one file per account) of a configuration that has no state yet. */
export const DEFAULT_STATE_DIR = 'statusform.state';

/**
 * Where the state is and in which layout. `state` set: a path ending in `/`, or naming an existing
 * directory, is a state directory; one naming an existing file, or ending in `.json`, is a single
 * state file; any other (new) path is a directory. `state` not set: `statusform.state.json` beside
 * the config when it exists (an existing user keeps the one state they have), else the directory
 * `statusform.state/`. Both of them present is a problem: which one holds the truth is the user's call.
 */
export function locateState(
  root: string,
  setting: string | undefined,
): { layout: 'file' | 'directory'; path: string } | { problem: string } {
  if (setting !== undefined) {
    const path = resolve(root, setting);
    if (/[/\\]$/.test(setting)) return { layout: 'directory', path };
    if (existsSync(path)) return { layout: statSync(path).isDirectory() ? 'directory' : 'file', path };
    return { layout: setting.endsWith('.json') ? 'file' : 'directory', path };
  }
  const file = resolve(root, DEFAULT_STATE_FILE);
  const dir = resolve(root, DEFAULT_STATE_DIR);
  if (!existsSync(file)) return { layout: 'directory', path: dir };
  if (existsSync(dir)) {
    return {
      problem:
        `both ${DEFAULT_STATE_FILE} and ${DEFAULT_STATE_DIR}/ are beside the configuration, and either could be its state: ` +
        'keep the one that is current (after statusform state migrate, the directory) and remove the other, or name it with "state"',
    };
  }
  return { layout: 'file', path: file };
}

export interface Config {
  /** The directory relative paths in the config (like `state`) are resolved against. */
  root: string;
  files: string[];
  categories: string[];
  /** The state file (layout `file`), the state directory (layout `directory`), or how messages name the database (`postgres`). */
  statePath: string;
  stateLayout: StateLayout;
  /** Where the state is kept, when in PostgreSQL. */
  statePostgres?: PostgresState;
  accounts: AccountConfig[];
  /** Digest of the loaded accounts' desired model (no secrets, no positions): a saved plan is refused when it changes. */
  digest: string;
  /** Digest of the configuration files as written: plans made from the same files (shards of one commit) share it. */
  filesDigest: string;
  /**
   * Each loaded account's own digest (its model and the categories): a saved plan goes stale for
   * the accounts whose configuration changed, not for the others merged beside them.
   */
  accountDigests: Record<string, string>;
  /** Every credential value in the config, to scrub from all output. */
  secrets: string[];
  /** What the user should change in time, though nothing is wrong yet (a credential the vendor is retiring); positioned. */
  warnings: ConfigProblem[];
}

export interface LoadResult {
  config?: Config;
  problems: ConfigProblem[];
  /** Secrets found even when there are problems (the state's URL), to scrub from what reports them. */
  secrets?: string[];
}

export interface LoadOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** For commands that make no request (mappings): an unset variable, and what it alone causes, is no problem. */
  unsetEnvAllowed?: boolean;
  /**
   * Only some accounts are wanted (plan and apply of a shard, of `--account`): given every
   * account's name in order, returns those to validate and build. An account file not chosen is
   * not read at all; in a file of many accounts the others are only named — checked for repeats,
   * their credentials still scrubbed from output — and their unset or malformed `${NAME}`s are
   * their own runs' problems. Not called while a shared file cannot be read (its accounts would
   * be missing from the names); everything is then validated.
   */
  select?: (names: readonly string[]) => readonly string[];
}

/**
 * Where the state file of the configuration at `path` is, without validating the rest or
 * needing any credential in the environment (for `statusform unlock`).
 */
export function statePathOf(
  path: string,
  opts: LoadOptions,
): {
  statePath?: string;
  stateLayout?: StateLayout;
  statePostgres?: PostgresState;
  stateSetting?: string;
  problems: ConfigProblem[];
  /** The state setting's secrets (its URL), problems or not: to scrub from what is reported. */
  secrets: string[];
} {
  const abs = resolve(opts.cwd, path);
  const found: ConfigProblem[] = [];
  const docs: ConfigDocument[] = [];
  // The shared settings are all that is needed: no account file is read.
  for (const f of configFiles(abs).filter((x) => x.account === undefined)) {
    const read = readConfigText(f.path, opts.cwd, found);
    if (!read) continue;
    const d = parseConfigText(read.file, read.text, opts.env, found);
    if (d.data !== undefined) docs.push(d);
  }
  // An unset credential does not matter here; a broken file, or a state setting in doubt, does.
  const problems = found.filter((p) => p.code !== 'E_ENV_UNSET');
  const state = mergeSetting(docs, 'state', problems);
  const secrets = stateSecrets(state);
  const setting = stateSettingOf(state, { urlUnsetAllowed: opts.unsetEnvAllowed ?? false });
  if ('problem' in setting) {
    const d = docs.find((x) => (x.data as Record<string, unknown> | null)?.['state'] !== undefined)!;
    problems.push({ position: positionOf(d, nodeAt(d.root, setting.at)), message: setting.problem });
  }
  if (problems.length > 0) return { problems: sortProblems(problems), secrets };
  if ('postgres' in setting)
    return { statePath: postgresLabel(setting.postgres), stateLayout: 'postgres', statePostgres: setting.postgres, problems: [], secrets };
  const given = 'path' in setting ? setting.path : undefined;
  const located = locateState(statSync(abs).isDirectory() ? abs : dirname(abs), given);
  if ('problem' in located)
    return { problems: [{ position: { file: displayPath(abs, opts.cwd), line: 1, col: 1 }, message: located.problem }], secrets };
  return {
    statePath: located.path,
    stateLayout: located.layout,
    ...(given !== undefined ? { stateSetting: given } : {}),
    problems: [],
    secrets,
  };
}

/** One config file, parsed whole; an account file's document is placed under `accounts.<name>`. */
interface Source {
  file: ConfigFile;
  d: ConfigDocument;
  found: ConfigProblem[];
}

/** Reads and parses a config file; undefined, its problems reported, when it cannot be read as a configuration. */
function readSource(file: ConfigFile, opts: LoadOptions, problems: ConfigProblem[]): Source | undefined {
  const read = readConfigText(file.path, opts.cwd, problems);
  if (!read) return undefined;
  const found: ConfigProblem[] = [];
  const parsed = parseConfigText(read.file, read.text, opts.env, found);
  const placed = parsed.data === undefined ? undefined : placeDocument(file, parsed, found);
  if (!placed) {
    problems.push(...found);
    return undefined;
  }
  return { file, d: placed, found };
}

function placeDocument(file: ConfigFile, d: ConfigDocument, found: ConfigProblem[]): ConfigDocument | undefined {
  if (file.account !== undefined) return asAccountDocument(d, file.account, found);
  return file.settings ? asSettingsDocument(d, found) : d;
}

/**
 * The files read: the settings and whole files first, then the account files of the accounts
 * chosen — picked by file name, so an account not chosen is never parsed.
 */
function readSources(files: readonly ConfigFile[], opts: LoadOptions, problems: ConfigProblem[]) {
  const shared = files.filter((f) => f.account === undefined);
  const sources = shared.flatMap((f) => readSource(f, opts, problems) ?? []);
  // Not while a file cannot be read: its accounts would be missing from the names.
  const chosen = opts.select && sources.length === shared.length ? new Set(opts.select(accountNames(files, sources))) : undefined;
  for (const f of files) {
    if (f.account === undefined || (chosen && !chosen.has(f.account))) continue;
    const source = readSource(f, opts, problems);
    if (source) sources.push(source);
  }
  return { sources, chosen };
}

/** Every account's name, in file order (a repeated name once): account files by their names, whole files by their data. */
function accountNames(files: readonly ConfigFile[], sources: readonly Source[]): string[] {
  const names = new Set<string>();
  for (const source of sources) {
    const accounts = (source.d.data as { accounts?: unknown } | null)?.accounts;
    if (accounts && typeof accounts === 'object' && !Array.isArray(accounts)) for (const name of Object.keys(accounts)) names.add(name);
  }
  for (const f of files) if (f.account !== undefined) names.add(f.account);
  return [...names];
}

/** What loading the accounts gathers. */
interface Gathered {
  accounts: AccountConfig[];
  secrets: string[];
  warnings: ConfigProblem[];
  problems: ConfigProblem[];
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
function takeDocument(
  g: Gathered,
  source: Source,
  chosen: ReadonlySet<string> | undefined,
  opts: LoadOptions,
  cats: readonly string[],
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
    const namePos = positionOf(d, nodeAt(d.root, ['accounts', name], true));
    if (!named(g, name, namePos)) continue;
    g.secrets.push(...credentialsOf(settings));
    if (chosen && !chosen.has(name)) continue;
    if (badAccounts.has(name) || badAccounts.has('*')) continue;
    const adapter = adapterFor(String(settings['vendor']));
    if (!adapter) continue;
    g.accounts.push(buildAccount(d, name, settings, adapter, cats, namePos, g, unknown));
  }
}

/** Loads and validates the configuration at `path`: a file, a directory of *.yaml files, or the layout of account files. */
export function loadConfig(path: string, opts: LoadOptions): LoadResult {
  const abs = resolve(opts.cwd, path);
  const files = configFiles(abs);
  const problems: ConfigProblem[] = [];
  const { sources, chosen } = readSources(files, opts, problems);
  const docs = sources.map((s) => s.d);
  const categories = mergeSetting(docs, 'categories', problems) as string[] | undefined;
  const stateValue = mergeSetting(docs, 'state', problems);
  const stateSetting = stateSettingOf(stateValue);
  const cats = categories ?? [...DEFAULT_CATEGORIES];
  const root = statSync(abs).isDirectory() ? abs : dirname(abs);
  const g: Gathered = { accounts: [], secrets: [], warnings: [], problems, seen: new Map() };
  for (const source of sources) takeDocument(g, source, chosen, opts, cats);
  // Account files not read are named all the same: every run sees the same accounts.
  for (const f of files) if (f.account !== undefined && !g.seen.has(f.account)) g.seen.set(f.account, filePosition(f, opts));
  const state = stateOf(root, stateSetting, files, docs, opts, problems);
  if (problems.length > 0) {
    const sorted = sortProblems(problems);
    const left = opts.unsetEnvAllowed ? sorted.filter((p) => p.code !== 'E_ENV_UNSET') : sorted;
    if (left.length > 0) return { problems: left, secrets: [...g.secrets, ...stateSecrets(stateValue)] };
  }
  const model = g.accounts.map(accountModel);
  return {
    config: {
      root,
      files: files.map((f) => f.path),
      categories: cats,
      ...state,
      accounts: g.accounts,
      digest: digest({ categories: cats, accounts: model }),
      accountDigests: Object.fromEntries(model.map((m) => [m.name, digest({ categories: cats, account: m })])),
      filesDigest: filesDigestOf(root, files, sources),
      secrets: [...g.secrets, ...stateSecrets(stateValue)],
      warnings: sortProblems(g.warnings),
    },
    problems: [],
  };
}

function filePosition(f: ConfigFile, opts: LoadOptions): Position {
  return { file: displayPath(f.path, opts.cwd), line: 1, col: 1 };
}

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

/**
 * Digest of every config file as written, read or not: the shards of one commit, each reading its
 * own account files, share it.
 */
function filesDigestOf(root: string, files: readonly ConfigFile[], sources: readonly Source[]): string {
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

/** Where the state is; a state that would replace a file of the configuration is a problem. */
function stateOf(
  root: string,
  setting: StateSetting,
  files: readonly ConfigFile[],
  docs: readonly ConfigDocument[],
  opts: LoadOptions,
  problems: ConfigProblem[],
): { statePath: string; stateLayout: StateLayout; statePostgres?: PostgresState } {
  // A state setting of the wrong shape is a schema problem already, an unset variable the reading's; the
  // default stands in until it is fixed. A URL written as the path is found here alone.
  if ('problem' in setting && setting.kind === 'url') {
    const d = docs.find((x) => (x.data as Record<string, unknown> | null)?.['state'] !== undefined)!;
    problems.push({ position: positionOf(d, nodeAt(d.root, setting.at)), message: setting.problem });
  }
  if ('postgres' in setting)
    return { statePath: postgresLabel(setting.postgres), stateLayout: 'postgres', statePostgres: setting.postgres };
  const located = locateState(root, 'path' in setting ? setting.path : undefined);
  if ('problem' in located) problems.push({ position: filePosition(files[0]!, opts), message: located.problem });
  const statePath = 'problem' in located ? resolve(root, DEFAULT_STATE_FILE) : located.path;
  const stateLayout: StateLayout = 'problem' in located ? 'file' : located.layout;
  const stateReal = realPath(statePath);
  const overwritten = files.find((f) => {
    const real = realPath(f.path);
    if (stateLayout === 'file') return real === stateReal || real === `${stateReal}.lock`;
    const inside = relative(stateReal, real);
    // an account's state file, or its lock
    return !inside.startsWith('..') && !inside.includes(sep) && /\.json(\.lock)?$/.test(basename(real));
  });
  if (overwritten !== undefined) {
    const d = docs.find((x) => (x.data as Record<string, unknown> | null)?.['state'] !== undefined);
    problems.push({
      position: d ? positionOf(d, nodeAt(d.root, ['state'])) : filePosition(overwritten, opts),
      message:
        `state names ${displayPath(overwritten.path, opts.cwd)}, a file of the configuration, ` +
        'which the state file (or its lock) would replace; give the state a file of its own',
    });
  }
  return { statePath, stateLayout };
}

let secretFieldNames: string[] | undefined;
/** Every vendor's secret fields: those of an account whose vendor is unknown, or that a run does not parse. */
function allSecretFields(): string[] {
  secretFieldNames ??= [...new Set(adapters.flatMap((a) => a.secretFields))];
  return secretFieldNames;
}

/** The data with only the chosen accounts, for the schema check of a selective load. */
function withAccounts(data: unknown, chosen: ReadonlySet<string>): unknown {
  const accounts = (data as { accounts?: unknown } | null)?.accounts;
  if (!accounts || typeof accounts !== 'object' || Array.isArray(accounts)) return data;
  const kept = Object.entries(accounts as Record<string, unknown>).filter(([name]) => chosen.has(name));
  return { ...(data as Record<string, unknown>), accounts: Object.fromEntries(kept) };
}

/** An account's block in a document, as offsets: from its name to the next account's (or the next top-level key). */
interface Span {
  name: string;
  from: number;
  to: number;
}

const spansOf = new WeakMap<ConfigDocument, Span[] | undefined>();

/** Every account's block in a document; undefined where blocks are not known (a `<<` among the accounts brings in others'). */
function accountSpans(d: ConfigDocument): Span[] | undefined {
  if (spansOf.has(d)) return spansOf.get(d);
  const top = d.root?.kind === 'map' ? d.root : undefined;
  const at = top?.pairs.findIndex((p) => !p.merge && p.key.kind === 'scalar' && p.key.value === 'accounts') ?? -1;
  const accounts = at >= 0 ? top!.pairs[at]!.value : null;
  let spans: Span[] | undefined;
  if (accounts?.kind === 'map' && !accounts.pairs.some((p) => p.merge)) {
    const end = top!.pairs[at + 1]?.key.offset ?? Number.POSITIVE_INFINITY;
    spans = accounts.pairs.map((p, i) => ({
      name: p.key.kind === 'scalar' ? String(p.key.value) : '',
      from: p.key.offset,
      to: accounts.pairs[i + 1]?.key.offset ?? end,
    }));
  }
  spansOf.set(d, spans);
  return spans;
}

/**
 * Whether a position lies in the block of an account that is not chosen (from its name to the
 * next account's). Never, in a document with aliases: a chosen account may take any of its text.
 */
function otherAccountsAt(d: ConfigDocument, chosen: ReadonlySet<string>): (p: Position) => boolean {
  if (hasAliases(d.root)) return () => false;
  const spans = accountSpans(d)?.filter((span) => !chosen.has(span.name));
  if (!spans) return () => false;
  return (p) => {
    const o = offsetOf(d, p);
    return spans.some((span) => o >= span.from && o < span.to);
  };
}

/** A position's offset in its document's text. */
function offsetOf(d: ConfigDocument, p: Position): number {
  return (d.lines.lineStart(p.line) ?? 0) + p.col - 1;
}

/** The credential values of an account's settings, by its vendor's secret fields (any vendor's if unknown), for scrubbing. */
function credentialsOf(settings: unknown): string[] {
  if (!settings || typeof settings !== 'object') return [];
  const s = settings as Record<string, unknown>;
  const fields = adapterFor(String(s['vendor']))?.secretFields ?? allSecretFields();
  return fields.flatMap((f) => (typeof s[f] === 'string' ? [s[f] as string] : []));
}

function buildAccount(
  d: ConfigDocument,
  name: string,
  settings: Record<string, unknown>,
  adapter: VendorAdapter,
  categories: readonly string[],
  position: Position,
  found: { problems: ConfigProblem[]; warnings: ConfigProblem[] },
  unknown: (p: Position) => boolean = () => false,
): AccountConfig {
  const { problems } = found;
  const at = (path: (string | number)[]) => positionOf(d, nodeAt(d.root, ['accounts', name, ...path]));
  const report = (to: ConfigProblem[]) => (path: (string | number)[], message: string) =>
    to.push({ position: at(path), message: `accounts.${name}${pathText(path)}: ${message}` });
  const problem = report(problems);

  const { baseUrl, rateLimit } = accountDefaults(settings, adapter);
  // A URL the adapter derives from a setting whose variable is unset (Zendesk's subdomain) is unknown too.
  const derivedFromUnknown = settings['base_url'] === undefined && Object.keys(settings).some((k) => unknown(at([k])));
  if (baseUrl === undefined) {
    problem([], `base_url is required: ${adapter.vendor} has no public default host`);
  } else if (!derivedFromUnknown && !isAllowedBaseUrl(baseUrl)) {
    problem(['base_url'], `base_url must be an https URL (plain http only to loopback): ${quoted(baseUrl)}`);
  } else if (/[?#]/.test(baseUrl)) {
    // Request paths are joined to the base URL: a query or fragment there would swallow them.
    problem(['base_url'], `base_url must not have a query (?…) or a fragment (#…): ${quoted(baseUrl)}`);
  }
  // Credentials and settings travel in HTTP headers and URLs: a line break (a file read with its
  // newline, a pasted token) would otherwise be refused by the HTTP layer on every retry.
  for (const [field, value] of Object.entries(settings)) {
    if (typeof value !== 'string') continue;
    const secret = adapter.secretFields.includes(field);
    const bad = illegalCharacter(value, secret);
    if (bad) {
      const rule = secret
        ? 'a credential is sent in an HTTP header, which must be one line of printable characters'
        : 'a setting must be one line of printable characters';
      problem([field], `contains ${bad}; ${rule} (check the environment variable or file it comes from)`);
    }
  }
  const items = adapter.desiredItems(settings, { categories, problem, warn: report(found.warnings), positionOf: at });
  // Where a category is written is looked up only for a problem: an account's span is found then.
  const placed = (item: DesiredItem, value: string) =>
    valuePosition(
      d,
      item.position,
      value,
      accountSpans(d)?.find((b) => b.name === name),
    );
  checkItems(name, adapter, items, categories, problems, placed);
  return {
    name,
    vendor: adapter.vendor,
    baseUrl: baseUrl ?? '',
    ...rateLimitOf(settings['rate_limit'] as (Partial<RateLimit> & { share?: number }) | undefined, rateLimit),
    prune: settings['prune'] === true,
    safety: { ...DEFAULT_SAFETY, ...(settings['safety'] as Partial<Safety> | undefined) },
    ...(typeof settings['max_wait_seconds'] === 'number' ? { maxWaitSeconds: settings['max_wait_seconds'] } : {}),
    credentialHint: credentialHint(d, name, settings, adapter),
    settings,
    items,
    position,
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

/** Where the account's credentials come from, for the message of a refused login: "token (${PROPERTYDECK_TOKEN})". */
function credentialHint(d: ConfigDocument, name: string, settings: Readonly<Record<string, unknown>>, adapter: VendorAdapter): string {
  const parts: string[] = [];
  // Only the ones the account gives: nodeAt would answer a missing one with the account's own node.
  for (const field of adapter.secretFields.filter((f) => settings[f] !== undefined)) {
    const node = nodeAt(d.root, ['accounts', name, field]);
    if (!node) continue;
    const source = node.kind === 'scalar' ? node.text : undefined;
    const vars = typeof source === 'string' ? [...source.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!) : [];
    parts.push(vars.length > 0 ? `${field} (${vars.map((v) => `$${v}`).join(', ')})` : `${field} (${formatPosition(positionOf(d, node))})`);
  }
  return parts.join(' and ');
}

const CONTROL_NAMES: Record<number, string> = { 10: 'a line break', 13: 'a carriage return', 9: 'a tab', 0: 'a NUL character' };

/**
 * The first character of `value` that cannot be sent in an HTTP header (RFC 9110 field value: no
 * control characters; bytes only, so nothing above U+00FF in a credential), in words; never the value itself.
 */
function illegalCharacter(value: string, credential: boolean): string | undefined {
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    if (code < 0x20 || code === 0x7f) return `${CONTROL_NAMES[code] ?? 'a control character'} (${hex})`;
    if (credential && code > 0xff) return `the character ${hex}, which an HTTP header cannot carry`;
  }
  return undefined;
}

/** Per document, where each scalar value is written as a pair's value, in document order (built on first need). */
const writtenAt = new WeakMap<ConfigDocument, Map<unknown, number[]>>();

/**
 * Where the item's scalar `value` (its `maps_to`) is written: the first place at or after the
 * item within its account's block, else the first in that block (a `mappings` entry above the
 * tickets), else the item's position — never in another account's block, so a whole file and
 * its groups of blocks (load.ts) report it alike. An item written elsewhere (through an alias)
 * is looked up from where it is written. Looked up in an index of the document, so a config with
 * thousands of such problems is reported at once, not in minutes.
 */
function valuePosition(d: ConfigDocument, from: Position, value: string, span: Span | undefined): Position {
  let index = writtenAt.get(d);
  if (!index) {
    index = new Map();
    for (const pair of scalarPairs(d.root)) {
      const offsets = index.get(pair.value.value) ?? [];
      offsets.push(pair.value.offset);
      index.set(pair.value.value, offsets);
    }
    for (const offsets of index.values()) offsets.sort((a, b) => a - b);
    writtenAt.set(d, index);
  }
  const offsets = index.get(value) ?? [];
  const start = offsetOf(d, from);
  const inside = span !== undefined && start >= span.from && start < span.to;
  /** The first offset at or after `o`, if below `to`. */
  const firstFrom = (o: number, to: number): number | undefined => {
    const found = offsets[lastAtMost(offsets, o - 1) + 1];
    return found !== undefined && found < to ? found : undefined;
  };
  const at = inside ? (firstFrom(start, span.to) ?? firstFrom(span.from, span.to)) : firstFrom(start, Number.POSITIVE_INFINITY);
  return at === undefined ? from : positionAt(d, at);
}

/** Checks every vendor shares: unique keys, known categories, rename sources, depends_on references and cycles. */
function checkItems(
  account: string,
  adapter: VendorAdapter,
  items: DesiredItem[],
  categories: readonly string[],
  problems: ConfigProblem[],
  categoryAt: (item: DesiredItem, value: string) => Position = (item) => item.position,
): void {
  const address = (key: string) => itemAddress(account, adapter.collection, key);
  /**
   * The identity of a key as a reader and the vendor see it: keys that look the same (Unicode
   * normal form, zero-width characters, the kind of space) or that the vendor folds alike name one item.
   */
  const identity = (key: string) => {
    const seen = lookalike(key);
    return adapter.foldKey?.(seen) ?? seen;
  };
  /** Why two keys with one identity count as the same, for the message. */
  const sameBecause = (a: string, b: string) =>
    lookalike(a) === lookalike(b)
      ? ` as ${showInvisible(address(b))}, which differs from it only by ${invisibleDifference(a, b)}, so the two look the same`
      : ` as ${address(b)}, which ${adapter.vendor} counts as the same (it ignores case)`;
  const byKey = new Map<string, DesiredItem>();
  const byIdentity = new Map<string, DesiredItem>();
  for (const item of items) {
    const first = byIdentity.get(identity(item.key));
    if (first) {
      const same = first.key === item.key ? '' : sameBecause(item.key, first.key);
      problems.push({
        position: item.position,
        message: `${showInvisible(address(item.key))} is declared twice${same} (first at ${formatPosition(first.position)})`,
      });
      continue;
    }
    byKey.set(item.key, item);
    byIdentity.set(identity(item.key), item);
    if (item.category !== undefined && !categories.includes(item.category)) {
      const guess = nearest(item.category, categories);
      problems.push({
        position: categoryAt(item, item.category),
        message:
          `${address(item.key)}: unknown category "${item.category}" (categories: ` +
          `${categories.join(', ')})${guess ? `: did you mean \`${guess}\`?` : ''}`,
      });
    }
  }
  const renameClaims = new Map<string, DesiredItem>();
  for (const item of items) {
    for (const old of item.renamedFrom) {
      const holder = byIdentity.get(identity(old));
      if (byKey.has(old) || (holder && holder !== item))
        problems.push({
          position: item.position,
          message:
            `${address(item.key)}: renamed_from names "${old}", ` +
            `which is still declared${holder && holder.key !== old ? ` (as ${address(holder.key)})` : ''}`,
        });
      const claimed = renameClaims.get(identity(old));
      if (claimed && claimed !== item) {
        problems.push({
          position: item.position,
          message:
            `${address(item.key)}: renamed_from names "${old}", ` +
            `which ${address(claimed.key)} (${formatPosition(claimed.position)}) is already renamed from`,
        });
      } else {
        renameClaims.set(identity(old), item);
      }
    }
    for (const dep of item.dependsOn) {
      if (!byKey.has(dep))
        problems.push({
          position: item.position,
          message: `${address(item.key)}: depends_on names "${dep}", which this account does not declare`,
        });
    }
  }
  for (const cycle of findCycles(items, byKey)) {
    const where = cycle.map((k) => `${k} (${formatPosition(byKey.get(k)!.position)})`).join(' → ');
    problems.push({
      position: byKey.get(cycle[0]!)!.position,
      message: `${account}.${adapter.collection}: depends_on forms a cycle: ${where} → ${cycle[0]}`,
    });
  }
}

/** Each elementary cycle found by a depth-first walk, reported once. */
function findCycles(items: DesiredItem[], byKey: Map<string, DesiredItem>): string[][] {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (key: string) => {
    state.set(key, 'visiting');
    stack.push(key);
    for (const dep of byKey.get(key)?.dependsOn ?? []) {
      if (!byKey.has(dep)) continue;
      const s = state.get(dep);
      if (s === 'visiting') cycles.push(stack.slice(stack.indexOf(dep)));
      else if (s === undefined) visit(dep);
    }
    stack.pop();
    state.set(key, 'done');
  };
  for (const item of items) if (!state.has(item.key)) visit(item.key);
  return cycles;
}

/** A top-level setting that may appear in several files must agree across them. */
function mergeSetting(docs: ConfigDocument[], key: 'categories' | 'state', problems: ConfigProblem[]): unknown {
  let value: unknown;
  let from: Position | undefined;
  for (const d of docs) {
    const v = (d.data as Record<string, unknown> | null)?.[key];
    if (v === undefined) continue;
    const pos = positionOf(d, nodeAt(d.root, [key]));
    if (from && JSON.stringify(v) !== JSON.stringify(value)) {
      problems.push({ position: pos, message: `${key} differs from the one at ${formatPosition(from)}; declare it once` });
      continue;
    }
    value = v;
    from ??= pos;
  }
  return value;
}

/** Drops repeats, and what a missing environment variable caused besides its own message; sorts by position. */
function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  const envAt = new Set(problems.filter((p) => p.code === 'E_ENV_UNSET').map((p) => formatPosition(p.position)));
  return problems
    .filter((p) => {
      if (envAt.has(formatPosition(p.position)) && p.code !== 'E_ENV_UNSET') return false;
      const k = `${formatPosition(p.position)} ${p.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => a.position.file.localeCompare(b.position.file) || a.position.line - b.position.line || a.position.col - b.position.col);
}
