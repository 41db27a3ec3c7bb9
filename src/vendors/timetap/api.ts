// TimeTap Status API wire types (timetap-status.txt, vendor-docs §4).

import { createHash } from 'node:crypto';
import type { AnswerShape } from '../../http/answer.js';

export const APPOINTMENT_STATUSES = [
  'PENDING',
  'PENDING_CONFIRMATION',
  'PENDING_WAITLIST',
  'OPEN',
  'READ_ONLY',
  'READ_ONLY_FREE',
  'NO_SHOW',
  'COMPLETED',
  'CANCELLED',
  'DELETED',
] as const;

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
  return createHash('md5')
    .update(apiKey + privateKey)
    .digest('hex');
}

/** Error bodies are not documented (A): the sandbox sends `{errorMessage}`; anything with a message is read. */
export function describeTimeTapError(_status: number, body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { errorMessage?: unknown; message?: unknown };
  const m = b.errorMessage ?? b.message;
  return typeof m === 'string' ? m : undefined;
}

/** A status row as GET, POST and PUT answer with it (D: the documented fields the adapter reads). */
const rowShape = {
  type: 'object',
  required: ['statusId', 'businessId', 'subStatus', 'status', 'active', 'sortOrder', 'userSelectable'],
  properties: {
    statusId: { type: 'integer' },
    businessId: { type: ['integer', 'null'] },
    subStatus: { type: 'string', minLength: 1 },
    status: { type: 'string', minLength: 1 },
    active: { type: 'boolean' },
    sortOrder: { type: 'number' },
    userSelectable: { type: 'boolean' },
    dependsOn: { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }] },
  },
} as const;

/** GET /status: the whole array (D). */
export const STATUS_LIST: AnswerShape = { name: 'a list of TimeTap statuses', schema: { type: 'array', items: rowShape } };

/** POST /status and PUT /status: the row as saved (D). */
export const STATUS_ROW: AnswerShape = { name: 'a TimeTap status', schema: rowShape };

/** GET /sessionToken (D). */
export const SESSION_TOKEN: AnswerShape = {
  name: 'a TimeTap session token',
  schema: { type: 'object', required: ['sessionToken'], properties: { sessionToken: { type: 'string', minLength: 1 } } },
};

/** The error body (A: undocumented; the sandbox sends `{errorMessage}`). */
export const TIMETAP_ERROR: AnswerShape = {
  name: 'a TimeTap error body',
  schema: {
    anyOf: [
      { type: 'object', required: ['errorMessage'], properties: { errorMessage: { type: 'string' } } },
      { type: 'object', required: ['message'], properties: { message: { type: 'string' } } },
    ],
  },
};
