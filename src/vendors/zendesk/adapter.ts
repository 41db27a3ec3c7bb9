// Zendesk custom ticket statuses: one unpaginated list, POST to create (201), PUT keeping the id
// (renames too) with both labels in every body, `active: false` to retire — never DELETE. The
// category (`status_category`) is pushed from `maps_to` and cannot change; built-in statuses are
// read-only; a category's default may be relabelled but never retired. Auth: OAuth client
// credentials (oauth.ts), a fixed OAuth token, or an API token until Zendesk retires them
// (vendor-docs zendesk-custom-statuses.md §1–§3, §7).

import { VendorError } from '../../errors.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../http/client.js';
import type { Clock } from '../../http/pacer.js';
import { readAllPages, type PageRequest } from '../../http/paginate.js';
import type {
  AccountConfig,
  ActionKind,
  DesiredItem,
  Fields,
  LiveItem,
  LiveRead,
  StateItem,
  WriteRequest,
  WriteResult,
} from '../../model.js';
import type { DesiredContext, HttpClientFactory, VendorAdapter, VendorSession } from '../adapter.js';
import { key as keyOf, label } from '../normalise.js';
import type { SameKeys } from '../schema-types.js';
import {
  ACCOUNT_FEATURES,
  ACCOUNT_SETTINGS,
  API_TOKENS_END,
  CREATABLE_CATEGORIES,
  DEFAULT_RATE_LIMIT,
  MAX_LABEL,
  MAX_PER_ACCOUNT,
  MAX_PER_CATEGORY,
  OAUTH_SCOPE,
  ONE_STATUS,
  PLAN_LIMITS,
  STATUS_CATEGORIES,
  STATUS_LIST,
  SYSTEM_LABEL,
  ZENDESK_ERROR,
  describeZendeskError,
  type CustomStatus,
  type CustomStatusInput,
} from './api.js';
import { clientCredentialsAuth } from './oauth.js';

interface StatusConfig {
  agent_label: string;
  maps_to: string;
  end_user_label?: string;
  description?: string;
  end_user_description?: string;
  renamed_from?: string[];
}

const statusSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['agent_label', 'maps_to'],
  properties: {
    agent_label: {
      type: 'string',
      minLength: 1,
      description: 'The key: the label agents see (at most 48 characters; unique, whatever the case).',
    },
    maps_to: {
      type: 'string',
      description: "The category, pushed as Zendesk's status_category: open, pending, hold or solved (fixed once created).",
    },
    end_user_label: {
      type: 'string',
      minLength: 1,
      description: 'The label requesters see (at most 48 characters); compared only when declared.',
    },
    description: { type: 'string', description: 'When agents should pick this status; compared only when declared.' },
    end_user_description: { type: 'string', description: 'The text requesters see; compared only when declared.' },
    renamed_from: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      description: 'Earlier agent labels: the live status is renamed in place (PUT), keeping its id.',
    },
  },
} as const;

const statusTypeMatchesSchema: SameKeys<typeof statusSchema, StatusConfig> = true;
void statusTypeMatchesSchema;

/** Fields a PUT may carry besides `active` (D: CTS update body). */
const WRITABLE = ['agent_label', 'end_user_label', 'description', 'end_user_description'] as const;
type TextField = (typeof WRITABLE)[number];

/** Plain text, not a dynamic-content placeholder: only plain text can be measured here (D: the 48 is of the displayed text). */
const isPlain = (value: string) => !value.includes('{{');

/** The raw value of a text field (what was written, placeholders included), else the rendered one (D: raw_* is optional). */
function raw(s: CustomStatus, field: TextField): string {
  const r = (s as unknown as Record<string, unknown>)[`raw_${field}`];
  const v = typeof r === 'string' ? r : (s as unknown as Record<string, unknown>)[field];
  return typeof v === 'string' ? v : '';
}

