// The Spacebring sandbox: Basic or bearer + network-id auth, tickets read one by one or listed
// per location with page tokens, PUT …/{id}/status, `{message,type}` errors and 10 requests
// per second (vendor-docs §5).

import { randomUUID } from 'node:crypto';
import { startSimulator, type RunningSimulator, type SimRequest, type SimResponse, type SimulatorOptions } from '../../simulator/server.js';
import { SPACEBRING_STATUSES } from './api.js';
import {
  SPACEBRING_SANDBOX_CLIENT_ID,
  SPACEBRING_SANDBOX_CLIENT_SECRET,
  SPACEBRING_SANDBOX_NETWORK_ID,
  SPACEBRING_SANDBOX_TOKEN,
} from './sandbox-credentials.js';

// The credentials it accepts by default, for whoever starts it directly (tests, the bench).
export { SPACEBRING_SANDBOX_CLIENT_ID, SPACEBRING_SANDBOX_CLIENT_SECRET, SPACEBRING_SANDBOX_NETWORK_ID, SPACEBRING_SANDBOX_TOKEN };

export interface StoredSpacebringTicket {
  id: string;
  number: number;
  locationRef: string;
  status: string;
  createDate: string;
  updateDate: string;
  statusUpdateDate: string;
  description: string;
  activities: { id: string; createDate: string; ticketRef: string; data: { text: string } }[];
}

export interface SpacebringStore {
  tickets: Map<string, StoredSpacebringTicket>;
  locations: { id: string; name: string }[];
}

export type SpacebringSeed = { id: string; status: string; locationRef?: string }[];

const errorBody = (_status: number, message: string) => ({ message, type: 'error' });
const fail = (status: number, message: string, type: string): SimResponse => ({ status, body: { message, type } });

const DEFAULT_LOCATION = '0b7e3c1a-9f2d-4e7b-8a51-3d2c1b0a9f88';

function seededStore(seed: SpacebringSeed): SpacebringStore {
  const store: SpacebringStore = { tickets: new Map(), locations: [{ id: DEFAULT_LOCATION, name: 'Main Street' }] };
  let number = 1;
  for (const t of seed) {
    const at = new Date().toISOString();
    store.tickets.set(t.id, {
      id: t.id,
      number: number++,
      locationRef: t.locationRef ?? DEFAULT_LOCATION,
      status: t.status,
      createDate: at,
      updateDate: at,
      statusUpdateDate: at,
      description: '',
      activities: [],
    });
  }
  return store;
}

/** A ticket as the API shows it: without its activities. */
const view = ({ activities: _a, ...t }: StoredSpacebringTicket) => t;

/** Basic auth with the client credentials, or a Bearer token with the network id. */
function authorised(req: SimRequest): boolean {
  const basic = `Basic ${Buffer.from(`${SPACEBRING_SANDBOX_CLIENT_ID}:${SPACEBRING_SANDBOX_CLIENT_SECRET}`).toString('base64')}`;
  const h = req.headers['authorization'];
  if (h === basic) return true;
  return h === `Bearer ${SPACEBRING_SANDBOX_TOKEN}` && req.headers['spacebring-network-id'] === SPACEBRING_SANDBOX_NETWORK_ID;
}

/** GET /support/tickets/v1: one location's tickets, newest first, a page at a time. */
function listTickets(store: SpacebringStore, query: URLSearchParams): SimResponse {
  const location = query.get('locationRef');
  if (!location) return fail(400, 'locationRef is required', 'validation');
  const limit = Number(query.get('limit') ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return fail(400, 'limit must be between 1 and 100', 'validation');
  const all = [...store.tickets.values()]
    .filter((t) => t.locationRef === location)
    .sort((a, b) => b.updateDate.localeCompare(a.updateDate) || b.number - a.number);
  // The page token travels back as `nextPageToken`, the response field's own name (vendor-docs: "Checked against the public docs").
  const start = Number(query.get('nextPageToken') ?? 0) || 0;
  const page = all.slice(start, start + limit);
  // The last page has no nextPageToken at all.
  return {
    status: 200,
    body: { tickets: page.map(view), ...(start + limit < all.length ? { nextPageToken: String(start + limit) } : {}) },
  };
}

/** PUT /support/tickets/v1/{id}/status: a change of status adds an activity; the same status only touches the ticket. */
function setStatus(t: StoredSpacebringTicket, body: unknown): SimResponse {
  const status = ((body ?? {}) as { ticket?: { status?: unknown } }).ticket?.status;
  if (!(SPACEBRING_STATUSES as readonly unknown[]).includes(status))
    return fail(400, `ticket.status must be one of ${SPACEBRING_STATUSES.join(', ')}`, 'validation');
  const at = new Date().toISOString();
  const activity = { id: randomUUID(), createDate: at, ticketRef: t.id, data: { text: `Status changed to ${String(status)}` } };
  if (t.status !== status) {
    t.activities.push(activity);
    t.statusUpdateDate = at;
  }
  t.status = status as string;
  t.updateDate = at;
  return { status: 200, body: { activity, ticket: view(t) } };
}

/** /support/tickets/v1/{id}[/status]: GET one ticket, or PUT its status. */
function oneTicket(store: SpacebringStore, req: SimRequest): SimResponse {
  const one = /^\/support\/tickets\/v1\/([^/]+)(\/status)?$/.exec(req.path);
  if (!one) return fail(404, 'Not found', 'not_found');
  const t = store.tickets.get(decodeURIComponent(one[1]!));
  if (!t) return fail(404, 'Ticket not found', 'not_found');
  if (!one[2] && req.method === 'GET') return { status: 200, body: { ticket: view(t), activities: t.activities } };
  if (one[2] && req.method === 'PUT') return setStatus(t, req.body);
  return fail(405, 'Method not allowed', 'method_not_allowed');
}

function route(store: SpacebringStore, req: SimRequest): SimResponse {
  if (!authorised(req)) return fail(401, 'Unauthorized', 'unauthorized');
  if (req.method === 'GET' && req.path === '/locations/v1') return { status: 200, body: { locations: store.locations } };
  if (req.method === 'GET' && req.path === '/support/tickets/v1') return listTickets(store, req.query);
  return oneTicket(store, req);
}

export async function startSpacebringSimulator(opts: SimulatorOptions<SpacebringSeed> = {}): Promise<RunningSimulator<SpacebringStore>> {
  const store = seededStore(opts.seed ?? []);
  const handle = (req: SimRequest) => route(store, req);
  return startSimulator({ vendor: 'spacebring', errorBody, handle }, store, opts, { limit: 10, windowMs: 1000 });
}
