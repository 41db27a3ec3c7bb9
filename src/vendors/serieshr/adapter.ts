// series.hr tickets: read one by one, moved by POST /tickets/{id}/status — only when the status
// really differs, since every change adds a system message to the ticket (vendor-docs §2).

import { VendorError } from '../../errors.js';
import type { DesiredContext, HttpClientFactory, VendorAdapter, VendorSession } from '../adapter.js';
import type { AccountConfig, DesiredItem, LiveRead, WriteRequest, WriteResult } from '../../model.js';
import {
  TICKET_CAPABILITIES,
  desiredTickets,
  liveTicketFields,
  mappingsOf,
  readTickets,
  ticketPath,
  ticketSchemas,
  withRules,
  type ListedTicket,
} from '../tickets.js';
import { readAllPages } from '../../http/paginate.js';
import type { Clock } from '../../http/pacer.js';
import type { HttpClient } from '../../http/client.js';
import {
  LIST_ANSWER,
  SERIES_ERROR,
  SERIES_STATUSES,
  STATUS_CHANGE_ANSWER,
  TICKET_ANSWER,
  describeSeriesError,
  seriesRefusal,
  type SeriesListResponse,
  type SeriesTicketResponse,
} from './api.js';

const schemas = ticketSchemas(SERIES_STATUSES, { locationRequired: false });

async function readTicket(client: HttpClient, id: string, address: string): Promise<SeriesTicketResponse['data']['Ticket']> {
  const res = await client.request<SeriesTicketResponse>({
    method: 'GET',
    path: `/tickets/get/${encodeURIComponent(id)}`,
    address,
    answer: TICKET_ANSWER,
  });
  return res.body.data.Ticket;
}

/** Every ticket (in one status, if given), through all pages of GET /tickets/list. */
async function listTickets(client: HttpClient, account: AccountConfig, status: string | undefined): Promise<ListedTicket[]> {
  const address = `${account.name}.tickets`;
  const tickets = await readAllPages({
    address,
    what: 'tickets',
    first: { path: '/tickets/list', query: { page: 1, status } },
    idOf: (t: SeriesListResponse['data']['Tickets'][number]) => t.TicketId,
    fetch: async (page) => {
      const res = await client.request<SeriesListResponse>({
        method: 'GET',
        path: page.path,
        query: page.query ?? {},
        address,
        answer: LIST_ANSWER,
      });
      const n = Number(page.query?.['page'] ?? 1);
      return {
        items: res.body.data.Tickets,
        next: res.body.data.Pagination.HasNextPage ? { path: '/tickets/list', query: { page: n + 1, status } } : undefined,
      };
    },
  });
  return tickets.map((t) => ({ id: t.TicketId, status: t.Status, updatedAt: t.UpdatedAt ?? undefined }));
}

/** POST /tickets/{id}/status: one step of a transition. */
async function changeStatus(client: HttpClient, req: WriteRequest, status: string, staffUserId: number): Promise<void> {
  await client.request({
    method: 'POST',
    path: `/tickets/${encodeURIComponent(req.key)}/status`,
    body: { status, staffUserId },
    address: req.address,
    answer: STATUS_CHANGE_ANSWER,
    // Re-sending would add a second system message: on an unknown outcome, read the ticket first.
    recover: async () =>
      (await readTicket(client, req.key, req.address)).Status === status
        ? { status: 200, headers: {}, body: { success: true } }
        : undefined,
  });
}

export const serieshr: VendorAdapter = {
  vendor: 'serieshr',
  displayName: 'series.hr',
  collection: 'tickets',
  capabilities: TICKET_CAPABILITIES,
  defaultBaseUrl: 'https://api.series.hr',
  defaultRateLimit: { requests: 25, seconds: 1 },
  importRefusal: 'tickets are not imported: declare the tickets to manage, or select them with rules.',
  secretFields: ['api_key'],
  accountSchema: {
    required: ['api_key', 'staff_user_id', 'mappings', 'tickets'],
    properties: {
      api_key: { type: 'string', minLength: 1, description: 'Sent as the apikey header.' },
      staff_user_id: { type: 'integer', minimum: 1, description: 'The staff member the status changes are made as.' },
      strict_transitions: {
        type: 'boolean',
        default: false,
        description: 'Walk open → in-progress → resolved → closed one step at a time.',
      },
      mappings: schemas.mappings,
      tickets: schemas.tickets,
      rules: schemas.rules,
    },
  },

  desiredItems(settings, ctx: DesiredContext): DesiredItem[] {
    return desiredTickets(settings, ctx, SERIES_STATUSES);
  },

  mappingEntries: (settings) => Object.entries(mappingsOf(settings)).map(([value, category]) => ({ value, category })),

  transitionPath(live, desired, account) {
    return ticketPath(live, desired, account, SERIES_STATUSES, account.settings['strict_transitions'] === true);
  },

  open(account: AccountConfig, http: HttpClientFactory, clock: Clock): VendorSession {
    const client = http({
      headers: { apikey: String(account.settings['api_key']) },
      describeError: describeSeriesError,
      errorShape: SERIES_ERROR,
      refusal: seriesRefusal,
    });
    return {
      async read(desired): Promise<LiveRead> {
        const read = await readTickets(desired, account, serieshr.displayName, SERIES_STATUSES, async (id, address) => {
          const t = await readTicket(client, id, address);
          return { id: t.TicketId, status: t.Status };
        });
        return withRules(read, account, SERIES_STATUSES, clock.now(), async (rule) => listTickets(client, account, rule.where.status));
      },
      async write(req: WriteRequest): Promise<WriteResult> {
        if (req.kind !== 'transition' || !req.path) throw new VendorError(req.address, `series.hr cannot ${req.kind} a ticket`);
        for (const status of req.path) await changeStatus(client, req, status, Number(account.settings['staff_user_id']));
        const last = req.path[req.path.length - 1]!;
        return { id: req.id, fields: liveTicketFields(last, account) };
      },
    };
  },
};