/** A live row as compared: the raw fields, normalised as the config's (D/3P: compare raw_*, as Salto does). */
export function toFields(s: CustomStatus): Fields {
  return {
    status_category: s.status_category,
    agent_label: label(raw(s, 'agent_label')),
    end_user_label: label(raw(s, 'end_user_label')),
    description: keyOf(raw(s, 'description')),
    end_user_description: keyOf(raw(s, 'end_user_description')),
  };
}

const isSystem = (s: CustomStatus) => SYSTEM_LABEL.test(raw(s, 'agent_label'));

/**
 * Why a row is never written, or undefined when it may be. A built-in status: no public source shows
 * one relabelled through the API (A: read-only, the safe reading of open question 4).
 */
function readOnlyReason(s: CustomStatus): string | undefined {
  const known = (STATUS_CATEGORIES as readonly string[]).includes(s.status_category);
  const why = [
    ...(isSystem(s)
      ? [`Zendesk's built-in ${s.status_category} status (${raw(s, 'agent_label')}; no public source shows one relabelled through the API)`]
      : []),
    ...(known ? [] : [`in a category statusform does not know (${JSON.stringify(s.status_category)})`]),
  ];
  return why.length > 0 ? why.join(', and ') : undefined;
}

/** Why a default must stay: every category keeps an active default, changed only by the bulk default call (D: CTS). */
function keepActiveReason(s: CustomStatus): string | undefined {
  if (s.default !== true || !s.active) return undefined;
  const c = s.status_category;
  return (
    `it is the default status of the ${c} category, and Zendesk keeps every category's default active; ` +
    `make another ${c} status the default first (Admin Center → Objects and rules → Tickets → Ticket statuses), ` +
    'then plan again — or keep it in the configuration'
  );
}

/**
 * The key of a row: its agent label as written (raw, so a `{{dc.…}}` placeholder is the key);
 * for a built-in status, the label agents see ("Open"), so that declaring it is refused (it is
 * read-only) instead of creating a second status that looks the same (A: never matched by placeholder).
 */
function toLive(s: CustomStatus): LiveItem {
  const why = readOnlyReason(s);
  const keep = keepActiveReason(s);
  return {
    key: label(isSystem(s) ? s.agent_label : raw(s, 'agent_label')),
    id: s.id,
    fields: toFields(s),
    active: s.active,
    ...(why ? { readOnly: true, readOnlyReason: why } : {}),
    ...(keep ? { keepActive: keep } : {}),
  };
}

const fold = (k: string) => k.toLowerCase();

type AuthMode = 'client' | 'token' | 'api_token';

/** Which credentials the settings give, one mode each (several or none: a problem of `checkAuth`). */
function authModes(settings: Readonly<Record<string, unknown>>): AuthMode[] {
  const has = (k: string) => settings[k] !== undefined;
  return [
    ...(has('client_id') || has('client_secret') ? ['client' as const] : []),
    ...(has('token') ? ['token' as const] : []),
    ...(has('email') || has('api_token') ? ['api_token' as const] : []),
  ];
}

const MODES_TEXT =
  'give client_id and client_secret (an OAuth client, the way Zendesk now requires), or token (a fixed OAuth access token), ' +
  'or email and api_token (until Zendesk deactivates API tokens)';

/** The credential settings: one complete mode; API tokens get a warning naming Zendesk's date and the migration. */
function checkAuth(settings: Readonly<Record<string, unknown>>, ctx: DesiredContext): void {
  const modes = authModes(settings);
  if (modes.length !== 1) {
    ctx.problem([], modes.length === 0 ? MODES_TEXT : `${MODES_TEXT}; only one of them`);
    return;
  }
  const pair = { client: ['client_id', 'client_secret'], api_token: ['email', 'api_token'], token: ['token'] }[modes[0]!];
  const missing = pair.filter((k) => settings[k] === undefined);
  if (missing.length > 0) {
    ctx.problem([], `${pair.join(' and ')} go together: ${missing.join(' and ')} is missing`);
    return;
  }
  if (modes[0] === 'api_token')
    ctx.warn?.(
      ['api_token'],
      `Zendesk deactivates every API token on ${API_TOKENS_END} (none can be created since 27 October 2026, and one unused ` +
        'for 30 days goes sooner): create an OAuth client (Admin Center → Apps and integrations → APIs → OAuth clients, ' +
        'kind confidential) and give client_id and client_secret instead of email and api_token; ' +
        `statusform asks for scope "${OAUTH_SCOPE}"`,
    );
}

