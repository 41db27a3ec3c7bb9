// The TimeTap sandbox: session tokens signed with MD5(apiKey + privateKey), the shared default
// statuses (businessId null, read-only) until the business has rows of its own, POST to fork,
// PUT of the full object, and inactive rows hidden from GET (vendor-docs §4).

import { randomBytes } from 'node:crypto';
import {
  bearer,
  startSimulator,
  type RunningSimulator,
  type SimRequest,
  type SimResponse,
  type SimulatorOptions,
} from '../../simulator/server.js';
import { APPOINTMENT_STATUSES, signature, type StatusRow } from './api.js';
import { TIMETAP_SANDBOX_API_KEY, TIMETAP_SANDBOX_PRIVATE_KEY, TIMETAP_SANDBOX_BUSINESS_ID } from './sandbox-credentials.js';

// The credentials it accepts by default, for whoever starts it directly (tests, the bench).
export { TIMETAP_SANDBOX_API_KEY, TIMETAP_SANDBOX_PRIVATE_KEY, TIMETAP_SANDBOX_BUSINESS_ID };

export interface TimeTapStore {
  businessId: number;
  /** The shared defaults every account starts with. */
  shared: StatusRow[];
  /** The business's own rows, active or not. */
  own: StatusRow[];
  sessions: Set<string>;
  /** POSTs per subStatus, for "no duplicate create" checks. */
  creates: Map<string, number>;
  /** Refuse two active own rows with the same sortOrder (a switch; off by default). */
  uniqueSortOrder: boolean;
  /**
   * List the shared defaults beside the business's own rows, as a GET made while TimeTap is
   * still forking may (A: the docs say only the own rows come back once there are any). A switch; off by default.
   */
  listsSharedWithOwn: boolean;
  /** Forget every session token, so clients must sign in again. */
  expireSessions(): void;
}

export interface TimeTapSeed {
  own?: Omit<StatusRow, 'statusId' | 'businessId' | 'statusType'>[];
}

const DEFAULTS: [string, string, number][] = [
  ['OPEN', 'OPEN', 1],
  ['PENDING', 'PENDING', 2],
  ['CONFIRMED', 'OPEN', 3],
  ['CHECKEDIN', 'OPEN', 4],
  ['RUNNING_LATE', 'OPEN', 5],
  ['INPROGRESS', 'OPEN', 6],
  ['COMPLETED', 'COMPLETED', 7],
  ['NO_SHOW', 'NO_SHOW', 8],
  ['CANCELLED', 'CANCELLED', 9],
];

// Error bodies are not documented (A).
const errorBody = (_status: number, message: string) => ({ errorMessage: message });

