// The Zendesk sandbox's custom-status routes, one handler each: the unpaginated list with its three
// filters, POST (201, within the limits), PUT of the writable fields, DELETE as Zendesk's own client
// finds it, the bulk default call, and the account features and settings. Every rule the docs do
// not state is marked (A) where it is made (vendor-docs zendesk-custom-statuses.md §2–§4).

import type { SimRequest, SimResponse } from '../../simulator/server.js';
import { CREATABLE_CATEGORIES, MAX_LABEL, MAX_PER_ACCOUNT, MAX_PER_CATEGORY, STATUS_CATEGORIES, type CustomStatus } from './api.js';
import { errorBody, invalid, wire } from './simulator-answers.js';
import { isSystemRow, norm, now, statusRow, type ZendeskAccount, type ZendeskStore } from './simulator-store.js';

type Body = Record<string, unknown>;

export function list(store: ZendeskStore, req: SimRequest): SimResponse {
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
}

export const one = (store: ZendeskStore, status: number, s: CustomStatus): SimResponse => ({
  status,
  body: { custom_status: wire(s, store.omitOptional) },
});

/**
 * A label's problems: required, at most 48 characters of plain text, unique whatever the case
 * (A: scope and case unknown, so account-wide, every row).
 */
function checkLabel(
  store: ZendeskStore,
  field: 'agent_label' | 'end_user_label',
  value: unknown,
  except?: number,
): SimResponse | undefined {
  if (value === undefined && field === 'end_user_label') return undefined;
  if (typeof value !== 'string' || value.trim() === '')
    return invalid(field, `${field === 'agent_label' ? 'Agent label' : 'End user label'}: cannot be blank`, 'BlankValue');
  if (!value.includes('{{') && [...value.trim()].length > MAX_LABEL)
    return invalid(field, `is too long (maximum is ${MAX_LABEL} characters)`, 'TooLong');
  const taken = (s: CustomStatus) =>
    s.id !== except && (norm(s.agent_label) === norm(value) || norm(s.raw_agent_label ?? '') === norm(value));
  if (field === 'agent_label' && [...store.statuses.values()].some(taken))
    return invalid(field, 'Agent label: has already been taken', 'DuplicateValue');
  return undefined;
}

/** An active status in hold while On-hold is off (A: refused; the category takes none then). */
function holdOff(store: ZendeskStore, category: string, active: boolean): SimResponse | undefined {
  return category === 'hold' && active && !store.holdEnabled
    ? invalid('status_category', 'Status category: the On-hold status is not enabled for this account', 'InvalidValue')
    : undefined;
}

/** Why a POST is refused, or undefined: its category, its labels, and the limits. */
function createRefusal(store: ZendeskStore, b: Body): SimResponse | undefined {
  const category = b['status_category'];
  if (typeof category !== 'string' || !(STATUS_CATEGORIES as readonly string[]).includes(category))
    return invalid('status_category', 'Status category: is invalid', 'InvalidValue');
  // New holds one status only (D: CTS-a; 3P: Salto). The code is A.
  if (!CREATABLE_CATEGORIES.includes(category as never))
    return invalid('status_category', 'Status category: new cannot have custom statuses', 'InvalidValue');
  const off = holdOff(store, category, b['active'] !== false);
  if (off) return off;
  for (const f of ['agent_label', 'end_user_label'] as const) {
    const bad = checkLabel(store, f, b[f]);
    if (bad) return bad;
  }
  const all = [...store.statuses.values()];
  // Every listed row counts, inactive and built-in ones too (A).
  if (all.length >= MAX_PER_ACCOUNT)
    return invalid('base', `Account has reached the limit of ${MAX_PER_ACCOUNT} custom statuses`, 'LimitExceeded');
  if (all.filter((s) => s.status_category === category).length >= MAX_PER_CATEGORY)
    return invalid('status_category', `Category ${category} has reached the limit of ${MAX_PER_CATEGORY} custom statuses`, 'LimitExceeded');
  return undefined;
}