/** A fixed Authorization header: a Bearer token, or the API token's Basic `{email}/token:{api_token}` (D: AUTH, TOKEN). */
function fixedAuthHeader(settings: Readonly<Record<string, unknown>>): string {
  if (typeof settings['token'] === 'string') return `Bearer ${settings['token']}`;
  return `Basic ${Buffer.from(`${String(settings['email'])}/token:${String(settings['api_token'])}`).toString('base64')}`;
}

/** Sends one request through the account's client; the session's only way out. */
type Send = <T>(req: HttpRequest<T>) => Promise<HttpResponse<T>>;

/** Every listed row, following a next page only if one shows up (D: not paginated; A: follow one anyway). */
async function listAll(send: Send, address: string): Promise<CustomStatus[]> {
  return readAllPages<CustomStatus>({
    address,
    what: 'custom statuses',
    // Unfiltered, so inactive rows are seen too (A).
    first: { path: '/api/v2/custom_statuses' },
    idOf: (s) => String(s.id),
    fetch: async (page) => {
      const res = await send<{
        custom_statuses: CustomStatus[];
        next_page?: string | null;
        links?: { next?: string | null };
        meta?: { has_more?: boolean };
      }>({ method: 'GET', path: page.path, address, answer: STATUS_LIST });
      const b = res.body;
      const link = b.next_page ?? (b.meta?.has_more ? b.links?.next : undefined);
      const next: PageRequest | undefined = typeof link === 'string' && link !== '' ? { path: link } : undefined;
      return { items: b.custom_statuses, next };
    },
  });
}

/**
 * Both labels, as every PUT carries them: the declared ones, else the live ones as written
 * (placeholders included). Every public client sends both, and Salto notes Zendesk wants both on
 * deploy (3P); a partial body is unproven (A). A live end-user label Zendesk left out is not invented.
 */
function bothLabels(live: Fields, after: Fields): CustomStatusInput {
  const eu = after['end_user_label'] ?? live['end_user_label'];
  return {
    agent_label: String(after['agent_label'] ?? live['agent_label'] ?? ''),
    ...(typeof eu === 'string' && eu !== '' ? { end_user_label: eu } : {}),
  };
}

/** The PUT body: both labels, the other writable fields that change, and `active` for a (re)activation or a retirement. */
function putBody(req: WriteRequest): CustomStatusInput {
  const live = req.before ?? {};
  // A retirement changes nothing else (A: the only retirement; DELETE is never used).
  if (req.kind === 'deactivate') return { ...bothLabels(live, live), active: false };
  const after = req.after ?? {};
  const body: Record<string, string> = {};
  for (const f of WRITABLE) {
    const v = after[f];
    if (typeof v === 'string' && v !== live[f]) body[f] = v;
  }
  return { ...body, ...bothLabels(live, after), ...(req.kind === 'reactivate' ? { active: true } : {}) };
}

/**
 * The note of a rename for agents only: the config declares no end-user label, so requesters keep
 * the one they saw (statusform never writes what the config does not declare).
 */
function renameNotes(kind: ActionKind, before: Fields | null, after: Fields | null): string[] {
  if ((kind !== 'update' && kind !== 'reactivate') || !before || !after) return [];
  if (after['agent_label'] === before['agent_label'] || after['end_user_label'] !== undefined) return [];
  const kept = before['end_user_label'];
  if (typeof kept !== 'string' || kept === '') return [];
  return [
    `renamed for agents only: requesters keep seeing the end-user label ${JSON.stringify(kept)} ` +
      '(declare end_user_label to rename it for them too)',
  ];
}