export async function startTimeTapSimulator(
  opts: SimulatorOptions<TimeTapSeed> & { businessId?: number; uniqueSortOrder?: boolean } = {},
): Promise<RunningSimulator<TimeTapStore>> {
  const [apiKey, privateKey] = opts.tokens ?? [TIMETAP_SANDBOX_API_KEY, TIMETAP_SANDBOX_PRIVATE_KEY];
  const businessId = opts.businessId ?? TIMETAP_SANDBOX_BUSINESS_ID;
  let nextId = 2000;
  const store: TimeTapStore = {
    businessId,
    shared: DEFAULTS.map(([sub, status, order], i) => ({
      active: true,
      businessId: null,
      createdDate: 1541101742804,
      createdUser: 'TimeTap',
      dependsOn: null,
      modifiedDate: null,
      modifiedUser: null,
      sortOrder: order,
      status,
      statusId: 1900 + i,
      statusType: 'APPOINTMENT',
      subStatus: sub,
      userSelectable: true,
    })),
    own: (opts.seed?.own ?? []).map((r) => ({ ...r, businessId, statusId: nextId++, statusType: 'APPOINTMENT' as const })),
    sessions: new Set(),
    creates: new Map(),
    uniqueSortOrder: opts.uniqueSortOrder ?? false,
    listsSharedWithOwn: false,
    expireSessions: () => store.sessions.clear(),
  };

  const bad = (message: string): SimResponse => ({ status: 400, body: errorBody(400, message) });

  const checkRow = (b: Partial<StatusRow>): string | undefined => {
    if (typeof b.subStatus !== 'string' || b.subStatus === '') return 'subStatus is required';
    if (!(APPOINTMENT_STATUSES as readonly string[]).includes(String(b.status)))
      return `status must be one of ${APPOINTMENT_STATUSES.join(', ')}`;
    if (typeof b.active !== 'boolean') return 'active is required';
    if (b.businessId !== businessId)
      return b.businessId === null ? 'shared statuses cannot be written' : 'businessId does not match this account';
    return undefined;
  };

  const sortClash = (row: StatusRow): boolean =>
    store.uniqueSortOrder && row.active && store.own.some((r) => r.active && r.statusId !== row.statusId && r.sortOrder === row.sortOrder);

  const handle = (req: SimRequest): SimResponse => {
    if (req.path === '/live/sessionToken' && req.method === 'GET') {
      const q = req.query;
      if (q.get('apiKey') !== apiKey || q.get('signature') !== signature(apiKey!, privateKey!))
        return { status: 401, body: errorBody(401, 'Invalid apiKey or signature') };
      // The timestamp is seconds since the epoch (TTAPI "Introduction"); milliseconds, or a clock
      // far off, are refused as a real server would.
      const timestamp = Number(q.get('timestamp'));
      if (!Number.isInteger(timestamp) || Math.abs(timestamp - Date.now() / 1000) > 900)
        return { status: 401, body: errorBody(401, 'timestamp must be the current time in seconds since the epoch') };
      const token = randomBytes(16).toString('hex');
      store.sessions.add(token);
      return { status: 200, body: { sessionToken: token } };
    }
    const token = bearer(req.headers);
    if (!token || !store.sessions.has(token)) return { status: 401, body: errorBody(401, 'Session token is missing or expired') };
    if (req.path !== '/live/status') return { status: 404, body: errorBody(404, 'Not found') };
    const b = (req.body ?? {}) as Partial<StatusRow>;
    const now = Date.now();
    switch (req.method) {
      case 'GET': {
        const own = store.own.filter((r) => r.active);
        // Once the business has rows of its own, only those are returned (documented).
        if (store.own.length === 0) return { status: 200, body: store.shared };
        return { status: 200, body: store.listsSharedWithOwn ? [...own, ...store.shared] : own };
      }
      case 'POST': {
        if (b.statusId !== null) return bad('statusId must be null when creating a status');
        const problem = checkRow(b);
        if (problem) return bad(problem);
        const row: StatusRow = {
          ...(b as StatusRow),
          statusId: nextId++,
          statusType: 'APPOINTMENT',
          createdDate: now,
          createdUser: 'api',
          modifiedDate: null,
          modifiedUser: null,
        };
        if (sortClash(row)) return bad(`sortOrder ${row.sortOrder} is already used`);
        store.own.push(row);
        store.creates.set(row.subStatus, (store.creates.get(row.subStatus) ?? 0) + 1);
        return { status: 200, body: row };
      }
      case 'PUT': {
        if (typeof b.statusId !== 'number') return bad('statusId is required');
        if (store.shared.some((r) => r.statusId === b.statusId)) return bad('shared statuses cannot be written');
        const i = store.own.findIndex((r) => r.statusId === b.statusId);
        if (i < 0) return { status: 404, body: errorBody(404, 'Status not found') };
        const problem = checkRow(b);
        if (problem) return bad(problem);
        const row: StatusRow = { ...store.own[i]!, ...(b as StatusRow), statusType: 'APPOINTMENT', modifiedDate: now, modifiedUser: 'api' };
        if (sortClash(row)) return bad(`sortOrder ${row.sortOrder} is already used`);
        store.own[i] = row;
        return { status: 200, body: row };
      }
      default:
        return { status: 405, body: errorBody(405, 'Method not allowed') };
    }
  };

  return startSimulator({ vendor: 'timetap', errorBody, handle }, store, { ...opts, basePath: '/live' }, false);
}
