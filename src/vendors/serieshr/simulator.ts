// The series.hr sandbox: apikey/x-api-key auth, tickets read one by one or by page, status
// changes that each add a system message, the documented error bodies (400/401/403/404), and
// 25 requests per second per key (vendor-docs §2).

import { startSimulator, type RunningSimulator, type SimRequest, type SimResponse, type SimulatorOptions } from '../../simulator/server.js';
import { SERIES_STATUSES } from './api.js';
import { SERIESHR_SANDBOX_API_KEY } from './sandbox-credentials.js';

// The credentials it accepts by default, for whoever starts it directly (tests, the bench).
export { SERIESHR_SANDBOX_API_KEY };

export interface StoredTicket {
  TicketId: string;
  Subject: string;
  Status: string;
  CreatedAt: string;
  UpdatedAt: string;
  /** System messages, one per status change (documented). */
  messages: { text: string; staffUserId: number; at: string }[];
}

export interface SeriesStore {
  tickets: Map<string, StoredTicket>;
  /** false: the subscription lacks the tickets module, and every tickets route answers 403. */
  premium: boolean;
}

export type SeriesSeed = { id: string; status: string; subject?: string; updatedAt?: string }[];

const errorBody = (status: number, message: string) => ({ success: false, error: { code: status, message } });
const fail = (status: number, message: string): SimResponse => ({ status, body: errorBody(status, message) });

function apiKeyOf(req: SimRequest): string | undefined {
  const h = req.headers['apikey'] ?? req.headers['x-api-key'];
  return typeof h === 'string' ? h : undefined;
}

function seededStore(seed: SeriesSeed, premium: boolean): SeriesStore {
  const store: SeriesStore = { tickets: new Map(), premium };
  for (const t of seed) {
    const at = t.updatedAt ?? new Date().toISOString();
    store.tickets.set(t.id, {
      TicketId: t.id,
      Subject: t.subject ?? `Ticket ${t.id}`,
      Status: t.status,
      CreatedAt: at,
      UpdatedAt: at,
      messages: [],
    });
  }
  return store;
}

/** A ticket as the API shows it: without its messages. */
const view = ({ messages: _m, ...t }: StoredTicket) => t;

/** GET /basic/check-key/{key}: whether a key is valid, with the key's rate-limit figures. */
function checkKey(keys: string[], key: string): SimResponse {
  return {
    status: 200,
    body: {
      success: true,
      data: { valid: keys.includes(key), rateLimitRemaining: 25, rateLimitReset: Math.ceil(Date.now() / 1000) + 1 },
    },
  };
}

/** GET /tickets/list: one page of tickets, optionally of one status. */
function listTickets(store: SeriesStore, query: URLSearchParams): SimResponse {
  const status = query.get('status');
  const all = [...store.tickets.values()].filter((t) => !status || t.Status === status);
  const perPage = 10; // the documented example's TicketsPerPage (docs.series.hr list-tickets)
  const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
  const totalPages = Math.max(1, Math.ceil(all.length / perPage));
  return {
    status: 200,
    body: {
      success: true,
      data: {
        Tickets: all.slice((page - 1) * perPage, page * perPage).map(view),
        Pagination: {
          CurrentPage: page,
          TotalPages: totalPages,
          TotalCount: all.length,
          TicketsPerPage: perPage,
          HasNextPage: page < totalPages,
          HasPreviousPage: page > 1,
        },
      },
    },
  };
}

/** POST /tickets/{id}/status: a status change, which adds a system message. */
function changeStatus(t: StoredTicket, body: unknown): SimResponse {
  const b = (body ?? {}) as { status?: unknown; staffUserId?: unknown };
  if (!(SERIES_STATUSES as readonly unknown[]).includes(b.status))
    return fail(400, `Invalid status. Must be one of: ${SERIES_STATUSES.join(', ')}`);
  if (typeof b.staffUserId !== 'number') return fail(400, 'staffUserId is required');
  // Every call adds a system message, even when the status does not change (A) — so clients must not send no-ops.
  const at = new Date().toISOString();
  t.messages.push({ text: `Status changed to ${String(b.status)}`, staffUserId: b.staffUserId, at });
  t.Status = b.status as string;
  t.UpdatedAt = at;
  return { status: 200, body: { success: true, data: { message: `Status changed to ${String(b.status)}` } } };
}

/** The tickets routes (a Premium module): list, get one, change a status. */
function tickets(store: SeriesStore, req: SimRequest): SimResponse {
  if (!store.premium) return fail(403, 'Tickets module requires a Premium or Enterprise subscription');
  if (req.method === 'GET' && req.path === '/tickets/list') return listTickets(store, req.query);
  const get = /^\/tickets\/get\/([^/]+)$/.exec(req.path);
  if (get && req.method === 'GET') {
    const t = store.tickets.get(decodeURIComponent(get[1]!));
    return t ? { status: 200, body: { success: true, data: { Ticket: view(t) } } } : fail(404, 'Ticket not found');
  }
  const post = /^\/tickets\/([^/]+)\/status$/.exec(req.path);
  if (post && req.method === 'POST') {
    const t = store.tickets.get(decodeURIComponent(post[1]!));
    return t ? changeStatus(t, req.body) : fail(404, 'Ticket not found');
  }
  return fail(404, 'Not found');
}

/** Routes a request: the API key first, then the key check or the tickets routes. */
function route(store: SeriesStore, keys: string[], req: SimRequest): SimResponse {
  const key = apiKeyOf(req);
  if (!key) return fail(401, 'API key is missing');
  if (!keys.includes(key)) return fail(401, 'Invalid API key');
  const check = /^\/basic\/check-key\/([^/]+)$/.exec(req.path);
  if (check && req.method === 'GET') return checkKey(keys, decodeURIComponent(check[1]!));
  if (!req.path.startsWith('/tickets/')) return fail(404, 'Not found');
  return tickets(store, req);
}

export async function startSeriesSimulator(
  opts: SimulatorOptions<SeriesSeed> & { premium?: boolean } = {},
): Promise<RunningSimulator<SeriesStore>> {
  const keys = opts.tokens ?? [SERIESHR_SANDBOX_API_KEY];
  const store = seededStore(opts.seed ?? [], opts.premium ?? true);
  const handle = (req: SimRequest) => route(store, keys, req);
  return startSimulator({ vendor: 'serieshr', errorBody, handle, limitKey: (r) => apiKeyOf(r) ?? '' }, store, opts, {
    limit: 25,
    windowMs: 1000,
  });
}