/** The declared item's live rows it would be: its own by recorded id, at its key or renamed_from, and owned ones it renames by case. */
function rowsOf(
  d: DesiredItem,
  items: readonly LiveItem[],
  state: Readonly<Record<string, StateItem>>,
  index: { byFold: Map<string, LiveItem[]>; byId: Map<string, LiveItem>; ownedIds: Set<string> },
): LiveItem[] {
  const recorded = state[d.key];
  return [
    ...(recorded?.id != null && index.byId.has(String(recorded.id)) ? [index.byId.get(String(recorded.id))!] : []),
    ...items.filter((l) => l.key === d.key || d.renamedFrom.includes(l.key)),
    ...[d.key, ...d.renamedFrom].flatMap((k) => index.byFold.get(fold(k)) ?? []).filter((l) => index.ownedIds.has(String(l.id))),
  ];
}

/**
 * A category cannot change (D: not in the update body; 3P: Salto and the andsafe provider refuse
 * it): refused before any write, for every live row the declared item would be. An unowned lookalike is not it.
 */
function categoryErrors(
  desired: readonly DesiredItem[],
  items: readonly LiveItem[],
  state: Readonly<Record<string, StateItem>>,
  index: Parameters<typeof rowsOf>[3],
): LiveRead['errors'] {
  const errors: LiveRead['errors'] = [];
  for (const d of desired) {
    const l = rowsOf(d, items, state, index).find((c) => !c.readOnly);
    if (!l || l.fields['status_category'] === d.fields['status_category']) continue;
    const want = String(d.fields['status_category']);
    const has = String(l.fields['status_category']);
    errors.push({
      key: d.key,
      message:
        `Zendesk cannot change a status's category (status_category is fixed at creation): ` +
        `${JSON.stringify(l.key)} (id ${String(l.id)}) is in ${has}, declared ${want}. Declare the ${want} status ` +
        `under a new agent_label and let prune retire this one (tickets keep it until moved), or keep maps_to: ${has}`,
    });
  }
  return errors;
}

/** Creates that would pass Zendesk's limits, counting every listed row, built-in and inactive ones too (D: 300/100; A: what counts). */
function limitErrors(creates: readonly DesiredItem[], rows: readonly CustomStatus[]): LiveRead['errors'] {
  const errors: LiveRead['errors'] = [];
  const total = rows.length + creates.length;
  if (total > MAX_PER_ACCOUNT) {
    for (const d of creates.slice(creates.length - (total - MAX_PER_ACCOUNT)))
      errors.push({
        key: d.key,
        message:
          `creating it would make ${total} statuses at Zendesk (every listed row counts, ` +
          `inactive and built-in ones too); the limit is ${MAX_PER_ACCOUNT} per account`,
      });
  }
  for (const category of CREATABLE_CATEGORIES) {
    const mine = creates.filter((d) => d.fields['status_category'] === category);
    const n = rows.filter((r) => r.status_category === category).length + mine.length;
    if (n <= MAX_PER_CATEGORY) continue;
    for (const d of mine.slice(mine.length - (n - MAX_PER_CATEGORY)))
      errors.push({
        key: d.key,
        message:
          `creating it would make ${n} statuses in the ${category} category at Zendesk ` +
          `(inactive ones count too); the limit is ${MAX_PER_CATEGORY} per category`,
      });
  }
  return errors;
}

/**
 * Whether the On-hold category is on, and how that is known: the account setting
 * `tickets.status_hold` (D: Account Settings reference; A: that it governs the custom-status
 * category too), else — the setting unreadable or absent — whether any hold status is active (A).
 */
async function holdState(send: Send, address: string, rows: readonly CustomStatus[]): Promise<{ on: boolean; why: string }> {
  try {
    const res = await send<{ settings: { tickets?: { status_hold?: boolean } } }>({
      method: 'GET',
      path: '/api/v2/account/settings',
      address,
      answer: ACCOUNT_SETTINGS,
    });
    const flag = res.body.settings.tickets?.status_hold;
    if (typeof flag === 'boolean') return { on: flag, why: 'GET /api/v2/account/settings: tickets.status_hold is false' };
  } catch (err) {
    if (!(err instanceof VendorError && (err.status === 403 || err.status === 404))) throw err;
  }
  const on = rows.some((r) => r.status_category === 'hold' && r.active);
  return { on, why: 'no status in the hold category is active, and the account settings do not say' };
}

