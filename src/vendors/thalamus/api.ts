// Thalamus partner API wire types (thalamus-partner-status-variant.txt).

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
