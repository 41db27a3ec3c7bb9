// TimeTap appointment statuses: shared read-only defaults that a business forks by POSTing its
// own rows, updates by PUT of the full object, soft delete by `active: false` — after which the
// row vanishes from GET, so its statusId lives on in the state file (vendor-docs §4).

import { VendorError } from '../../errors.js';
import { registerSecrets } from '../../http/redact.js';
import type { Clock } from '../../http/pacer.js';
import type { AuthProvider, HttpClient } from '../../http/client.js';
import type { DesiredContext, HttpClientFactory, VendorAdapter, VendorSession } from '../adapter.js';
import type { AccountConfig, DesiredItem, Fields, LiveItem, LiveRead, WriteRequest, WriteResult } from '../../model.js';
import type { SameKeys } from '../schema-types.js';
import { key as keyOf } from '../normalise.js';
import {
  APPOINTMENT_STATUSES,
  SESSION_TOKEN,
  STATUS_LIST,
  STATUS_ROW,
  TIMETAP_ERROR,
  describeTimeTapError,
  signature,
  type StatusRow,
} from './api.js';

interface StatusConfig {
  sub_status: string;
  status: string;
  sort_order?: number;
  user_selectable?: boolean;
  depends_on?: string[];
  maps_to: string;
}

const statusSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['sub_status', 'status', 'maps_to'],
  properties: {
    sub_status: { type: 'string', minLength: 1, maxLength: 255, description: 'The key (subStatus), e.g. RUNNING_LATE.' },
    status: { enum: [...APPOINTMENT_STATUSES] },
    sort_order: { type: 'integer', minimum: 0 },
    user_selectable: { type: 'boolean' },
    depends_on: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      uniqueItems: true,
      description: 'Other sub_status keys of this account: created first, deactivated last.',
    },
    maps_to: { type: 'string', description: 'The category (kept in config; the API has no such field).' },
  },
} as const;

const statusTypeMatchesSchema: SameKeys<typeof statusSchema, StatusConfig> = true;
void statusTypeMatchesSchema;

/** A first guess of the category for `statusform import`, from the appointment status. */
const CATEGORY_GUESS: Record<string, string> = {
  PENDING: 'pending',
  PENDING_CONFIRMATION: 'pending',
  PENDING_WAITLIST: 'pending',
  OPEN: 'open',
  READ_ONLY: 'hold',
  READ_ONLY_FREE: 'hold',
  COMPLETED: 'solved',
  NO_SHOW: 'closed',
  CANCELLED: 'closed',
  DELETED: 'closed',
};

/**
 * A row's fields. `vendor_depends_on` is TimeTap's own dependsOn: never declared, so never
 * compared, but kept in the state file so that reactivating a hidden row sends it back as it was.
 */
function toFields(row: StatusRow): Fields {
  return { status: row.status, sort_order: row.sortOrder, user_selectable: row.userSelectable, vendor_depends_on: row.dependsOn ?? null };
}

/** The vendor's own dependsOn of a row, from its fields as last read (or, for a hidden row, as the state file remembers them). */
function vendorDependsOn(before: Fields | null): string[] | null {
  const remembered = before?.['vendor_depends_on'];
  return Array.isArray(remembered) ? remembered : null;
}

/** The full object a PUT needs, from what is known of the row and the fields to set. */
function fullRow(
  businessId: number,
  key: string,
  id: number | null,
  known: Fields,
  active: boolean,
  dependsOn: string[] | null,
): StatusRow {
  return {
    active,
    businessId,
    dependsOn,
    sortOrder: Number(known['sort_order'] ?? 0),
    status: String(known['status'] ?? 'OPEN'),
    statusId: id,
    statusType: 'APPOINTMENT',
    subStatus: key,
    userSelectable: Boolean(known['user_selectable'] ?? true),
  };
}

/** Session-token auth: fetched on first use, reused until refused, then fetched again once. */
function sessionAuth(account: AccountConfig, client: () => HttpClient, clock: Clock): AuthProvider {
  const apiKey = String(account.settings['api_key']);
  const sig = signature(apiKey, String(account.settings['private_key']));
  // The signature works as a password (it has no timestamp in it), the token as a session: both
  // go to the process-wide scrubber too, the last line of defence for any error report.
  registerSecrets([sig]);
  let token: string | undefined;
  // One sign-in at a time: requests that meet an expired token together share the one that fetches
  // the next (a vendor that invalidates the previous token on each sign-in would refuse the rest).
  let signingIn: Promise<void> | undefined;
  const fetchToken = () => (signingIn ??= signIn().finally(() => (signingIn = undefined)));
  const signIn = async () => {
    const res = await client().request<{ sessionToken: string }>({
      method: 'GET',
      path: '/sessionToken',
      // Seconds since the epoch (D: TTAPI "Introduction"), not milliseconds.
      query: { apiKey, timestamp: Math.floor(clock.now() / 1000), signature: sig },
      address: `${account.name} (session token)`,
      skipAuth: true,
      answer: SESSION_TOKEN,
    });
    token = res.body.sessionToken;
    registerSecrets([token]);
  };
  return {
    headers: async () => {
      if (!token) await fetchToken();
      return { authorization: `Bearer ${token}` };
    },
    refresh: fetchToken,
    secrets: () => [sig, ...(token ? [token] : [])],
  };
}