/** Declared hold statuses on an account whose On-hold category is off: plan errors naming the setting, no write. */
async function holdErrors(send: Send, address: string, desired: readonly DesiredItem[], rows: readonly CustomStatus[]) {
  const held = desired.filter((d) => d.fields['status_category'] === 'hold');
  if (held.length === 0) return [];
  const hold = await holdState(send, address, rows);
  if (hold.on) return [];
  const message =
    `maps_to: hold needs Zendesk's On-hold category, which is off on this account (${hold.why}): an admin turns on ` +
    'the On-hold status first (Admin Center → Objects and rules → Tickets; help article 4408889282458), then plan again — ' +
    'or map this status to another category';
  return held.map((d) => ({ key: d.key, message }));
}

export const zendesk: VendorAdapter = {
  vendor: 'zendesk',
  displayName: 'Zendesk',
  collection: 'statuses',
  capabilities: {
    read: 'list',
    create: true,
    softDelete: true,
    // DELETE is irreversible and fails while tickets use the status (D: CTS-b); Zendesk's own client
    // finds the row afterwards (3P): never used.
    hardDelete: false,
    upsert: false,
    renameInPlace: true,
    hidesInactive: false,
    transitions: false,
    readOnlyDeclared: 'refuse',
  },
  defaultRateLimit: DEFAULT_RATE_LIMIT,
  secretFields: ['client_secret', 'token', 'api_token'],
  accountSchema: {
    required: ['statuses'],
    properties: {
      subdomain: {
        type: 'string',
        pattern: '^[A-Za-z0-9][A-Za-z0-9-]*$',
        description: 'The account: https://{subdomain}.zendesk.com (or give base_url).',
      },
      client_id: {
        type: 'string',
        minLength: 1,
        description:
          "An OAuth client's identifier (Admin Center → Apps and integrations → APIs → OAuth clients; kind confidential), " +
          `with client_secret: statusform gets a token by the client-credentials grant, scope "${OAUTH_SCOPE}".`,
      },
      client_secret: { type: 'string', minLength: 1, description: "The OAuth client's secret, with client_id." },
      token: { type: 'string', minLength: 1, description: `A fixed OAuth access token (scope "${OAUTH_SCOPE}"), instead of client_id.` },
      email: { type: 'string', minLength: 3, description: `API token auth, until ${API_TOKENS_END}: an admin’s email, with api_token.` },
      api_token: {
        type: 'string',
        minLength: 1,
        description: `An API token, with email; Zendesk deactivates them all on ${API_TOKENS_END}: prefer client_id and client_secret.`,
      },
      plan: { enum: Object.keys(PLAN_LIMITS), description: 'The Zendesk plan, for the rate limit (default team: 200 requests a minute).' },
      statuses: { type: 'array', items: statusSchema },
    },
  },

  accountDefaults(settings) {
    const sub = settings['subdomain'];
    const plan = typeof settings['plan'] === 'string' ? PLAN_LIMITS[settings['plan']] : undefined;
    return {
      ...(typeof sub === 'string' ? { baseUrl: `https://${sub.toLowerCase()}.zendesk.com` } : {}),
      ...(plan ? { rateLimit: { requests: plan, seconds: 60 } } : {}),
    };
  },

  desiredItems(settings, ctx: DesiredContext): DesiredItem[] {
    checkAuth(settings, ctx);
    if ((settings['subdomain'] === undefined) === (settings['base_url'] === undefined))
      ctx.problem([], 'give either subdomain (https://{subdomain}.zendesk.com) or base_url, not both');
    const statuses = (settings['statuses'] ?? []) as StatusConfig[];
    const perCategory = new Map<string, number>();
    return statuses.map((s, i) => desiredStatus(s, i, ctx, perCategory));
  },

  importItem(live, categories) {
    const category = String(live.fields['status_category']);
    const item: Record<string, unknown> = {
      agent_label: live.fields['agent_label'],
      maps_to: categories.includes(category) ? category : categories[0]!,
    };
    for (const f of ['end_user_label', 'description', 'end_user_description'] as const) if (live.fields[f]) item[f] = live.fields[f];
    return categories.includes(category)
      ? { item }
      : {
          item,
          note:
            `Zendesk's category ${category} is not among the configuration's categories: ` +
            'maps_to is a placeholder; the category cannot change once created',
        };
  },

  changeNotes: renameNotes,
  foldKey: fold,
  acceptsRenamedFrom: true,

  open(account: AccountConfig, http: HttpClientFactory, clock: Clock): VendorSession {
    return openSession(account, http, clock);
  },
};

