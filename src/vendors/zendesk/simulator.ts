// The Zendesk sandbox: custom ticket statuses under /api/v2, authenticated by an OAuth client's
// client-credentials grant at /oauth/tokens (tokens that expire), a fixed OAuth Bearer token or an
// API token's Basic `{email}/token:{api_token}`; the five built-in statuses, with On-hold off as in
// a new account; one unpaginated list with its three filters, POST (201), PUT of the writable
// fields, the bulk default call, DELETE as Zendesk's own client finds it, both 403 bodies,
// Zendesk's other error bodies, per-minute limits with X-Rate-Limit / X-Rate-Limit-Remaining, the
// account features and settings. Rows sometimes leave optional fields out, as the OpenAPI
// description allows. Every rule the docs do not state is marked (A) where it is made
// (vendor-docs zendesk-custom-statuses.md).

import { randomBytes } from 'node:crypto';
import {
  startSimulator,
  bearer,
  type RunningSimulator,
  type SimRequest,
  type SimResponse,
  type SimulatorOptions,
} from '../../simulator/server.js';
import { CREATABLE_CATEGORIES, MAX_LABEL, MAX_PER_ACCOUNT, MAX_PER_CATEGORY, STATUS_CATEGORIES, type CustomStatus } from './api.js';
import {
  ZENDESK_SANDBOX_CLIENT_ID,
  ZENDESK_SANDBOX_CLIENT_SECRET,
  ZENDESK_SANDBOX_EMAIL,
  ZENDESK_SANDBOX_API_TOKEN,
  ZENDESK_SANDBOX_OAUTH_TOKEN,
  ZENDESK_SANDBOX_READ_TOKEN,
  ZENDESK_SANDBOX_AGENT_EMAIL,
} from './sandbox-credentials.js';

// The credentials it accepts by default, for whoever starts it directly (tests, the bench).
export {
  ZENDESK_SANDBOX_CLIENT_ID,
  ZENDESK_SANDBOX_CLIENT_SECRET,
  ZENDESK_SANDBOX_EMAIL,
  ZENDESK_SANDBOX_API_TOKEN,
  ZENDESK_SANDBOX_OAUTH_TOKEN,
  ZENDESK_SANDBOX_READ_TOKEN,
  ZENDESK_SANDBOX_AGENT_EMAIL,
};

/** An access token the grant issued. */
export interface IssuedToken {
  scopes: string[];
  /** Epoch ms after which it is refused (401 invalid_token). */
  expiresAt: number;
  /** Requests it may still authenticate, when the `requestsPerToken` switch is set. */
  requestsLeft?: number;
}

export interface ZendeskOAuthOptions {
  /** How long an issued token lives, ms (A: Zendesk's default lifetime is not stated; 2 hours here). */
  lifetimeMs?: number;
  /** Whether the grant's answer says so (`expires_in`); false: tokens end without warning, as a revoked one would. */
  announce?: boolean;
  /** Test switch: each token authenticates this many API requests, then is refused as expired. */
  requestsPerToken?: number;
}

export interface ZendeskStore {
  statuses: Map<number, CustomStatus>;
  /** POSTs per lower-cased agent label, for "no duplicate create" checks. */
  creates: Map<string, number>;
  /** `custom_statuses_enabled` of GET /api/v2/account/features (a switch; on by default). */
  featureEnabled: boolean;
  /** The On-hold category (`tickets.status_hold` of GET /api/v2/account/settings); off in a new account (D). */
  holdEnabled: boolean;
  /** Ids still held by active tickets: DELETE refuses them (D: CTS-b; the answer is A). */
  inUse: Set<number>;
  oauth: {
    /** Tokens issued by the client-credentials grant. */
    grants: number;
    /** A switch: the client was revoked in Admin Center; grants are refused and its tokens die (A: what Zendesk answers). */
    revoked: boolean;
    tokens: Map<string, IssuedToken>;
    options: Required<Omit<ZendeskOAuthOptions, 'requestsPerToken'>> & Pick<ZendeskOAuthOptions, 'requestsPerToken'>;
  };
  /** Whether rows leave some optional fields out (on by default), as the OpenAPI description allows. */
  omitOptional: boolean;
}