/** One account's session with TimeTap. */
interface Session {
  client: HttpClient;
  /** The account's name, for addresses. */
  account: string;
  businessId: number;
  /** Every statusId listed when the account was read, and every one created since: a create's answer must name none of them. */
  known: Set<number | null>;
}

/** GET /status: every row listed, each statusId once (a list naming one twice cannot be trusted). */
async function listRows(session: Session): Promise<StatusRow[]> {
  const address = `${session.account}.statuses`;
  const res = await session.client.request<StatusRow[]>({ method: 'GET', path: '/status', address, answer: STATUS_LIST });
  const ids = new Set<number | null>();
  for (const r of res.body) {
    if (ids.has(r.statusId))
      throw new VendorError(address, `GET /status listed statusId ${r.statusId} twice: statusform cannot tell which row is live`, {
        code: 'E_DUPLICATE_ID',
      });
    ids.add(r.statusId);
  }
  return res.body;
}

/** The business's own rows, then the shared defaults (read-only), as live items. */
function liveItems(own: StatusRow[], shared: StatusRow[]): LiveItem[] {
  return [
    ...own.map((r) => ({
      key: keyOf(r.subStatus),
      id: r.statusId,
      fields: toFields(r),
      active: r.active,
      ...(r.dependsOn ? { dependsOn: r.dependsOn } : {}),
    })),
    ...shared.map((r) => ({ key: keyOf(r.subStatus), id: r.statusId, fields: toFields(r), active: r.active, readOnly: true })),
  ];
}

/**
 * What the first row of a business's own does at the vendor: it hides every shared default from
 * this business, so the plan says which defaults get their own copies and which are no longer offered.
 */
function firstCustomisation(shared: StatusRow[], desired: readonly DesiredItem[]): LiveRead['warnings'][number] {
  const declared = new Set(desired.map((d) => d.key));
  const forked = shared.map((r) => keyOf(r.subStatus)).filter((k) => declared.has(k));
  const left = shared.map((r) => keyOf(r.subStatus)).filter((k) => !declared.has(k));
  return {
    message:
      `first customisation: creates this business's own ` +
      `statuses${forked.length > 0 ? ` (its own copies of the shared defaults ${forked.join(', ')})` : ''}; ` +
      `TimeTap then shows only the business's own ` +
      `statuses${left.length > 0 ? `, so these shared defaults will no longer be offered: ${left.join(', ')}` : ''}`,
    sideEffect: true,
  };
}

async function readStatuses(session: Session, desired: readonly DesiredItem[]): Promise<LiveRead> {
  const { businessId } = session;
  const rows = await listRows(session);
  for (const r of rows) session.known.add(r.statusId);
  const own = rows.filter((r) => r.businessId === businessId);
  const shared = rows.filter((r) => r.businessId === null);
  const warnings: LiveRead['warnings'] = [];
  const others = [...new Set(rows.map((r) => r.businessId).filter((b) => b !== null && b !== businessId))];
  if (others.length > 0) {
    warnings.push(
      `TimeTap returned rows of business ${others.join(', ')}, ` +
        `not of business_id ${businessId}: check business_id, or TimeTap will refuse every write`,
    );
  }
  if (own.length === 0 && desired.length > 0) warnings.push(firstCustomisation(shared, desired));
  return { items: liveItems(own, shared), warnings, errors: [] };
}

/** POST /status: a new row of the business's own; an answer naming another row is never recorded. */
async function createRow(session: Session, req: WriteRequest): Promise<WriteResult> {
  const { client, businessId, known } = session;
  // A sort_order the config leaves out was chosen free by the plan (the unique field).
  const body = fullRow(businessId, req.key, null, req.after ?? {}, true, null);
  const isThisNew = (r: StatusRow) => r.businessId === businessId && keyOf(r.subStatus) === req.key && !known.has(r.statusId);
  const res = await client.request<StatusRow>({
    method: 'POST',
    path: '/status',
    body,
    address: req.address,
    answer: STATUS_ROW,
    // Never record another row as this one: it would be written to (reactivated, deactivated) as statusform's.
    about: (row) => (isThisNew(row) ? undefined : `it names another row (statusId ${row.statusId}, ${JSON.stringify(row.subStatus)})`),
    // Not idempotent: on an unknown outcome, look for the business's own new row before sending again.
    recover: async () => {
      const rows = (await client.request<StatusRow[]>({ method: 'GET', path: '/status', address: req.address, answer: STATUS_LIST })).body;
      const found = rows.find(isThisNew);
      return found ? { status: 200, headers: {}, body: found } : undefined;
    },
  });
  known.add(res.body.statusId);
  return { id: res.body.statusId, fields: toFields(res.body) };
}

