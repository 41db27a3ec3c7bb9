// The Thalamus sandbox: POST /api/v1/partner/reference/status, an upsert keyed by id per
// partner, with the documented body and response (vendor-docs §1). No read endpoint, as at the vendor.

import { randomUUID } from 'node:crypto';
import {
  bearer,
  startSimulator,
  type RunningSimulator,
  type SimRequest,
  type SimResponse,
  type SimulatorOptions,
} from '../../simulator/server.js';
import { THALAMUS_CATEGORIES } from './api.js';
import { THALAMUS_SANDBOX_TOKEN } from './sandbox-credentials.js';

// The credentials it accepts by default, for whoever starts it directly (tests, the bench).
export { THALAMUS_SANDBOX_TOKEN };

export interface StoredVariant {
  uuid: string;
  id: string;
  label: string;
  mapped_status: string;
  source_system: string | null;
  status: 'active' | 'inactive';
  /** How many upserts created or changed this variant (a test's "no duplicate" check). */
  writes: number;
}

export interface ThalamusStore {
  /** Variants by partner token, then by id. */
  variants: Map<string, Map<string, StoredVariant>>;
}

export type ThalamusSeed = Omit<StoredVariant, 'uuid' | 'writes'>[];

const CATEGORY_INFO: Record<string, { label: string; sort_order: number; color: string; description: string }> = {
  new: { label: 'New', sort_order: 1, color: '#3b82f6', description: 'Ticket was just created' },
  open: { label: 'Open', sort_order: 2, color: '#22c55e', description: 'Ticket is being worked on' },
  pending: {
    label: 'Pending',
    sort_order: 4,
    color: '#8b5cf6',
    description: 'Ticket is pending awaiting response from the ticket requester',
  },
  hold: { label: 'On Hold', sort_order: 3, color: '#f59e0b', description: 'Ticket is waiting on a third party' },
  solved: { label: 'Solved', sort_order: 5, color: '#14b8a6', description: 'Ticket was solved' },
  closed: { label: 'Closed', sort_order: 6, color: '#6b7280', description: 'Ticket is closed' },
};

// Error bodies are not documented (A): Laravel-style, as the API's other answers suggest.
const errorBody = (_status: number, message: string) => ({ success: false, message });

function invalid(errors: Record<string, string[]>): SimResponse {
  return { status: 422, body: { success: false, message: 'The given data was invalid.', errors } };
}

function validate(b: Record<string, unknown>): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const str = (field: string, min: number, max: number, nullable = false) => {
    const v = b[field];
    if (v === undefined || (v === null && nullable)) {
      if (min > 0 && v === undefined) errors[field] = [`The ${field} field is required.`];
      return;
    }
    if (typeof v !== 'string') errors[field] = [`The ${field} must be a string.`];
    else if (v.length < min || v.length > max) errors[field] = [`The ${field} must be between ${min} and ${max} characters.`];
  };
  str('id', 1, 256);
  str('label', 1, 128);
  str('source_system', 0, 256, true);
  if (!(THALAMUS_CATEGORIES as readonly unknown[]).includes(b['mapped_status']))
    errors['mapped_status'] = ['The selected mapped status is invalid.'];
  if (b['status'] !== undefined && b['status'] !== 'active' && b['status'] !== 'inactive')
    errors['status'] = ['The selected status is invalid.'];
  return errors;
}

function present(v: StoredVariant) {
  const info = CATEGORY_INFO[v.mapped_status]!;
  return {
    uuid: v.uuid,
    id: v.id,
    label: v.label,
    status: v.status,
    mapped_status: { uuid: `00000000-0000-4000-8000-00000000000${info.sort_order}`, value: v.mapped_status, ...info },
  };
}

export async function startThalamusSimulator(opts: SimulatorOptions<ThalamusSeed> = {}): Promise<RunningSimulator<ThalamusStore>> {
  const tokens = opts.tokens ?? [THALAMUS_SANDBOX_TOKEN];
  const store: ThalamusStore = { variants: new Map(tokens.map((t) => [t, new Map()])) };
  for (const s of opts.seed ?? []) store.variants.get(tokens[0]!)!.set(s.id, { ...s, uuid: randomUUID(), writes: 0 });

  const handle = (req: SimRequest): SimResponse => {
    const token = bearer(req.headers);
    if (!token || !tokens.includes(token)) return { status: 401, body: { success: false, message: 'Unauthenticated.' } };
    if (req.method !== 'POST' || req.path !== '/api/v1/partner/reference/status') return { status: 404, body: errorBody(404, 'Not Found') };
    const b = (req.body ?? {}) as Record<string, unknown>;
    const errors = validate(b);
    if (Object.keys(errors).length > 0) return invalid(errors);
    const partner = store.variants.get(token)!;
    const existing = partner.get(b['id'] as string);
    const next: StoredVariant = {
      uuid: existing?.uuid ?? randomUUID(),
      id: b['id'] as string,
      label: b['label'] as string,
      mapped_status: b['mapped_status'] as string,
      // The doc does not say whether an omitted source_system clears it (A: it is kept).
      source_system: 'source_system' in b ? ((b['source_system'] as string | null) ?? null) : (existing?.source_system ?? null),
      status: (b['status'] as 'active' | 'inactive' | undefined) ?? 'active',
      writes: (existing?.writes ?? 0) + 1,
    };
    partner.set(next.id, next);
    return {
      status: 200,
      body: {
        success: true,
        data: present(next),
        message: existing ? 'Status variant updated successfully' : 'Status variant created successfully',
      },
    };
  };

  return startSimulator(
    { vendor: 'thalamus', errorBody, handle, limitKey: (r) => bearer(r.headers) ?? '' },
    store,
    { ...opts, basePath: '/api/v1' },
    false,
  );
}
