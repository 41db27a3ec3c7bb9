// Thalamus (nerds.nl) partner status variants: upsert-only, no read API, soft delete by
// `status: inactive`. The state file is the only record of what exists (vendor-docs §1).

import type { DesiredContext, HttpClientFactory, VendorAdapter, VendorSession } from '../adapter.js';
import type { AccountConfig, DesiredItem, Fields, StateItem, WriteRequest, WriteResult } from '../../model.js';
import { LARAVEL_ERROR, describeLaravelError } from '../laravel-errors.js';
import type { SameKeys } from '../schema-types.js';
import { enumValue, key, label } from '../normalise.js';
import {
  STATUS_VARIANT_PATH,
  THALAMUS_CATEGORIES,
  UPSERT_ANSWER,
  thalamusRefusal,
  type StatusVariantResponse,
  type StatusVariantUpsert,
} from './api.js';
import { VendorError } from '../../errors.js';

interface VariantConfig {
  id: string;
  label: string;
  maps_to: string;
  source_system?: string | null;
}

const variantSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'label', 'maps_to'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 256, description: 'Machine-readable id, unique per partner (the key).' },
    label: { type: 'string', minLength: 1, maxLength: 128 },
    maps_to: { type: 'string', description: 'The category, pushed as mapped_status.' },
    source_system: { type: ['string', 'null'], maxLength: 256 },
  },
} as const;

const variantTypeMatchesSchema: SameKeys<typeof variantSchema, VariantConfig> = true;
void variantTypeMatchesSchema;

export const thalamus: VendorAdapter = {
  vendor: 'thalamus',
  displayName: 'Thalamus',
  collection: 'status_variants',
  capabilities: {
    read: 'none',
    create: true,
    softDelete: true,
    hardDelete: false,
    upsert: true,
    renameInPlace: false,
    hidesInactive: false,
    transitions: false,
  },
  defaultBaseUrl: 'https://thalamus.nerds.nl/api/v1',
  // Not documented (vendor-docs §1): an assumed, polite default; override with rate_limit.
  defaultRateLimit: { requests: 10, seconds: 1 },
  secretFields: ['token'],
  importRefusal:
    'Thalamus has no read API, so statusform cannot see which variants exist. Declare the variants you have in the config: ' +
    'the first apply upserts them by id, which updates an existing variant rather than duplicating it.',
  accountSchema: {
    required: ['token', 'status_variants'],
    properties: {
      token: { type: 'string', minLength: 1, description: 'Partner API key (Bearer), e.g. ${THALAMUS_TOKEN}' },
      status_variants: {
        type: 'array',
        description: 'The partner status variants this account should have.',
        items: variantSchema,
      },
    },
  },

  desiredItems(settings, ctx: DesiredContext): DesiredItem[] {
    const variants = (settings['status_variants'] ?? []) as VariantConfig[];
    return variants.map((v, i) => {
      const mapped = enumValue(v.maps_to);
      // An unknown category is reported once, by the generic check; this one is for a config category Thalamus lacks.
      if (ctx.categories.includes(mapped) && !(THALAMUS_CATEGORIES as readonly string[]).includes(mapped)) {
        ctx.problem(
          ['status_variants', i, 'maps_to'],
          `Thalamus maps variants to one of ${THALAMUS_CATEGORIES.join(', ')}; "${v.maps_to}" is not one of them`,
        );
      }
      const fields: Fields = { label: label(v.label), mapped_status: mapped };
      if ('source_system' in v) fields['source_system'] = v.source_system ?? null;
      return { key: key(v.id), fields, category: mapped, dependsOn: [], renamedFrom: [], position: ctx.positionOf(['status_variants', i]) };
    });
  },

  open(account: AccountConfig, http: HttpClientFactory): VendorSession {
    const client = http({
      headers: { authorization: `Bearer ${String(account.settings['token'])}` },
      describeError: describeLaravelError,
      errorShape: LARAVEL_ERROR,
      refusal: thalamusRefusal,
    });
    return {
      // No read API: what the state file remembers is all there is to know.
      async read(_desired, state: Readonly<Record<string, StateItem>>) {
        const items = Object.entries(state).map(([key, s]) => ({ key, id: s.id, fields: s.fields, active: s.active }));
        return { items, warnings: [], errors: [] };
      },

      async write(req: WriteRequest): Promise<WriteResult> {
        const fields = req.after ?? req.before;
        if (!fields || req.kind === 'delete' || req.kind === 'transition') {
          throw new VendorError(req.address, `Thalamus cannot ${req.kind} a status variant`);
        }
        const body: StatusVariantUpsert = {
          id: req.key,
          label: String(fields['label']),
          mapped_status: String(fields['mapped_status']),
          status: req.kind === 'deactivate' ? 'inactive' : 'active',
        };
        if ('source_system' in fields) body.source_system = fields['source_system'] as string | null;
        // An upsert keyed by id: sending it twice leaves one variant, so it may be retried blindly.
        const res = await client.request<StatusVariantResponse>({
          method: 'POST',
          path: STATUS_VARIANT_PATH,
          body,
          address: req.address,
          idempotent: true,
          answer: UPSERT_ANSWER,
        });
        if (res.body.data.id !== req.key) {
          throw new VendorError(
            req.address,
            `the upsert answered for another variant (id ${JSON.stringify(res.body.data.id)}); not recorded, run plan to see the state`,
            { code: 'E_ANSWER' },
          );
        }
        return { id: res.body.data.uuid, fields };
      },
    };
  },
};
