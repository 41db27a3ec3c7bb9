// Property Deck statuses: paged reads, create (201), rename in place (PUT label), and a hard
// DELETE that strips the status from every contact and property — so it is always guarded.

import { VendorError } from '../../errors.js';
import type { HttpClient } from '../../http/client.js';
import type { DesiredContext, HttpClientFactory, VendorAdapter, VendorSession } from '../adapter.js';
import type { AccountConfig, DesiredItem, LiveItem, LiveRead, WriteRequest, WriteResult } from '../../model.js';
import { LARAVEL_ERROR, describeLaravelError } from '../laravel-errors.js';
import type { SameKeys } from '../schema-types.js';
import { label } from '../normalise.js';
import { readAllPages, type PageRequest } from '../../http/paginate.js';
import { MAX_PER_PAGE, ONE_STATUS, STATUS_PAGE, STATUS_TYPES, typeName, type Status, type StatusPage, type StatusTypeName } from './api.js';

interface StatusConfig {
  label: string;
  type: StatusTypeName;
  renamed_from?: string[];
  maps_to: string;
}

/** The key of a status: its type and label, e.g. `property:Sold STC`. */
function statusKey(type: string, text: string): string {
  return `${type}:${label(text)}`;
}

function toLive(s: Status): LiveItem | undefined {
  const type = typeName(s.type?.code);
  if (!type) return undefined;
  return { key: statusKey(type, s.label), id: s.uuid, fields: { type, label: label(s.label) }, active: true };
}

/**
 * Reads every page, following `links.next` (or the page count when links are absent). A next
 * link without `per_page` (Laravel drops it unless the API appends it) gets it back, so every
 * page is a full one. The paginator stops on a loop and counts a status listed twice once.
 */
async function readAll(client: HttpClient, address: string): Promise<Status[]> {
  return readAllPages<Status>({
    address,
    what: 'statuses',
    first: { path: '/statuses', query: { page: 1, per_page: MAX_PER_PAGE } },
    idOf: (s) => s.uuid,
    fetch: async (page) => {
      const res = await client.request<StatusPage>({
        method: 'GET',
        path: page.path,
        ...(page.query ? { query: page.query } : {}),
        address,
        answer: STATUS_PAGE,
      });
      const p = res.body.meta.pagination;
      const links = Array.isArray(p.links) ? undefined : p.links;
      let next: PageRequest | undefined;
      if (links?.next) {
        const link = new URL(links.next, client.url('/statuses'));
        if (!link.searchParams.has('per_page')) link.searchParams.set('per_page', String(MAX_PER_PAGE));
        next = { path: link.href };
      } else if (p.current_page < p.total_pages) {
        next = { path: '/statuses', query: { page: p.current_page + 1, per_page: MAX_PER_PAGE } };
      }
      return { items: res.body.data, next };
    },
  });
}

/**
 * The account's statuses as live items, keyed by type and label. A second status under one key,
 * and statuses of a type statusform does not know, are left alone with a warning. Every uuid
 * listed goes into `known`.
 */
async function readStatuses(client: HttpClient, accountAddress: string, known: Set<string>): Promise<LiveRead> {
  const warnings: string[] = [];
  const byKey = new Map<string, LiveItem>();
  const unknownTypes = new Map<number, number>();
  const listed = await readAll(client, accountAddress);
  for (const s of listed) known.add(s.uuid);
  for (const s of listed) {
    const item = toLive(s);
    if (!item) {
      unknownTypes.set(s.type.code, (unknownTypes.get(s.type.code) ?? 0) + 1);
      continue;
    }
    const seen = byKey.get(item.key);
    if (seen) {
      warnings.push(
        `${accountAddress}["${item.key}"]: two live statuses share this ` +
          `type and label (${seen.id}, ${item.id}); only ${seen.id} is managed`,
      );
      continue;
    }
    byKey.set(item.key, item);
  }
  for (const [code, n] of unknownTypes) {
    warnings.push(
      `${accountAddress}: ${n} live status(es) of type code ${code}, which is neither contact (1) nor property (2), are left alone`,
    );
  }
  return { items: [...byKey.values()], warnings, errors: [] };
}

/** POST /statuses; an answer naming a status that is not this new one is never recorded. */
async function createStatus(client: HttpClient, req: WriteRequest, known: Set<string>): Promise<WriteResult> {
  const type = String(req.after?.['type']) as StatusTypeName;
  const text = String(req.after?.['label']);
  if (!Object.hasOwn(STATUS_TYPES, type)) throw new VendorError(req.address, `cannot create a status of type ${JSON.stringify(type)}`);
  const res = await client.request<{ data: Status }>({
    method: 'POST',
    path: '/statuses',
    body: { label: text, type: { code: STATUS_TYPES[type] } },
    address: req.address,
    answer: ONE_STATUS,
    // Never record another status as this one: it would be renamed, then deleted, as statusform's.
    about: (b) =>
      toLive(b.data)?.key === req.key && !known.has(b.data.uuid)
        ? undefined
        : `it names another status (${b.data.uuid}, ${JSON.stringify(b.data.label)})`,
    // POST is not idempotent: when the outcome is unknown, look before sending again — for
    // a status under this key that was not there when the account was read.
    recover: async () => {
      const found = (await readAll(client, req.address)).find((s) => toLive(s)?.key === req.key && !known.has(s.uuid));
      return found ? { status: 201, headers: {}, body: { data: found } } : undefined;
    },
  });
  known.add(res.body.data.uuid);
  return { id: res.body.data.uuid, fields: toLive(res.body.data)!.fields };
}

