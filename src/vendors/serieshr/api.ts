// series.hr ticket API wire types (serieshr-ticket-status.txt, vendor-docs §2).

import type { AnswerShape } from '../../http/answer.js';

/** The documented statuses, in the documented common order: open → in-progress → resolved → closed. */
export const SERIES_STATUSES = ['open', 'in-progress', 'resolved', 'closed'] as const;

export interface SeriesTicket {
  TicketId: string;
  Subject?: string;
  Status: string;
  CreatedAt?: string;
  UpdatedAt?: string;
}

export interface SeriesTicketResponse {
  success: boolean;
  data: { Ticket: SeriesTicket };
}

export interface SeriesListResponse {
  success: boolean;
  data: {
    Tickets: SeriesTicket[];
    Pagination: {
      CurrentPage: number;
      TotalPages: number;
      TotalCount: number;
      TicketsPerPage: number;
      HasNextPage: boolean;
      HasPreviousPage: boolean;
    };
  };
}

/** `{success:false, error:{code, message}}` (documented). */
export function describeSeriesError(_status: number, body: unknown): string | undefined {
  const e = (body as { error?: { message?: unknown } } | null)?.error;
  return typeof e?.message === 'string' ? e.message : undefined;
}

// The status is checked per ticket against the documented ones (a ticket without one is an error for its address, not for the whole read).
const ticketShape = {
  type: 'object',
  required: ['TicketId'],
  properties: { TicketId: { type: 'string', minLength: 1 }, Status: {}, UpdatedAt: { type: ['string', 'null'] } },
} as const;

/** GET /tickets/get/{id} (D). The status is checked against the documented ones per ticket, not here. */
export const TICKET_ANSWER: AnswerShape = {
  name: 'a series.hr ticket',
  schema: {
    type: 'object',
    required: ['data'],
    properties: { data: { type: 'object', required: ['Ticket'], properties: { Ticket: ticketShape } } },
  },
};

/** GET /tickets/list (D): `data.Tickets` and `data.Pagination.HasNextPage`. */
export const LIST_ANSWER: AnswerShape = {
  name: 'a page of series.hr tickets',
  schema: {
    type: 'object',
    required: ['data'],
    properties: {
      data: {
        type: 'object',
        required: ['Tickets', 'Pagination'],
        properties: {
          Tickets: { type: 'array', items: ticketShape },
          Pagination: {
            type: 'object',
            required: ['HasNextPage'],
            properties: { HasNextPage: { type: 'boolean' }, CurrentPage: { type: 'integer' } },
          },
        },
      },
    },
  },
};

/** POST /tickets/{id}/status (D): `{success: true, …}`; `success: false` is a refusal (seriesRefusal). */
export const STATUS_CHANGE_ANSWER: AnswerShape = {
  name: 'a series.hr status change',
  schema: { type: 'object', required: ['success'], properties: { success: { type: 'boolean' } } },
};

/** Every series.hr answer carries `success`; `false` inside a 2xx is a refusal with the documented error body. */
export function seriesRefusal(body: unknown): string | undefined {
  const b = body as { success?: unknown } | null;
  if (b === null || typeof b !== 'object' || b.success !== false) return undefined;
  return describeSeriesError(200, body) ?? 'success: false';
}

/** The error body (D): `{success: false, error: {code, message}}`. */
export const SERIES_ERROR: AnswerShape = {
  name: 'a series.hr error body',
  schema: {
    type: 'object',
    required: ['success', 'error'],
    properties: {
      success: { const: false },
      error: { type: 'object', required: ['message'], properties: { code: {}, message: { type: 'string' } } },
    },
  },
};
