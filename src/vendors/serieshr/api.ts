// series.hr ticket API wire types (serieshr-ticket-status.txt, vendor-docs §2).

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
    Pagination: { CurrentPage: number; TotalPages: number; TotalCount: number; TicketsPerPage: number; HasNextPage: boolean; HasPreviousPage: boolean };
  };
}

/** `{success:false, error:{code, message}}` (documented). */
export function describeSeriesError(_status: number, body: unknown): string | undefined {
  const e = (body as { error?: { message?: unknown } } | null)?.error;
  return typeof e?.message === 'string' ? e.message : undefined;
}