export interface ZendeskSeed {
  /** The On-hold category is on (default off, as in a new account: D, help article 4408889282458). */
  hold?: boolean;
  statuses?: {
    agent_label: string;
    status_category: string;
    active?: boolean;
    end_user_label?: string;
    description?: string;
    id?: number;
  }[];
}

/** The built-in statuses: one per category, each its category's default (D: CTS; ids and labels 3P: BLOG). */
const SYSTEM: [number, string, string][] = [
  [10, 'new', 'New'],
  [11, 'open', 'Open'],
  [12, 'pending', 'Pending'],
  [13, 'hold', 'On-hold'],
  [14, 'solved', 'Solved'],
];
const HOLD_SYSTEM_ID = 13;

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

const FORBIDDEN_PAGE = 'You do not have access to this page. Please contact the account owner of this help desk for further help.';

/** `{error, description}` (3P: public client threads); 401's body is D (brief, checked 2026-12-07). */
const errorBody = (status: number, message: string) => {
  if (status === 401) return { error: "Couldn't authenticate you" };
  if (status === 404) return { error: 'RecordNotFound', description: 'Not found' };
  if (status === 403) return { error: 'Forbidden', description: message };
  return { error: status === 429 ? 'TooManyRequests' : status >= 500 ? 'ServerError' : 'InvalidRequest', description: message };
};

/** The two 403 bodies (D): a permission, and a missing OAuth scope. */
const forbidden = {
  permission: (): SimResponse => ({ status: 403, body: { error: { title: 'Forbidden', message: FORBIDDEN_PAGE } } }),
  scope: (scope: string): SimResponse => ({
    status: 403,
    body: { error: 'Forbidden', description: `You are missing the following required scopes: ${scope}` },
  }),
};

/** OAuth's own error bodies (A: RFC 6749 §5.2 and RFC 6750 §3.1 codes, in Doorkeeper's words; Zendesk's are unpublished). */
const oauthError = {
  client: (): SimResponse => ({
    status: 401,
    body: {
      error: 'invalid_client',
      error_description:
        'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
    },
  }),
  grantType: (): SimResponse => ({
    status: 400,
    body: {
      error: 'unsupported_grant_type',
      error_description: 'The authorization grant type is not supported by the authorization server.',
    },
  }),
  token: (): SimResponse => ({
    status: 401,
    body: {
      error: 'invalid_token',
      error_description: 'The access token provided is expired, revoked, malformed or invalid for other reasons.',
    },
  }),
};

/** 422 `RecordInvalid` with `details` (3P: the envelope; A: the codes — Zendesk does not publish them for custom statuses). */
const invalid = (field: string, description: string, error: string): SimResponse => ({
  status: 422,
  body: { error: 'RecordInvalid', description: 'Record validation errors', details: { [field]: [{ description, error }] } },
});