/** One declared status: its problems reported at their positions, then the item as compared. */
function desiredStatus(s: StatusConfig, i: number, ctx: DesiredContext, perCategory: Map<string, number>): DesiredItem {
  const at = (...p: (string | number)[]) => ['statuses', i, ...p];
  const category = s.maps_to.trim().toLowerCase();
  if (!(STATUS_CATEGORIES as readonly string[]).includes(category)) {
    ctx.problem(
      at('maps_to'),
      `Zendesk has no category "${s.maps_to}" (its categories: ${STATUS_CATEGORIES.join(', ')}; Closed tickets belong to solved)`,
    );
  } else if (!CREATABLE_CATEGORIES.includes(category as never)) {
    ctx.problem(
      at('maps_to'),
      `Zendesk's new category holds only its built-in status: a custom status goes in ${CREATABLE_CATEGORIES.join(', ')}`,
    );
  }
  for (const field of ['agent_label', 'end_user_label'] as const) {
    const v = s[field];
    // Characters as code points (A: Zendesk counts characters, not UTF-16 units).
    const length = typeof v === 'string' ? [...label(v)].length : 0;
    if (typeof v === 'string' && isPlain(v) && length > MAX_LABEL)
      ctx.problem(at(field), `${field} is ${length} characters; Zendesk allows at most ${MAX_LABEL}`);
  }
  if (SYSTEM_LABEL.test(label(s.agent_label)))
    ctx.problem(
      at('agent_label'),
      `${label(s.agent_label)} is the placeholder of a Zendesk built-in status, which statusform never writes`,
    );
  const n = (perCategory.get(category) ?? 0) + 1;
  perCategory.set(category, n);
  if (n === MAX_PER_CATEGORY + 1)
    ctx.problem(
      at(),
      `more than ${MAX_PER_CATEGORY} statuses in the ${category} category: Zendesk allows ${MAX_PER_CATEGORY} per category`,
    );
  if (i === MAX_PER_ACCOUNT)
    ctx.problem(
      at(),
      `more than ${MAX_PER_ACCOUNT} statuses: Zendesk allows ${MAX_PER_ACCOUNT} per account, its built-in statuses included`,
    );

  const fields: Fields = { status_category: category, agent_label: label(s.agent_label) };
  if (s.end_user_label !== undefined) fields['end_user_label'] = label(s.end_user_label);
  if (s.description !== undefined) fields['description'] = keyOf(s.description);
  if (s.end_user_description !== undefined) fields['end_user_description'] = keyOf(s.end_user_description);
  return {
    key: label(s.agent_label),
    fields,
    category,
    dependsOn: [],
    renamedFrom: (s.renamed_from ?? []).map(label),
    position: ctx.positionOf(at()),
  };
}

/**
 * The account's client, authenticated by its mode. For an OAuth client, a 401 that survives a
 * fresh token names the client and the scope: the HttpClient has already re-obtained once.
 */
