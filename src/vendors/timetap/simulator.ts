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

/** One running sandbox: its store, the credentials it accepts and its id sequence. */
interface Sandbox {
  store: TimeTapStore;
  apiKey: string;
  privateKey: string;
  newId(): number;
}

type Options = SimulatorOptions<TimeTapSeed> & { businessId?: number; uniqueSortOrder?: boolean };

/** The shared defaults, as TimeTap lists them to a business with no rows of its own. */
function sharedDefaults(): StatusRow[] {
  return DEFAULTS.map(([sub, status, order], i) => ({
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
  }));
}

function seededStore(opts: Options, businessId: number, newId: () => number): TimeTapStore {
  const store: TimeTapStore = {
    businessId,
    shared: sharedDefaults(),
    own: (opts.seed?.own ?? []).map((r) => ({ ...r, businessId, statusId: newId(), statusType: 'APPOINTMENT' as const })),
    sessions: new Set(),
    creates: new Map(),
    uniqueSortOrder: opts.uniqueSortOrder ?? false,
    listsSharedWithOwn: false,
    expireSessions: () => store.sessions.clear(),
  };
  return store;
}

function bad(message: string): SimResponse {
  return { status: 400, body: errorBody(400, message) };
}

/** What is wrong with a row a client writes, or undefined. */
function rowProblem(store: TimeTapStore, b: Partial<StatusRow>): string | undefined {
  if (typeof b.subStatus !== 'string' || b.subStatus === '') return 'subStatus is required';
  if (!(APPOINTMENT_STATUSES as readonly string[]).includes(String(b.status)))
    return `status must be one of ${APPOINTMENT_STATUSES.join(', ')}`;
  if (typeof b.active !== 'boolean') return 'active is required';
  if (b.businessId !== store.businessId)
    return b.businessId === null ? 'shared statuses cannot be written' : 'businessId does not match this account';
  return undefined;
}

/** Whether an active row would share its sortOrder with another active own row (when that is refused). */
function sortClash(store: TimeTapStore, row: StatusRow): boolean {
  return (
    store.uniqueSortOrder && row.active && store.own.some((r) => r.active && r.statusId !== row.statusId && r.sortOrder === row.sortOrder)
  );
}

/** GET /live/sessionToken: a session for a correct signature and a current timestamp in seconds. */
function sessionToken(sb: Sandbox, q: URLSearchParams): SimResponse {
  if (q.get('apiKey') !== sb.apiKey || q.get('signature') !== signature(sb.apiKey, sb.privateKey))
    return { status: 401, body: errorBody(401, 'Invalid apiKey or signature') };
  // The timestamp is seconds since the epoch (TTAPI "Introduction"); milliseconds, or a clock
  // far off, are refused as a real server would.
  const timestamp = Number(q.get('timestamp'));
  if (!Number.isInteger(timestamp) || Math.abs(timestamp - Date.now() / 1000) > 900)
    return { status: 401, body: errorBody(401, 'timestamp must be the current time in seconds since the epoch') };
  const token = randomBytes(16).toString('hex');
  sb.store.sessions.add(token);
  return { status: 200, body: { sessionToken: token } };
}

/** GET /live/status: the shared defaults until the business has rows of its own, then only those (documented), active ones. */
function listRows(store: TimeTapStore): SimResponse {
  const own = store.own.filter((r) => r.active);
  if (store.own.length === 0) return { status: 200, body: store.shared };
  return { status: 200, body: store.listsSharedWithOwn ? [...own, ...store.shared] : own };
}

/** POST /live/status: a new own row (the first one forks the business off the shared defaults). */
function createRow(sb: Sandbox, b: Partial<StatusRow>): SimResponse {
  const { store } = sb;
  if (b.statusId !== null) return bad('statusId must be null when creating a status');
  const problem = rowProblem(store, b);
  if (problem) return bad(problem);
  const row: StatusRow = {
    ...(b as StatusRow),
    statusId: sb.newId(),
    statusType: 'APPOINTMENT',
    createdDate: Date.now(),
    createdUser: 'api',
    modifiedDate: null,
    modifiedUser: null,
  };
  if (sortClash(store, row)) return bad(`sortOrder ${row.sortOrder} is already used`);
  store.own.push(row);
  store.creates.set(row.subStatus, (store.creates.get(row.subStatus) ?? 0) + 1);
  return { status: 200, body: row };
}

/** PUT /live/status: the full object of an own row; shared rows cannot be written. */
function updateRow(store: TimeTapStore, b: Partial<StatusRow>): SimResponse {
  if (typeof b.statusId !== 'number') return bad('statusId is required');
  if (store.shared.some((r) => r.statusId === b.statusId)) return bad('shared statuses cannot be written');
  const i = store.own.findIndex((r) => r.statusId === b.statusId);
  if (i < 0) return { status: 404, body: errorBody(404, 'Status not found') };
  const problem = rowProblem(store, b);
  if (problem) return bad(problem);
  const row: StatusRow = {
    ...store.own[i]!,
    ...(b as StatusRow),
    statusType: 'APPOINTMENT',
    modifiedDate: Date.now(),
    modifiedUser: 'api',
  };
  if (sortClash(store, row)) return bad(`sortOrder ${row.sortOrder} is already used`);
  store.own[i] = row;
  return { status: 200, body: row };
}

/** Routes a request: the session endpoint, then a session token for /live/status. */
function route(sb: Sandbox, req: SimRequest): SimResponse {
  if (req.path === '/live/sessionToken' && req.method === 'GET') return sessionToken(sb, req.query);
  const token = bearer(req.headers);
  if (!token || !sb.store.sessions.has(token)) return { status: 401, body: errorBody(401, 'Session token is missing or expired') };
  if (req.path !== '/live/status') return { status: 404, body: errorBody(404, 'Not found') };
  const b = (req.body ?? {}) as Partial<StatusRow>;
  if (req.method === 'GET') return listRows(sb.store);
  if (req.method === 'POST') return createRow(sb, b);
  if (req.method === 'PUT') return updateRow(sb.store, b);
  return { status: 405, body: errorBody(405, 'Method not allowed') };
}

export async function startTimeTapSimulator(opts: Options = {}): Promise<RunningSimulator<TimeTapStore>> {
  const [apiKey, privateKey] = opts.tokens ?? [TIMETAP_SANDBOX_API_KEY, TIMETAP_SANDBOX_PRIVATE_KEY];
  let nextId = 2000;
  const newId = () => nextId++;
  const store = seededStore(opts, opts.businessId ?? TIMETAP_SANDBOX_BUSINESS_ID, newId);
  const sandbox: Sandbox = { store, apiKey: apiKey!, privateKey: privateKey!, newId };
  const handle = (req: SimRequest) => route(sandbox, req);
  return startSimulator({ vendor: 'timetap', errorBody, handle }, store, { ...opts, basePath: '/live' }, false);
}
