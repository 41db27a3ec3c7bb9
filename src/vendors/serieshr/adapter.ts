// series.hr tickets: read one by one, moved by POST /tickets/{id}/status — only when the status
// really differs, since every change adds a system message to the ticket (vendor-docs §2).

import { VendorError } from '../../errors.js';
import type { AccountConfig, DesiredContext, DesiredItem, HttpClientFactory, LiveItem, LiveRead, VendorAdapter, VendorSession, WriteRequest, WriteResult } from '../adapter.js';
import { desiredTickets, liveTicketFields, ticketPath, ticketSchemas } from '../tickets.js';
import { SERIES_STATUSES, describeSeriesError, type SeriesTicketResponse } from './api.js';

const schemas = ticketSchemas(SERIES_STATUSES);

export const serieshr: VendorAdapter = {
  vendor: 'serieshr',
  collection: 'tickets',
  capabilities: {
    read: 'item',
    create: false,
    softDelete: false,
    hardDelete: false,
    upsert: false,
    renameInPlace: false,
    hidesInactive: false,
    transitions: true,
  },
  defaultBaseUrl: 'https://api.series.hr',
  defaultRateLimit: { requests: 25, seconds: 1 },
  secretFields: ['api_key'],
  accountSchema: {
    required: ['api_key', 'staff_user_id', 'mappings', 'tickets'],
    properties: {
      api_key: { type: 'string', minLength: 1, description: 'Sent as the apikey header.' },
      staff_user_id: { type: 'integer', minimum: 1, description: 'The staff member the status changes are made as.' },
      strict_transitions: { type: 'boolean', default: false, description: 'Walk open → in-progress → resolved → closed one step at a time.' },
      mappings: schemas.mappings,
      tickets: schemas.tickets,
    },
  },

  desiredItems(settings, ctx: DesiredContext): DesiredItem[] {
    return desiredTickets(settings, ctx, SERIES_STATUSES);
  },

  transitionPath(live, desired, account) {
    return ticketPath(live, desired, account, SERIES_STATUSES, account.settings['strict_transitions'] === true);
  },

  open(account: AccountConfig, http: HttpClientFactory): VendorSession {
    const client = http({ headers: { apikey: String(account.settings['api_key']) }, describeError: describeSeriesError });
    const staffUserId = Number(account.settings['staff_user_id']);
    const readTicket = async (id: string, address: string) =>
      (await client.request<SeriesTicketResponse>({ method: 'GET', path: `/tickets/get/${encodeURIComponent(id)}`, address })).body.data.Ticket;

    return {
      async read(desired): Promise<LiveRead> {
        const items: LiveItem[] = [];
        const errors: LiveRead['errors'] = [];
        await Promise.all(
          desired.map(async (d) => {
            try {
              const t = await readTicket(d.key, `${account.name}.tickets[${JSON.stringify(d.key)}]`);
              items.push({ key: d.key, id: t.TicketId, fields: liveTicketFields(t.Status, account), active: true });
            } catch (err) {
              // A missing ticket is a plan error for its address; anything else stops the plan.
              if (err instanceof VendorError && err.status === 404) errors.push({ key: d.key, message: `ticket not found at series.hr (${err.reason})` });
              else throw err;
            }
          }),
        );
        return { items, warnings: [], errors };
      },

      async write(req: WriteRequest): Promise<WriteResult> {
        if (req.kind !== 'transition' || !req.path) throw new VendorError(req.address, `series.hr cannot ${req.kind} a ticket`);
        for (const status of req.path) {
          await client.request({
            method: 'POST',
            path: `/tickets/${encodeURIComponent(req.key)}/status`,
            body: { status, staffUserId },
            address: req.address,
            // Re-sending would add a second system message: on an unknown outcome, read the ticket first.
            recover: async () => ((await readTicket(req.key, req.address)).Status === status ? { status: 200, headers: {}, body: { success: true } } : undefined),
          });
        }
        const last = req.path[req.path.length - 1]!;
        return { id: req.id, fields: liveTicketFields(last, account) };
      },
    };
  },
};
