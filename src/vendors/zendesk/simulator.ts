// The Zendesk sandbox: custom ticket statuses under /api/v2 with API-token Basic auth
// (`{email}/token:{api_token}`) and OAuth Bearer auth, the five built-in statuses seeded as
// category defaults, one unpaginated list with its three filters, POST (201), PUT of the writable
// fields, the bulk default call, DELETE, Zendesk's error bodies, per-minute limits with
// X-Rate-Limit / X-Rate-Limit-Remaining, and the account-features switch (vendor-docs
// zendesk-custom-statuses.md). Every rule the docs do not state is marked (A) where it is made.

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
  ZENDESK_SANDBOX_EMAIL,
  ZENDESK_SANDBOX_API_TOKEN,
  ZENDESK_SANDBOX_OAUTH_TOKEN,
  ZENDESK_SANDBOX_AGENT_EMAIL,
} from './sandbox-credentials.js';

// The credentials it accepts by default, for whoever starts it directly (tests, the bench).
export { ZENDESK_SANDBOX_EMAIL, ZENDESK_SANDBOX_API_TOKEN, ZENDESK_SANDBOX_OAUTH_TOKEN, ZENDESK_SANDBOX_AGENT_EMAIL };

export interface ZendeskStore {
  statuses: Map<number, CustomStatus>;
  /** POSTs per lower-cased agent label, for "no duplicate create" checks. */
  creates: Map<string, number>;
  /** `custom_statuses_enabled` of GET /api/v2/account/features (a switch; on by default). */
  featureEnabled: boolean;
  /** Ids still held by active tickets: DELETE refuses them (D: CTS-b; the answer is A). */
  inUse: Set<number>;
}

