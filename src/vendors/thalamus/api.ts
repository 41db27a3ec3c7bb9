// Thalamus partner API wire types (thalamus-partner-status-variant.txt).

import type { AnswerShape } from '../../http/answer.js';

/** The six internal categories Thalamus maps every variant to (the `mapped_status` enum). */
export const THALAMUS_CATEGORIES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'] as const;

export const STATUS_VARIANT_PATH = '/partner/reference/status';

/** Body of POST /partner/reference/status: an upsert keyed by `id` per partner. */
export interface StatusVariantUpsert {
  id: string;
  label: string;
  mapped_status: string;
  source_system?: string | null;
  status: 'active' | 'inactive';
}

export interface StatusVariantResponse {
  success: boolean;
  data: {
    uuid: string;
    id: string;
    label: string;
    status: 'active' | 'inactive';
    mapped_status: { uuid: string; value: string; label: string; sort_order: number; color: string; description: string };
  };
  message: string;
}

/** The upsert's answer (D): `{success, data: {uuid, id, …}, message}`; the adapter reads uuid and id. */
export const UPSERT_ANSWER: AnswerShape = {
  name: 'a Thalamus status variant',
  schema: {
    type: 'object',
    required: ['data'],
    properties: {
      success: { type: 'boolean' },
      data: { type: 'object', required: ['uuid', 'id'], properties: { uuid: { type: 'string', minLength: 1 }, id: { type: 'string' } } },
    },
  },
};

/** A `200 {"success": false, …}` is a refusal, whatever its status code says. */
export function thalamusRefusal(body: unknown): string | undefined {
  const b = body as { success?: unknown; message?: unknown } | null;
  if (b === null || typeof b !== 'object' || b.success !== false) return undefined;
  return typeof b.message === 'string' ? b.message : 'success: false';
}