const norm = (s: string) => s.normalize('NFC').trim().toLowerCase();
const isSystemRow = (s: CustomStatus) => /^\{\{zd\./.test(s.raw_agent_label ?? '');

/**
 * A row as it goes on the wire. Custom rows sometimes leave out fields the OpenAPI description
 * marks optional (CustomStatusObject requires only agent_label and status_category), so clients
 * are tested with them absent: by id, one in three without its raw_* descriptions and timestamps,
 * one in three without `default` when false and without empty descriptions. `id` and `active`
 * are always sent (A: statusform requires them). Built-in rows keep everything (their raw labels
 * are how a client tells them).
 */
function wire(s: CustomStatus, omit: boolean): CustomStatus {
  if (!omit || isSystemRow(s)) return s;
  const out: Record<string, unknown> = { ...s };
  if (s.id % 3 === 1) for (const k of ['raw_description', 'raw_end_user_description', 'created_at', 'updated_at']) delete out[k];
  if (s.id % 3 === 2) {
    if (s.default === false) delete out['default'];
    for (const k of ['description', 'raw_description', 'end_user_description', 'raw_end_user_description'])
      if (out[k] === '') delete out[k];
  }
  return out as unknown as CustomStatus;
}

type Caller = { who: 'admin' | 'agent'; scopes?: string[] } | { refuse: SimResponse };

export async function startZendeskSimulator(
  opts: SimulatorOptions<ZendeskSeed> & { featureEnabled?: boolean; oauth?: ZendeskOAuthOptions; omitOptional?: boolean } = {},
): Promise<RunningSimulator<ZendeskStore>> {
  const [email, apiToken, oauthToken] = opts.tokens ?? [ZENDESK_SANDBOX_EMAIL, ZENDESK_SANDBOX_API_TOKEN, ZENDESK_SANDBOX_OAUTH_TOKEN];
  let nextId = 4100000000100;
  const row = (id: number, category: string, agentLabel: string, rawLabel: string, extra: Partial<CustomStatus> = {}): CustomStatus => ({
    id,
    status_category: category,
    agent_label: agentLabel,
    raw_agent_label: rawLabel,
    end_user_label: extra.end_user_label ?? agentLabel,
    raw_end_user_label: extra.end_user_label ?? rawLabel,
    description: extra.description ?? '',
    raw_description: extra.description ?? '',
    end_user_description: '',
    raw_end_user_description: '',
    active: extra.active ?? true,
    default: extra.default ?? false,
    created_at: now(),
    updated_at: now(),
  });
  const store: ZendeskStore = {
    statuses: new Map(),
    creates: new Map(),
    featureEnabled: opts.featureEnabled ?? true,
    holdEnabled: opts.seed?.hold ?? false,
    inUse: new Set(),
    oauth: {
      grants: 0,
      revoked: false,
      tokens: new Map(),
      options: {
        lifetimeMs: opts.oauth?.lifetimeMs ?? 2 * 3600_000,
        announce: opts.oauth?.announce ?? true,
        ...(opts.oauth?.requestsPerToken !== undefined ? { requestsPerToken: opts.oauth.requestsPerToken } : {}),
      },
    },
    omitOptional: opts.omitOptional ?? true,
  };
  for (const [id, category, text] of SYSTEM) {
    // With On-hold off its built-in status is inactive, and the category needs no default (D: CTS-b).
    const on = id !== HOLD_SYSTEM_ID || store.holdEnabled;
    store.statuses.set(id, row(id, category, text, `{{zd.status_${category}}}`, { default: on, active: on }));
  }
  for (const s of opts.seed?.statuses ?? []) {
    const id = s.id ?? nextId++;
    store.statuses.set(
      id,
      row(id, s.status_category, s.agent_label, s.agent_label, {
        ...(s.active !== undefined ? { active: s.active } : {}),
        ...(s.end_user_label ? { end_user_label: s.end_user_label } : {}),
        ...(s.description ? { description: s.description } : {}),
      }),
    );
  }

  /** An issued token: live, or refused as expired (its life, its request budget, a revoked client). */
  const issued = (token: string): Caller | undefined => {
    const t = store.oauth.tokens.get(token);
    if (!t) return undefined;
    const spent = t.requestsLeft !== undefined && t.requestsLeft <= 0;
    if (store.oauth.revoked || spent || Date.now() >= t.expiresAt) return { refuse: oauthError.token() };
    if (t.requestsLeft !== undefined) t.requestsLeft--;
    return { who: 'admin', scopes: t.scopes };
  };

  /** Who is calling (D: Basic `{email}/token:{api_token}`, or Bearer); a client-credentials token acts as the client's admin owner (A). */
  const caller = (req: SimRequest): Caller => {
    const none = { refuse: { status: 401, body: errorBody(401, '') } };
    const token = bearer(req.headers);
    if (token !== undefined) {
      if (token === oauthToken) return { who: 'admin', scopes: ['read', 'write'] };
      if (token === ZENDESK_SANDBOX_READ_TOKEN) return { who: 'admin', scopes: ['read'] };
      return issued(token) ?? none;
    }
    const h = req.headers['authorization'];
    if (typeof h !== 'string' || !h.startsWith('Basic ')) return none;
    const decoded = Buffer.from(h.slice(6), 'base64').toString('utf8');
    const at = decoded.indexOf('/token:');
    if (at < 0 || decoded.slice(at + 7) !== apiToken) return none; // email + password is not offered (A)
    const user = decoded.slice(0, at).toLowerCase();
    // The API token is the account's, paired with any verified user (D: TOKEN).
    return user === email!.toLowerCase() ? { who: 'admin' } : user === ZENDESK_SANDBOX_AGENT_EMAIL ? { who: 'agent' } : none;
  };

  /**
   * POST /oauth/tokens, the client-credentials grant (D: "OAuth Tokens for Grant Types"): a JSON
   * body with the client's identifier and secret; the token carries the scopes asked for (D: an
   * unknown scope still gets a token, refused at use). `expires_in` when announced.
   */
  const grant = (req: SimRequest): SimResponse => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (b['grant_type'] !== 'client_credentials') return oauthError.grantType();
    if (store.oauth.revoked || b['client_id'] !== ZENDESK_SANDBOX_CLIENT_ID || b['client_secret'] !== ZENDESK_SANDBOX_CLIENT_SECRET)
      return oauthError.client();
    const scope = typeof b['scope'] === 'string' && b['scope'].trim() !== '' ? b['scope'].trim() : 'read'; // A: read when none asked
    const access = `zd_sim_access_${randomBytes(16).toString('hex')}`;
    const o = store.oauth.options;
    store.oauth.tokens.set(access, {
      scopes: scope.split(/\s+/),
      expiresAt: Date.now() + o.lifetimeMs,
      ...(o.requestsPerToken !== undefined ? { requestsLeft: o.requestsPerToken } : {}),
    });
    store.oauth.grants++;
    const expires = o.announce ? { expires_in: Math.max(1, Math.floor(o.lifetimeMs / 1000)) } : {};
    return { status: 200, body: { access_token: access, token_type: 'bearer', scope, ...expires } };
  };

  /**
   * A label's problems: required, at most 48 characters of plain text, unique whatever the case
   * (A: scope and case unknown, so account-wide, every row).
   */
  const checkLabel = (field: 'agent_label' | 'end_user_label', value: unknown, except?: number): SimResponse | undefined => {
    if (value === undefined && field === 'end_user_label') return undefined;
    if (typeof value !== 'string' || value.trim() === '')
      return invalid(field, `${field === 'agent_label' ? 'Agent label' : 'End user label'}: cannot be blank`, 'BlankValue');
    if (!value.includes('{{') && [...value.trim()].length > MAX_LABEL)
      return invalid(field, `is too long (maximum is ${MAX_LABEL} characters)`, 'TooLong');
    if (
      field === 'agent_label' &&
      [...store.statuses.values()].some(
        (s) => s.id !== except && (norm(s.agent_label) === norm(value) || norm(s.raw_agent_label ?? '') === norm(value)),
      )
    ) {
      return invalid(field, 'Agent label: has already been taken', 'DuplicateValue');
    }
    return undefined;
  };

  /** An active status in hold while On-hold is off (A: refused; the category takes none then). */
  const holdOff = (category: string, active: boolean): SimResponse | undefined =>
    category === 'hold' && active && !store.holdEnabled
      ? invalid('status_category', 'Status category: the On-hold status is not enabled for this account', 'InvalidValue')
      : undefined;

  // X-Rate-Limit / X-Rate-Limit-Remaining on every answer (D: RL), counted in the same window as the limiter.
  let window = { start: 0, count: 0 };
  const quota = (): Record<string, string> => {
    const rl = sim.rateLimit;
    if (!rl) return {};
    const t = Date.now();
    if (t - window.start >= rl.windowMs) window = { start: t, count: 0 };
    window.count++;
    return { 'x-rate-limit': String(rl.limit), 'x-rate-limit-remaining': String(Math.max(0, rl.limit - window.count)) };
  };

  const list = (req: SimRequest): SimResponse => {
    // Filters (D): status_categories (comma list), active and default (true/false; absent = both).
    const cats = req.query
      .get('status_categories')
      ?.split(',')
      .map((c) => c.trim());
    const flag = (name: string) => (req.query.has(name) ? req.query.get(name) === 'true' : undefined);
    const active = flag('active');
    const dflt = flag('default');
    const rows = [...store.statuses.values()].filter(
      (s) =>
        (!cats || cats.includes(s.status_category)) &&
        (active === undefined || s.active === active) &&
        (dflt === undefined || s.default === dflt),
    );
    return { status: 200, body: { custom_statuses: rows.map((s) => wire(s, store.omitOptional)) } };
  };

  const one = (status: number, s: CustomStatus): SimResponse => ({ status, body: { custom_status: wire(s, store.omitOptional) } });

  const create = (b: Record<string, unknown>): SimResponse => {
    const category = b['status_category'];
    if (typeof category !== 'string' || !(STATUS_CATEGORIES as readonly string[]).includes(category))
      return invalid('status_category', 'Status category: is invalid', 'InvalidValue');
    // New holds one status only (D: CTS-a; 3P: Salto). The code is A.
    if (!CREATABLE_CATEGORIES.includes(category as never))
      return invalid('status_category', 'Status category: new cannot have custom statuses', 'InvalidValue');
    const off = holdOff(category, b['active'] !== false);
    if (off) return off;
    for (const f of ['agent_label', 'end_user_label'] as const) {
      const bad = checkLabel(f, b[f]);
      if (bad) return bad;
    }
    const all = [...store.statuses.values()];
    // Every listed row counts, inactive and built-in ones too (A).
    if (all.length >= MAX_PER_ACCOUNT)
      return invalid('base', `Account has reached the limit of ${MAX_PER_ACCOUNT} custom statuses`, 'LimitExceeded');
    if (all.filter((s) => s.status_category === category).length >= MAX_PER_CATEGORY)
      return invalid(
        'status_category',
        `Category ${category} has reached the limit of ${MAX_PER_CATEGORY} custom statuses`,
        'LimitExceeded',
      );
    const id = nextId++;
    const s = row(id, category, String(b['agent_label']), String(b['agent_label']), {
      ...(typeof b['end_user_label'] === 'string' ? { end_user_label: b['end_user_label'] } : {}),
      ...(typeof b['description'] === 'string' ? { description: b['description'] } : {}),
      ...(typeof b['active'] === 'boolean' ? { active: b['active'] } : {}),
    });
    if (typeof b['end_user_description'] === 'string') s.end_user_description = s.raw_end_user_description = b['end_user_description'];
    store.statuses.set(id, s);
    const k = norm(s.agent_label);
    store.creates.set(k, (store.creates.get(k) ?? 0) + 1);
    return one(201, s);
  };

  /** Why a PUT is refused, or undefined (A: what Zendesk does with each is open question 3 and 4 — the strictest reading). */
  const updateRefusal = (s: CustomStatus, b: Record<string, unknown>): SimResponse | undefined => {
    if (b['status_category'] !== undefined && b['status_category'] !== s.status_category)
      return invalid('status_category', 'Status category: cannot be changed', 'Immutable');
    if (b['default'] !== undefined && b['default'] !== s.default)
      return invalid('default', 'Default: is changed with PUT /api/v2/custom_status/default only', 'Immutable');
    // D: a default is always active
    if (b['active'] === false && s.default) return invalid('active', 'Active: a default status cannot be deactivated', 'InvalidValue');
    const off = holdOff(s.status_category, b['active'] === true);
    if (off) return off;
    // A built-in status is never relabelled here; sending its own values back is harmless.
    const own = s as unknown as Record<string, unknown>;
    if (isSystemRow(s) && Object.keys(b).some((k) => b[k] !== own[k] && b[k] !== own[`raw_${k}`]))
      return invalid('base', 'System statuses cannot be changed', 'InvalidValue');
    for (const f of ['agent_label', 'end_user_label'] as const) {
      if (b[f] === undefined) continue;
      const bad = checkLabel(f, b[f], s.id);
      if (bad) return bad;
    }
    return undefined;
  };

  const update = (s: CustomStatus, b: Record<string, unknown>): SimResponse => {
    const refused = updateRefusal(s, b);
    if (refused) return refused;
    const next = { ...s, updated_at: now() };
    for (const f of ['agent_label', 'end_user_label', 'description', 'end_user_description'] as const) {
      if (typeof b[f] === 'string') {
        next[f] = b[f];
        next[`raw_${f}`] = b[f];
      }
    }
    if (typeof b['active'] === 'boolean') next.active = b['active'];
    store.statuses.set(s.id, next);
    return one(200, next);
  };

  /**
   * DELETE (D: CTS-b; admins only, and only once no active ticket uses it — the refusal's shape is
   * A). Zendesk's own Ruby client's live spec still finds the row afterwards, inactive (3P: RB): so here.
   */
  const remove = (s: CustomStatus): SimResponse => {
    if (s.default || isSystemRow(s)) return invalid('base', 'Default and system statuses cannot be deleted', 'InvalidValue');
    if (store.inUse.has(s.id)) return invalid('base', 'Status is in use by active tickets', 'InUse');
    store.statuses.set(s.id, { ...s, active: false, updated_at: now() });
    return { status: 204 };
  };

  const setDefaults = (b: Record<string, unknown>): SimResponse => {
    // `{"ids": "1,2"}`: one string (D). Each id becomes its category's default; it must be active (D).
    if (typeof b['ids'] !== 'string') return invalid('ids', 'Ids: must be a comma-separated string', 'InvalidValue');
    const rows = b['ids'].split(',').map((x) => store.statuses.get(Number(x.trim())));
    if (rows.some((r) => !r)) return { status: 404, body: errorBody(404, '') };
    if (rows.some((r) => !r!.active)) return invalid('ids', 'A default status must be active', 'InvalidValue');
    // Two ids of one category: refused (A: undocumented).
    if (new Set(rows.map((r) => r!.status_category)).size !== rows.length)
      return invalid('ids', 'One default per category', 'InvalidValue');
    for (const r of rows) {
      for (const s of store.statuses.values()) if (s.status_category === r!.status_category) s.default = s.id === r!.id;
    }
    return { status: 200, body: {} };
  };

  /** GET /api/v2/account/settings: the part a client of custom statuses reads (D: Account Settings; the rest left out). */
  const settings = (): SimResponse => ({
    status: 200,
    body: { settings: { tickets: { status_hold: store.holdEnabled }, active_features: { on_hold_status: store.holdEnabled } } },
  });

  const handle = (req: SimRequest): SimResponse => {
    const headers = quota();
    const answer = req.path === '/oauth/tokens' && req.method === 'POST' ? grant(req) : route(req);
    return { ...answer, headers: { ...headers, ...answer.headers } };
  };

  /** Reads need the `read` scope, everything else `write` (D: OAuth Tokens API "Scopes"); API tokens carry no scopes. */
  const scopeRefusal = (c: { scopes?: string[] }, method: string): SimResponse | undefined => {
    const need = method === 'GET' ? 'read' : 'write';
    return c.scopes && !c.scopes.includes(need) ? forbidden.scope(need) : undefined;
  };

  const route = (req: SimRequest): SimResponse => {
    const c = caller(req);
    if ('refuse' in c) return c.refuse;
    const scoped = scopeRefusal(c, req.method);
    if (scoped) return scoped;
    // A `.json` suffix is accepted (3P: BLOG).
    const path = req.path.replace(/\.json$/, '').replace(/\/$/, '');
    if (path === '/api/v2/account/features' && req.method === 'GET')
      return { status: 200, body: { features: { custom_statuses_enabled: { enabled: store.featureEnabled } } } };
    if (path === '/api/v2/account/settings' && req.method === 'GET') return settings();
    const isDefault = path === '/api/v2/custom_status/default';
    const m = /^\/api\/v2\/custom_statuses(?:\/(\d+))?$/.exec(path);
    if (!m && !isDefault) return { status: 404, body: errorBody(404, '') };
    // With the feature off the answer is undocumented (A: 403).
    if (!store.featureEnabled) return { status: 403, body: errorBody(403, 'Custom ticket statuses are not enabled for this account') };
    if (req.method !== 'GET' && c.who !== 'admin') return forbidden.permission();
    const b = ((req.body as { custom_status?: unknown } | undefined)?.custom_status ?? {}) as Record<string, unknown>;
    if (isDefault)
      return req.method === 'PUT' ? setDefaults((req.body ?? {}) as Record<string, unknown>) : { status: 404, body: errorBody(404, '') };
    const id = m![1] ? Number(m![1]) : undefined;
    if (id === undefined) {
      if (req.method === 'GET') return list(req);
      if (req.method === 'POST') return create(b);
      return { status: 404, body: errorBody(404, '') };
    }
    const s = store.statuses.get(id);
    if (!s) return { status: 404, body: errorBody(404, '') };
    if (req.method === 'GET') return one(200, s);
    if (req.method === 'PUT') return update(s, b);
    if (req.method === 'DELETE') return remove(s);
    return { status: 404, body: errorBody(404, '') };
  };

  // Team plan's 200 a minute by default (D: RL), one bucket for the account (D: account-wide).
  const sim = await startSimulator({ vendor: 'zendesk', errorBody, handle }, store, opts, { limit: 200, windowMs: 60_000 });
  return sim;
}
