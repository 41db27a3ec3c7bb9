// Spacebring support ticket API wire types (spacebring-ticket-status.txt, vendor-docs §5).

import type { AnswerShape } from '../../http/answer.js';

export const SPACEBRING_STATUSES = ['new', 'inProgress', 'solved', 'closed'] as const;

export interface SpacebringTicket {
  id: string;
  status: string;
  locationRef?: string;
  number?: number;
  updateDate?: string;
}

/** `{message, type}` (documented for 400; assumed for the rest). */
export function describeSpacebringError(_status: number, body: unknown): string | undefined {
  const b = body as { message?: unknown; type?: unknown } | null;
  if (typeof b?.message !== 'string') return undefined;
  return typeof b.type === 'string' ? `${b.message} (${b.type})` : b.message;
}

// The status is checked per ticket against the documented ones (a ticket without one is an error for its address, not for the whole read).
const ticketShape = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1 }, status: {}, updateDate: { type: ['string', 'null'] } },
} as const;

/** GET /support/tickets/v1/{id} and the status PUT's answer (D): `{ticket, …}`. */
export const TICKET_ANSWER: AnswerShape = {
  name: 'a Spacebring ticket',
  schema: { type: 'object', required: ['ticket'], properties: { ticket: ticketShape } },
};

/** GET /support/tickets/v1 (D): `{tickets[], nextPageToken}`; the last page has no token. */
export const LIST_ANSWER: AnswerShape = {
  name: 'a page of Spacebring tickets',
  schema: {
    type: 'object',
    required: ['tickets'],
    properties: { tickets: { type: 'array', items: ticketShape }, nextPageToken: { type: ['string', 'null'] } },
  },
};

/** The error body (D for 400, A for the rest): `{message, type}`. */
export const SPACEBRING_ERROR: AnswerShape = {
  name: 'a Spacebring error body',
  schema: { type: 'object', required: ['message'], properties: { message: { type: 'string' }, type: { type: 'string' } } },
};
