// Spacebring support tickets: read one by one, moved by an idempotent PUT …/{id}/status;
// Basic auth for customers, or a bearer token plus the network id for partners (vendor-docs §5).

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
  SPACEBRING_ERROR,
  SPACEBRING_STATUSES,
  TICKET_ANSWER,
  describeSpacebringError,
  type SpacebringTicket,
} from './api.js';

const schemas = ticketSchemas(SPACEBRING_STATUSES, { locationRequired: true });

function authHeaders(settings: Readonly<Record<string, unknown>>): Record<string, string> {
  if (typeof settings['token'] === 'string') {
    return { authorization: `Bearer ${settings['token']}`, 'spacebring-network-id': String(settings['network_id']) };
  }
  const basic = Buffer.from(`${String(settings['client_id'])}:${String(settings['client_secret'])}`).toString('base64');
  return { authorization: `Basic ${basic}` };
}

async function readTicket(client: HttpClient, id: string, address: string): Promise<SpacebringTicket> {
  const res = await client.request<{ ticket: SpacebringTicket }>({
    method: 'GET',
    path: `/support/tickets/v1/${encodeURIComponent(id)}`,
    address,
    answer: TICKET_ANSWER,
  });
  return res.body.ticket;
}

/** Every ticket of a location, through all pages of the list endpoint at its largest page. */
async function listLocation(client: HttpClient, listAddress: string, locationRef: string): Promise<ListedTicket[]> {
  const base = { locationRef, limit: 100, order: 'updateDate:desc' };
  const tickets = await readAllPages<SpacebringTicket>({
    address: listAddress,
    what: 'tickets',
    first: { path: '/support/tickets/v1', query: base },
    idOf: (t) => t.id,
    fetch: async (page) => {
      const res = await client.request<{ tickets: SpacebringTicket[]; nextPageToken?: string | null }>({
        method: 'GET',
        path: page.path,
        query: page.query ?? {},
        address: listAddress,
        answer: LIST_ANSWER,
      });
      // The request parameter is `nextPageToken`, the response field's own name (D: Spacebring's pagination docs).
      const token = res.body.nextPageToken;
      return {
        items: res.body.tickets,
        next: token ? { path: '/support/tickets/v1', query: { ...base, nextPageToken: token } } : undefined,
      };
    },
  });
  return tickets.map((t) => ({ id: t.id, status: t.status, updatedAt: t.updateDate ?? undefined }));
}

/** PUT …/{id}/status: one step of a transition. */
async function setStatus(client: HttpClient, req: WriteRequest, status: string): Promise<void> {
  await client.request({
    method: 'PUT',
    path: `/support/tickets/v1/${encodeURIComponent(req.key)}/status`,
    body: { ticket: { status } },
    address: req.address,
    answer: TICKET_ANSWER,
    // Each change records an activity on the ticket (D: OpenAPI spec): on an unknown outcome, read it before sending again.
    idempotent: false,
    recover: async () => {
      const t = await readTicket(client, req.key, req.address);
      return t.status === status ? { status: 200, headers: {}, body: { ticket: t } } : undefined;
    },
  });
}

export const spacebring: VendorAdapter = {
  vendor: 'spacebring',
  displayName: 'Spacebring',
  collection: 'tickets',
  capabilities: TICKET_CAPABILITIES,
  defaultBaseUrl: 'https://api.spacebring.com',
  defaultRateLimit: { requests: 10, seconds: 1 },
  importRefusal: 'tickets are not imported: declare the tickets to manage, or select them with rules.',
  secretFields: ['client_secret', 'token'],
  credentialFields: ['client_id', 'client_secret', 'token'],
  accountSchema: {
    required: ['mappings', 'tickets'],
    properties: {
      client_id: { type: 'string', minLength: 1, description: 'Basic auth (customers), with client_secret.' },
      client_secret: { type: 'string', minLength: 1 },
      token: { type: 'string', minLength: 1, description: 'OAuth2 bearer token (partners), with network_id.' },
      network_id: { type: 'string', minLength: 1 },
      mappings: schemas.mappings,
      tickets: schemas.tickets,
      rules: schemas.rules,
    },
  },

  desiredItems(settings, ctx: DesiredContext): DesiredItem[] {
    const basic = settings['client_id'] !== undefined || settings['client_secret'] !== undefined;
    const oauth = settings['token'] !== undefined || settings['network_id'] !== undefined;
    if (basic === oauth) ctx.problem([], 'give either client_id and client_secret (Basic auth) or token and network_id (OAuth2)');
    else if (basic && (settings['client_id'] === undefined || settings['client_secret'] === undefined))
      ctx.problem([], 'Basic auth needs both client_id and client_secret');
    else if (oauth && (settings['token'] === undefined || settings['network_id'] === undefined))
      ctx.problem([], 'OAuth2 needs both token and network_id');
    return desiredTickets(settings, ctx, SPACEBRING_STATUSES);
  },

  // With OAuth the network is named; Basic credentials belong to one network without naming it.
  tenant: (settings) =>
    typeof settings['token'] === 'string' && settings['network_id'] !== undefined
      ? `network_id ${String(settings['network_id'])}`
      : undefined,

  mappingEntries: (settings) => Object.entries(mappingsOf(settings)).map(([value, category]) => ({ value, category })),

  transitionPath(live, desired, account) {
    return ticketPath(live, desired, account, SPACEBRING_STATUSES, false);
  },

  open(account: AccountConfig, http: HttpClientFactory, clock: Clock): VendorSession {
    const client = http({ headers: authHeaders(account.settings), describeError: describeSpacebringError, errorShape: SPACEBRING_ERROR });
    return {
      async read(desired): Promise<LiveRead> {
        const read = await readTickets(desired, account, spacebring.displayName, SPACEBRING_STATUSES, async (id, address) => {
          const t = await readTicket(client, id, address);
          return { id: t.id, status: t.status };
        });
        return withRules(read, account, SPACEBRING_STATUSES, clock.now(), async (rule) =>
          listLocation(client, `${account.name}.tickets`, String(rule.where.location)),
        );
      },
      async write(req: WriteRequest): Promise<WriteResult> {
        if (req.kind !== 'transition' || !req.path) throw new VendorError(req.address, `Spacebring cannot ${req.kind} a ticket`);
        for (const status of req.path) await setStatus(client, req, status);
        return { id: req.id, fields: liveTicketFields(req.path[req.path.length - 1]!, account) };
      },
    };
  },
};
