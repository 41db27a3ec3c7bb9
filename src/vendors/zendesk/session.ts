// One Zendesk account's session: the features pre-flight, the list of custom statuses (inactive
// ones too), On-hold off refused for declared hold statuses, and the writes — POST never
// duplicated, PUT by id keeping it, `active: false` to retire (vendor-docs zendesk-custom-statuses.md §2–§4).

import { VendorError } from '../../errors.js';
import type { AccountConfig, DesiredItem, LiveRead, WriteRequest, WriteResult } from '../../model.js';
import type { Clock } from '../../http/pacer.js';
import { readAllPages, type PageRequest } from '../../http/paginate.js';
import type { HttpClientFactory, VendorSession } from '../adapter.js';
import { label } from '../normalise.js';
import {
  ACCOUNT_FEATURES,
  ACCOUNT_SETTINGS,
  ONE_STATUS,
  STATUS_CATEGORIES,
  STATUS_LIST,
  type CustomStatus,
  type CustomStatusInput,
} from './api.js';
import { accountClient, type Send } from './auth.js';
import { isSystem, putBody, raw, toFields, toLive } from './status-rows.js';

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

export function openSession(account: AccountConfig, http: HttpClientFactory, clock: Clock): VendorSession {
  const send = accountClient(account, http, clock);
  const accountAddress = `${account.name}.statuses`;
  /** Every id listed when the account was read, and every one created since: a create's answer must name none of them. */
  const known = new Set<string>();

  return {
    async read(desired: readonly DesiredItem[]): Promise<LiveRead> {
      const warnings = await preflight(send, accountAddress);
      const rows = await listOrExplain(send, accountAddress);
      for (const r of rows) known.add(String(r.id));
      const unknown = rows.filter((r) => !(STATUS_CATEGORIES as readonly string[]).includes(r.status_category));
      if (unknown.length > 0)
        warnings.push(
          `${unknown.length} live status(es) in a category statusform does not know ` +
            `(${[...new Set(unknown.map((r) => r.status_category))].join(', ')}) are left alone`,
        );
      const errors = await holdErrors(send, accountAddress, desired, rows);
      return { items: rows.map(toLive), warnings, errors };
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
