// Spacebring support ticket API wire types (spacebring-ticket-status.txt, vendor-docs §5).

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
