// TimeTap Status API wire types (timetap-status.txt, vendor-docs §4).

import { createHash } from 'node:crypto';

export const APPOINTMENT_STATUSES = ['PENDING', 'PENDING_CONFIRMATION', 'PENDING_WAITLIST', 'OPEN', 'READ_ONLY', 'READ_ONLY_FREE', 'NO_SHOW', 'COMPLETED', 'CANCELLED', 'DELETED'] as const;

export interface StatusRow {
  active: boolean;
  /** null for the shared defaults every account starts with (read-only). */
  businessId: number | null;
  createdDate?: number | null;
  createdUser?: string | null;
  dependsOn: string[] | null;
  modifiedDate?: number | null;
  modifiedUser?: string | null;
  sortOrder: number;
  status: string;
  statusId: number | null;
  statusType: 'APPOINTMENT';
  subStatus: string;
  userSelectable: boolean;
}

/** The documented signature: MD5 hex of apiKey + privateKey. */
export function signature(apiKey: string, privateKey: string): string {
  return createHash('md5').update(apiKey + privateKey).digest('hex');
}

/** Error bodies are not documented (A): the sandbox sends `{errorMessage}`; anything with a message is read. */
export function describeTimeTapError(_status: number, body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { errorMessage?: unknown; message?: unknown };
  const m = b.errorMessage ?? b.message;
  return typeof m === 'string' ? m : undefined;
}