/** PUT /statuses/{uuid}: only the label can change. */
async function updateStatus(client: HttpClient, req: WriteRequest): Promise<WriteResult> {
  const after = req.after ?? {};
  const res = await client.request<{ data: Status }>({
    method: 'PUT',
    path: `/statuses/${encodeURIComponent(String(req.id))}`,
    body: { label: after['label'] },
    address: req.address,
    answer: ONE_STATUS,
  });
  if (res.body.data.uuid !== String(req.id)) {
    throw new VendorError(
      req.address,
      `PUT /statuses/${String(req.id)} answered with another status (${res.body.data.uuid}); run plan to see the live state`,
      { code: 'E_ANSWER' },
    );
  }
  return { id: res.body.data.uuid, fields: after };
}

/** DELETE /statuses/{uuid}, a hard delete. */
async function deleteStatus(client: HttpClient, req: WriteRequest): Promise<WriteResult> {
  try {
    await client.request({ method: 'DELETE', path: `/statuses/${encodeURIComponent(String(req.id))}`, address: req.address });
  } catch (err) {
    // A retried DELETE whose first try landed answers 404: the status is gone, as asked.
    if (!(err instanceof VendorError && err.status === 404)) throw err;
  }
  return { id: req.id, fields: req.before ?? {} };
}

const statusSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['label', 'type', 'maps_to'],
  properties: {
    label: { type: 'string', minLength: 1, maxLength: 255, description: 'With type, the key.' },
    type: { enum: ['contact', 'property'] },
    renamed_from: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      description: 'Earlier labels: the live status is renamed in place (PUT), never deleted and re-created.',
    },
    maps_to: { type: 'string', description: 'The category (kept in config; the API has no such field).' },
  },
} as const;

const statusTypeMatchesSchema: SameKeys<typeof statusSchema, StatusConfig> = true;
void statusTypeMatchesSchema;

export const propertydeck: VendorAdapter = {
  vendor: 'propertydeck',
  displayName: 'Property Deck',
  collection: 'statuses',
  capabilities: {
    read: 'list',
    create: true,
    softDelete: false,
    hardDelete: true,
    upsert: false,
    renameInPlace: true,
    hidesInactive: false,
    transitions: false,
    // Property Deck has no category field: maps_to is statusform's own, kept in the state file.
    keepsCategory: true,
  },
  // The key is type + label; a status's type cannot be changed (PUT sends only the label).
  keyFields: ['type', 'label'],
  replaceOn: ['type'],
  acceptsRenamedFrom: true,
  // No public host (vendor-docs §3): base_url is required in the config.
  defaultRateLimit: { requests: 60, seconds: 60 },
  hardDeleteSetting: 'allow_delete',
  secretFields: ['token'],
  accountSchema: {
    required: ['token', 'base_url', 'statuses'],
    properties: {
      token: { type: 'string', minLength: 1, description: 'Personal access token or OAuth2 token with statuses.read/statuses.write.' },
      allow_delete: {
        type: 'boolean',
        default: false,
        description: 'Allow hard DELETE (it strips the status from every contact and property). apply also needs --allow-destroy.',
      },
      statuses: {
        type: 'array',
        items: statusSchema,
      },
    },
  },

  desiredItems(settings, ctx: DesiredContext): DesiredItem[] {
    const statuses = (settings['statuses'] ?? []) as StatusConfig[];
    return statuses.map((s, i) => ({
      key: statusKey(s.type, s.label),
      fields: { type: s.type, label: label(s.label) },
      category: s.maps_to,
      dependsOn: [],
      renamedFrom: (s.renamed_from ?? []).map((old) => statusKey(s.type, old)),
      position: ctx.positionOf(['statuses', i]),
    }));
  },

  importItem(live, categories) {
    const fallback = categories.includes('open') ? 'open' : categories[0]!;
    return {
      item: { label: live.fields['label'], type: live.fields['type'], maps_to: fallback },
      note: 'maps_to is a guess: Property Deck keeps no category for a status',
      guessed: ['maps_to'],
    };
  },

  foldKey(key: string): string {
    return key.toLowerCase();
  },

  open(account: AccountConfig, http: HttpClientFactory): VendorSession {
    const client = http({
      headers: { authorization: `Bearer ${String(account.settings['token'])}` },
      describeError: describeLaravelError,
      errorShape: LARAVEL_ERROR,
    });
    /** Every uuid listed when the account was read, and every one created since: a create's answer must name none of them. */
    const known = new Set<string>();
    return {
      read: () => readStatuses(client, `${account.name}.statuses`, known),
      async write(req: WriteRequest): Promise<WriteResult> {
        switch (req.kind) {
          case 'create':
            return createStatus(client, req, known);
          case 'update':
            return updateStatus(client, req);
          case 'delete':
            return deleteStatus(client, req);
          default:
            throw new VendorError(req.address, `Property Deck cannot ${req.kind} a status`);
        }
      },
    };
  },
};