export function create(acct: ZendeskAccount, b: Body): SimResponse {
  const { store } = acct;
  const refused = createRefusal(store, b);
  if (refused) return refused;
  const id = acct.newId();
  const s = statusRow(id, String(b['status_category']), String(b['agent_label']), String(b['agent_label']), {
    ...(typeof b['end_user_label'] === 'string' ? { end_user_label: b['end_user_label'] } : {}),
    ...(typeof b['description'] === 'string' ? { description: b['description'] } : {}),
    ...(typeof b['active'] === 'boolean' ? { active: b['active'] } : {}),
  });
  if (typeof b['end_user_description'] === 'string') s.end_user_description = s.raw_end_user_description = b['end_user_description'];
  store.statuses.set(id, s);
  const k = norm(s.agent_label);
  store.creates.set(k, (store.creates.get(k) ?? 0) + 1);
  return one(store, 201, s);
}

/** Why a PUT is refused, or undefined (A: what Zendesk does with each is open question 3 and 4 — the strictest reading). */
function updateRefusal(store: ZendeskStore, s: CustomStatus, b: Body): SimResponse | undefined {
  if (b['status_category'] !== undefined && b['status_category'] !== s.status_category)
    return invalid('status_category', 'Status category: cannot be changed', 'Immutable');
  if (b['default'] !== undefined && b['default'] !== s.default)
    return invalid('default', 'Default: is changed with PUT /api/v2/custom_status/default only', 'Immutable');
  // D: a default is always active
  if (b['active'] === false && s.default) return invalid('active', 'Active: a default status cannot be deactivated', 'InvalidValue');
  const off = holdOff(store, s.status_category, b['active'] === true);
  if (off) return off;
  // A built-in status is never relabelled here; sending its own values back is harmless.
  const own = s as unknown as Body;
  if (isSystemRow(s) && Object.keys(b).some((k) => b[k] !== own[k] && b[k] !== own[`raw_${k}`]))
    return invalid('base', 'System statuses cannot be changed', 'InvalidValue');
  for (const f of ['agent_label', 'end_user_label'] as const) {
    const bad = b[f] === undefined ? undefined : checkLabel(store, f, b[f], s.id);
    if (bad) return bad;
  }
  return undefined;
}

export function update(store: ZendeskStore, s: CustomStatus, b: Body): SimResponse {
  const refused = updateRefusal(store, s, b);
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
  return one(store, 200, next);
}

/**
 * DELETE (D: CTS-b; admins only, and only once no active ticket uses it — the refusal's shape is
 * A). Zendesk's own Ruby client's live spec still finds the row afterwards, inactive (3P: RB): so here.
 */
export function remove(store: ZendeskStore, s: CustomStatus): SimResponse {
  if (s.default || isSystemRow(s)) return invalid('base', 'Default and system statuses cannot be deleted', 'InvalidValue');
  if (store.inUse.has(s.id)) return invalid('base', 'Status is in use by active tickets', 'InUse');
  store.statuses.set(s.id, { ...s, active: false, updated_at: now() });
  return { status: 204 };
}

export function setDefaults(store: ZendeskStore, b: Body): SimResponse {
  // `{"ids": "1,2"}`: one string (D). Each id becomes its category's default; it must be active (D).
  if (typeof b['ids'] !== 'string') return invalid('ids', 'Ids: must be a comma-separated string', 'InvalidValue');
  const rows = b['ids'].split(',').map((x) => store.statuses.get(Number(x.trim())));
  if (rows.some((r) => !r)) return { status: 404, body: errorBody(404, '') };
  if (rows.some((r) => !r!.active)) return invalid('ids', 'A default status must be active', 'InvalidValue');
  // Two ids of one category: refused (A: undocumented).
  if (new Set(rows.map((r) => r!.status_category)).size !== rows.length) return invalid('ids', 'One default per category', 'InvalidValue');
  for (const r of rows) {
    for (const s of store.statuses.values()) if (s.status_category === r!.status_category) s.default = s.id === r!.id;
  }
  return { status: 200, body: {} };
}

/** GET /api/v2/account/features: whether custom statuses are on (D: the one feature a client reads). */
export const features = (store: ZendeskStore): SimResponse => ({
  status: 200,
  body: { features: { custom_statuses_enabled: { enabled: store.featureEnabled } } },
});

/** GET /api/v2/account/settings: the part a client of custom statuses reads (D: Account Settings; the rest left out). */
export const settings = (store: ZendeskStore): SimResponse => ({
  status: 200,
  body: { settings: { tickets: { status_hold: store.holdEnabled }, active_features: { on_hold_status: store.holdEnabled } } },
});