function accountClient(account: AccountConfig, http: HttpClientFactory, clock: Clock): Send {
  const s = account.settings;
  const common = { describeError: describeZendeskError, errorShape: ZENDESK_ERROR };
  if (authModes(s)[0] !== 'client') {
    const client = http({ ...common, headers: { authorization: fixedAuthHeader(s) } });
    return (req) => client.request(req);
  }
  const clientId = String(s['client_id']);
  let client: HttpClient;
  const auth = clientCredentialsAuth(account.name, { clientId, clientSecret: String(s['client_secret']) }, () => client, clock);
  client = http({ ...common, auth });
  return async (req) => {
    try {
      return await client.request(req);
    } catch (err) {
      if (!(err instanceof VendorError) || err.status !== 401 || err.code === 'E_OAUTH_CLIENT') throw err;
      throw new VendorError(
        err.address,
        `${err.reason} — Zendesk refused a fresh access token of OAuth client ${JSON.stringify(clientId)} ` +
          `(scope "${OAUTH_SCOPE}") as well: check that the client is not revoked and its owner is still an admin`,
        { status: 401, code: 'E_OAUTH_CLIENT' },
      );
    }
  };
}

/** Features pre-flight (3P: Salto; A: statusform does the same). A features endpoint the user may not read is not a refusal. */
async function preflight(send: Send, address: string): Promise<string[]> {
  try {
    const res = await send<{ features: { custom_statuses_enabled?: { enabled: boolean } } }>({
      method: 'GET',
      path: '/api/v2/account/features',
      address,
      answer: ACCOUNT_FEATURES,
    });
    if (res.body.features.custom_statuses_enabled?.enabled !== false) return [];
    throw new VendorError(
      address,
      'custom ticket statuses are not activated on this Zendesk account (GET /api/v2/account/features: ' +
        'custom_statuses_enabled is false); an admin activates them in Admin Center → Objects and rules → Tickets → Settings',
      { code: 'E_FEATURE_OFF' },
    );
  } catch (err) {
    if (err instanceof VendorError && (err.status === 403 || err.status === 404))
      return [
        `could not check whether custom ticket statuses are activated (GET /api/v2/account/features answered ${err.status}); going on`,
      ];
    throw err;
  }
}

/** The list, where a refusal may mean the feature is off (A: the answer then is undocumented — 403, 404 or 422). */
async function listOrExplain(send: Send, address: string): Promise<CustomStatus[]> {
  try {
    return await listAll(send, address);
  } catch (err) {
    if (!(err instanceof VendorError) || ![403, 404, 422].includes(err.status ?? 0)) throw err;
    throw new VendorError(
      address,
      `${err.message} — custom ticket statuses may not be activated on this account (the API's answer then is undocumented)`,
      { status: err.status, ...(err.code ? { code: err.code } : {}) },
    );
  }
}

function openSession(account: AccountConfig, http: HttpClientFactory, clock: Clock): VendorSession {
  const send = accountClient(account, http, clock);
  const accountAddress = `${account.name}.statuses`;
  /** Every id listed when the account was read, and every one created since: a create's answer must name none of them. */
  const known = new Set<string>();

  return {
    async read(desired: readonly DesiredItem[], state: Readonly<Record<string, StateItem>>): Promise<LiveRead> {
      const warnings = await preflight(send, accountAddress);
      const rows = await listOrExplain(send, accountAddress);
      for (const r of rows) known.add(String(r.id));
      const items = rows.map(toLive);
      const unknown = rows.filter((r) => !(STATUS_CATEGORIES as readonly string[]).includes(r.status_category));
      if (unknown.length > 0)
        warnings.push(
          `${unknown.length} live status(es) in a category statusform does not know ` +
            `(${[...new Set(unknown.map((r) => r.status_category))].join(', ')}) are left alone`,
        );
      const byFold = new Map<string, LiveItem[]>();
      for (const l of items) byFold.set(fold(l.key), [...(byFold.get(fold(l.key)) ?? []), l]);
      const byId = new Map(items.map((l) => [String(l.id), l]));
      const ownedIds = new Set(Object.values(state).flatMap((r) => (r.id != null ? [String(r.id)] : [])));
      const creates = desired.filter(
        (d) =>
          !(byFold.get(fold(d.key)) ?? []).length &&
          !d.renamedFrom.some((k) => byFold.has(fold(k))) &&
          !(state[d.key]?.id != null && byId.has(String(state[d.key]!.id))),
      );
      const errors = [
        ...categoryErrors(desired, items, state, { byFold, byId, ownedIds }),
        ...limitErrors(creates, rows),
        ...(await holdErrors(send, accountAddress, desired, rows)),
      ];
      if (creates.length > 0)
        warnings.push(
          `${creates.length} new status(es) will be linked to no ticket form: agents see a status only on ` +
            'the forms it is linked to (Admin Center → Ticket forms); statusform does not manage form links',
        );
      return { items, warnings, errors };
    },

    async write(req: WriteRequest): Promise<WriteResult> {
      switch (req.kind) {
        case 'create':
          return create(send, req, known);
        case 'update':
        case 'reactivate':
        case 'deactivate':
          return put(send, req);
        default:
          throw new VendorError(req.address, `Zendesk custom statuses cannot be given a ${req.kind}`);
      }
    },
  };
}