export interface ZendeskSeed {
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

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** `{error, description}` (3P: public client threads); 401's body is A. */
const errorBody = (status: number, message: string) => {
  if (status === 401) return { error: "Couldn't authenticate you" };
  if (status === 404) return { error: 'RecordNotFound', description: 'Not found' };
  if (status === 403) return { error: 'Forbidden', description: message };
  return { error: status === 429 ? 'TooManyRequests' : status >= 500 ? 'ServerError' : 'InvalidRequest', description: message };
};

/** 422 `RecordInvalid` with `details` (3P: the envelope; A: the codes — Zendesk does not publish them for custom statuses). */
const invalid = (field: string, description: string, error: string): SimResponse => ({
  status: 422,
  body: { error: 'RecordInvalid', description: 'Record validation errors', details: { [field]: [{ description, error }] } },
});

const norm = (s: string) => s.normalize('NFC').trim().toLowerCase();

export async function startZendeskSimulator(
  opts: SimulatorOptions<ZendeskSeed> & { featureEnabled?: boolean } = {},
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
  const store: ZendeskStore = { statuses: new Map(), creates: new Map(), featureEnabled: opts.featureEnabled ?? true, inUse: new Set() };
  for (const [id, category, text] of SYSTEM)
    store.statuses.set(id, row(id, category, text, `{{zd.status_${category}}}`, { default: true }));
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

  /** Who is calling: an admin, an agent, or nobody (D: Basic `{email}/token:{api_token}`, or Bearer). */
  const caller = (req: SimRequest): 'admin' | 'agent' | undefined => {
    const token = bearer(req.headers);
    if (token !== undefined) return token === oauthToken ? 'admin' : undefined;
    const h = req.headers['authorization'];
    if (typeof h !== 'string' || !h.startsWith('Basic ')) return undefined;
    const decoded = Buffer.from(h.slice(6), 'base64').toString('utf8');
    const at = decoded.indexOf('/token:');
    if (at < 0 || decoded.slice(at + 7) !== apiToken) return undefined; // email + password is not offered (A)
    const user = decoded.slice(0, at).toLowerCase();
    // The API token is the account's, paired with any verified user (D: TOKEN).
    return user === email!.toLowerCase() ? 'admin' : user === ZENDESK_SANDBOX_AGENT_EMAIL ? 'agent' : undefined;
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
    return { status: 200, body: { custom_statuses: rows } };
  };

  const create = (b: Record<string, unknown>): SimResponse => {
    const category = b['status_category'];
    if (typeof category !== 'string' || !(STATUS_CATEGORIES as readonly string[]).includes(category))
      return invalid('status_category', 'Status category: is invalid', 'InvalidValue');
    // New holds one status only (D: CTS-a; 3P: Salto). The code is A.
    if (!CREATABLE_CATEGORIES.includes(category as never))
      return invalid('status_category', 'Status category: new cannot have custom statuses', 'InvalidValue');
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
    return { status: 201, body: { custom_status: s } };
  };

  const update = (s: CustomStatus, b: Record<string, unknown>): SimResponse => {
    // What a PUT with status_category or default does is unknown (A: refused, the strictest reading).
    if (b['status_category'] !== undefined && b['status_category'] !== s.status_category)
      return invalid('status_category', 'Status category: cannot be changed', 'Immutable');
    if (b['default'] !== undefined && b['default'] !== s.default)
      return invalid('default', 'Default: is changed with PUT /api/v2/custom_status/default only', 'Immutable');
    // D: a default is always active
    if (b['active'] === false && s.default) return invalid('active', 'Active: a default status cannot be deactivated', 'InvalidValue');
    // A built-in status is never relabelled here (A: open question 4 — the strictest reading).
    if (/^\{\{zd\./.test(s.raw_agent_label ?? '') && Object.keys(b).some((k) => k !== 'active' || b[k] !== s.active))
      return invalid('base', 'System statuses cannot be changed', 'InvalidValue');
    for (const f of ['agent_label', 'end_user_label'] as const) {
      if (b[f] === undefined) continue;
      const bad = checkLabel(f, b[f], s.id);
      if (bad) return bad;
    }
    const next = { ...s, updated_at: now() };
    for (const f of ['agent_label', 'end_user_label', 'description', 'end_user_description'] as const) {
      if (typeof b[f] === 'string') {
        next[f] = b[f];
        next[`raw_${f}`] = b[f];
      }
    }
    if (typeof b['active'] === 'boolean') next.active = b['active'];
    store.statuses.set(s.id, next);
    return { status: 200, body: { custom_status: next } };
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

  const handle = (req: SimRequest): SimResponse => {
    const headers = quota();
    const answer = route(req);
    return { ...answer, headers: { ...headers, ...answer.headers } };
  };

  const route = (req: SimRequest): SimResponse => {
    const who = caller(req);
    if (!who) return { status: 401, body: errorBody(401, '') };
    // A `.json` suffix is accepted (3P: BLOG).
    const path = req.path.replace(/\.json$/, '').replace(/\/$/, '');
    if (path === '/api/v2/account/features' && req.method === 'GET')
      return { status: 200, body: { features: { custom_statuses_enabled: { enabled: store.featureEnabled } } } };
    const isDefault = path === '/api/v2/custom_status/default';
    const m = /^\/api\/v2\/custom_statuses(?:\/(\d+))?$/.exec(path);
    if (!m && !isDefault) return { status: 404, body: errorBody(404, '') };
    // With the feature off the answer is undocumented (A: 403).
    if (!store.featureEnabled) return { status: 403, body: errorBody(403, 'Custom ticket statuses are not enabled for this account') };
    if (req.method !== 'GET' && who !== 'admin')
      return {
        status: 403,
        body: errorBody(403, 'You do not have access to this page. Please contact the account owner of this help desk for further help.'),
      };
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
    switch (req.method) {
      case 'GET':
        return { status: 200, body: { custom_status: s } };
      case 'PUT':
        return update(s, b);
      case 'DELETE':
        // D (CTS-b): admins only, and only once no active ticket uses it (the refusal's shape is A).
        if (s.default || /^\{\{zd\./.test(s.raw_agent_label ?? ''))
          return invalid('base', 'Default and system statuses cannot be deleted', 'InvalidValue');
        if (store.inUse.has(id)) return invalid('base', 'Status is in use by active tickets', 'InUse');
        store.statuses.delete(id);
        return { status: 204 };
      default:
        return { status: 404, body: errorBody(404, '') };
    }
  };

  // Team plan's 200 a minute by default (D: RL), one bucket for the account (D: account-wide).
  const sim = await startSimulator({ vendor: 'zendesk', errorBody, handle }, store, opts, { limit: 200, windowMs: 60_000 });
  return sim;
}