/** PUT /status of the whole row: an update, a reactivation or a deactivation. */
async function putRow(session: Session, req: WriteRequest): Promise<WriteResult> {
  if (req.id === null)
    throw new VendorError(`${session.account}.statuses[${JSON.stringify(req.key)}]`, 'no statusId known for this status');
  const fields = { ...(req.before ?? {}), ...(req.after ?? {}) };
  // A deactivation changes only `active`: a row renamed in TimeTap keeps the subStatus it has there.
  const subStatus = req.kind === 'deactivate' ? (req.fromKey ?? req.key) : req.key;
  // a PUT sends the whole row: TimeTap's own dependsOn goes back as it was
  const body = fullRow(session.businessId, subStatus, Number(req.id), fields, req.kind !== 'deactivate', vendorDependsOn(req.before));
  const res = await session.client.request<StatusRow>({ method: 'PUT', path: '/status', body, address: req.address, answer: STATUS_ROW });
  if (res.body.statusId !== Number(req.id) || keyOf(res.body.subStatus) !== keyOf(subStatus)) {
    throw new VendorError(
      req.address,
      `PUT /status answered with another row (statusId ${res.body.statusId}, ` +
        `${JSON.stringify(res.body.subStatus)}); run plan to see the live state`,
      { code: 'E_ANSWER' },
    );
  }
  return { id: res.body.statusId, fields: toFields(res.body) };
}

export const timetap: VendorAdapter = {
  vendor: 'timetap',
  displayName: 'TimeTap',
  collection: 'statuses',
  capabilities: {
    read: 'list',
    create: true,
    softDelete: true,
    hardDelete: false,
    upsert: false,
    // A PUT sends the whole row by statusId, subStatus included: the key changes in place.
    renameInPlace: true,
    hidesInactive: true,
    transitions: false,
    // Undocumented whether TimeTap refuses duplicate sort orders (A): reorders never make one.
    uniqueField: 'sort_order',
    // TimeTap has no category field: maps_to is statusform's own, kept in the state file.
    keepsCategory: true,
  },
  defaultBaseUrl: 'https://api.timetap.com/live',
  // Not documented (vendor-docs §4): an assumed, polite default; override with rate_limit.
  defaultRateLimit: { requests: 5, seconds: 1 },
  secretFields: ['api_key', 'private_key'],
  accountSchema: {
    required: ['api_key', 'private_key', 'business_id', 'statuses'],
    properties: {
      api_key: { type: 'string', minLength: 1 },
      private_key: { type: 'string', minLength: 1 },
      business_id: { type: 'integer', minimum: 1 },
      statuses: { type: 'array', items: statusSchema },
    },
  },

  tenant: (settings) => `business_id ${String(settings['business_id'])}`,

  importItem(live, categories) {
    const status = String(live.fields['status']);
    const guess = CATEGORY_GUESS[status];
    const mapsTo = guess && categories.includes(guess) ? guess : categories[0]!;
    return {
      item: {
        sub_status: live.key,
        status,
        sort_order: live.fields['sort_order'],
        user_selectable: live.fields['user_selectable'],
        maps_to: mapsTo,
      },
      note: `maps_to is a guess from status ${status}: TimeTap keeps no category`,
      guessed: ['maps_to'],
    };
  },

  desiredItems(settings, ctx: DesiredContext): DesiredItem[] {
    const statuses = (settings['statuses'] ?? []) as StatusConfig[];
    return statuses.map((s, i) => {
      const fields: Fields = { status: s.status };
      if (s.sort_order !== undefined) fields['sort_order'] = s.sort_order;
      if (s.user_selectable !== undefined) fields['user_selectable'] = s.user_selectable;
      return {
        key: keyOf(s.sub_status),
        fields,
        category: s.maps_to,
        dependsOn: s.depends_on ?? [],
        renamedFrom: [],
        position: ctx.positionOf(['statuses', i]),
      };
    });
  },

  open(account: AccountConfig, http: HttpClientFactory, clock: Clock): VendorSession {
    let client: HttpClient;
    client = http({ auth: sessionAuth(account, () => client, clock), describeError: describeTimeTapError, errorShape: TIMETAP_ERROR });
    const session: Session = { client, account: account.name, businessId: Number(account.settings['business_id']), known: new Set() };
    return {
      read: (desired) => readStatuses(session, desired),
      async write(req: WriteRequest): Promise<WriteResult> {
        if (req.kind === 'create') return createRow(session, req);
        if (req.kind === 'update' || req.kind === 'reactivate' || req.kind === 'deactivate') return putRow(session, req);
        throw new VendorError(req.address, `TimeTap cannot ${req.kind} a status`);
      },
    };
  },
};