/** POST, never duplicated: an unknown outcome is looked for (this label and category, not a row read before) before sending again. */
async function create(send: Send, req: WriteRequest, known: Set<string>): Promise<WriteResult> {
  const after = req.after ?? {};
  const body: CustomStatusInput = {
    status_category: String(after['status_category']),
    agent_label: String(after['agent_label']),
    active: true,
  };
  for (const f of ['end_user_label', 'description', 'end_user_description'] as const) if (typeof after[f] === 'string') body[f] = after[f];
  const isThisNew = (s: CustomStatus) =>
    !isSystem(s) && !known.has(String(s.id)) && label(raw(s, 'agent_label')) === req.key && s.status_category === body.status_category;
  const res = await send<{ custom_status: CustomStatus }>({
    method: 'POST',
    path: '/api/v2/custom_statuses',
    body: { custom_status: body },
    address: req.address,
    answer: ONE_STATUS,
    // Never record another status as this one: it would be renamed, then deactivated, as statusform's.
    about: (b) => (isThisNew(b.custom_status) ? undefined : `it names another status (id ${b.custom_status.id})`),
    recover: async () => {
      const found = (await listAll(send, req.address)).find(isThisNew);
      return found ? { status: 201, headers: {}, body: { custom_status: found } } : undefined;
    },
  });
  known.add(String(res.body.custom_status.id));
  return { id: res.body.custom_status.id, fields: toFields(res.body.custom_status) };
}

/** PUT by id: an update, a reactivation or a retirement; the answer must be about the same id. */
async function put(send: Send, req: WriteRequest): Promise<WriteResult> {
  if (req.id === null) throw new VendorError(req.address, 'no Zendesk id known for this status');
  const after = req.after ?? {};
  const before = req.before;
  if (
    req.kind !== 'deactivate' &&
    after['status_category'] !== undefined &&
    before &&
    after['status_category'] !== before['status_category']
  )
    throw new VendorError(
      req.address,
      `Zendesk cannot change a status's category (${String(before['status_category'])} → ${String(after['status_category'])}); not sent`,
      { code: 'E_IMMUTABLE' },
    );
  const path = `/api/v2/custom_statuses/${encodeURIComponent(String(req.id))}`;
  let status: CustomStatus;
  try {
    status = (
      await send<{ custom_status: CustomStatus }>({
        method: 'PUT',
        path,
        body: { custom_status: putBody(req) },
        address: req.address,
        answer: ONE_STATUS,
      })
    ).body.custom_status;
  } catch (err) {
    // Deleted outside statusform (A: 404 on a stored id): for a retirement, that is as asked.
    if (req.kind === 'deactivate' && err instanceof VendorError && err.status === 404) return { id: req.id, fields: before ?? {} };
    throw err;
  }
  if (String(status.id) !== String(req.id))
    throw new VendorError(req.address, `PUT ${path} answered with another status (id ${status.id}); run plan to see the live state`, {
      code: 'E_ANSWER',
    });
  return { id: status.id, fields: toFields(status) };
}
