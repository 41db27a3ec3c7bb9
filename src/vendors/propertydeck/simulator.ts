// The Property Deck sandbox: paged GET /statuses with meta.pagination and links, GET one,
// POST (201), PUT (label only), hard DELETE that strips the status from contacts and
// properties, Bearer auth, and 60 requests per minute per token with X-RateLimit-* (vendor-docs §3).

import { randomUUID } from 'node:crypto';
import {
  bearer,
  startSimulator,
  type RunningSimulator,
  type SimRequest,
  type SimResponse,
  type SimulatorOptions,
} from '../../simulator/server.js';
import { typeName, type Status } from './api.js';
import { PROPERTYDECK_SANDBOX_TOKEN } from './sandbox-credentials.js';

// The credentials it accepts by default, for whoever starts it directly (tests, the bench).
export { PROPERTYDECK_SANDBOX_TOKEN };

export interface PropertyDeckStore {
  statuses: Map<string, Status>;
  /** Contacts and properties, each holding a status uuid (or null once its status was deleted). */
  records: { id: string; kind: 'contact' | 'property'; status: string | null }[];
  /** Creates per type:label, for "no duplicate create" checks. */
  creates: Map<string, number>;
  /** A duplicate label within a type is refused, compared case-insensitively like a MySQL unique index (A: the docs do not say). */
  uniqueLabels: boolean;
  /** Whether `links.next` keeps `per_page` (A: Laravel's paginator drops it unless the API appends it). A switch; on by default. */
  linksKeepPerPage: boolean;
  /**
   * Store labels in Unicode NFC, as a database or middleware that normalises text would (A: the docs do not say).
   * A switch; off by default.
   */
  storesNfc: boolean;
}

export interface PropertyDeckSeed {
  statuses?: { label: string; type: 'contact' | 'property'; uuid?: string }[];
  records?: { kind: 'contact' | 'property'; statusLabel: string }[];
}

// Laravel-style bodies (A).
const errorBody = (status: number, message: string) => ({ message: status === 404 ? 'Not Found' : message });

const TYPE_NAMES: Record<number, string> = { 1: 'Contact', 2: 'Property' };

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

type StatusBody = { label?: unknown; type?: { code?: unknown } };

const METHOD_NOT_ALLOWED: SimResponse = { status: 405, body: { message: 'The method is not supported for this route.' } };

function seededStore(opts: SimulatorOptions<PropertyDeckSeed> & { uniqueLabels?: boolean }): PropertyDeckStore {
  const store: PropertyDeckStore = {
    statuses: new Map(),
    records: [],
    creates: new Map(),
    uniqueLabels: opts.uniqueLabels ?? true,
    linksKeepPerPage: true,
    storesNfc: false,
  };
  for (const s of opts.seed?.statuses ?? []) {
    const code = s.type === 'contact' ? 1 : 2;
    const uuid = s.uuid ?? randomUUID();
    store.statuses.set(uuid, { uuid, created_at: now(), updated_at: now(), label: s.label, type: { code, name: TYPE_NAMES[code]! } });
  }
  for (const r of opts.seed?.records ?? []) {
    const st = [...store.statuses.values()].find((s) => s.label === r.statusLabel);
    store.records.push({ id: randomUUID(), kind: r.kind, status: st?.uuid ?? null });
  }
  return store;
}

function validationError(errors: Record<string, string[]>): SimResponse {
  return { status: 422, body: { message: Object.values(errors)[0]![0], errors } };
}

/** What is wrong with a label for a status of this type (`except`: the status being renamed), as Laravel's validator says it. */
function labelErrors(store: PropertyDeckStore, label: unknown, code: number, except?: string): Record<string, string[]> | undefined {
  if (typeof label !== 'string' || label.trim() === '') return { label: ['The label field is required.'] };
  if (label.length > 255) return { label: ['The label may not be greater than 255 characters.'] };
  if (
    store.uniqueLabels &&
    [...store.statuses.values()].some((s) => s.uuid !== except && s.type.code === code && s.label.toLowerCase() === label.toLowerCase())
  ) {
    return { label: ['The label has already been taken.'] };
  }
  return undefined;
}

/** A label as the store keeps it. */
function stored(store: PropertyDeckStore, label: string): string {
  return store.storesNfc ? label.normalize('NFC') : label;
}

/** GET /statuses: one page, with meta.pagination and its links. */
function listStatuses(store: PropertyDeckStore, req: SimRequest): SimResponse {
  const uuid = req.query.get('uuid');
  const all = [...store.statuses.values()].filter((s) => !uuid || s.uuid === uuid);
  const perPage = Math.min(100, Math.max(1, Number(req.query.get('per_page') ?? 10) || 10));
  const page = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
  const totalPages = Math.max(1, Math.ceil(all.length / perPage));
  const data = all.slice((page - 1) * perPage, page * perPage);
  const link = (p: number) =>
    `${req.origin}/statuses?page=${p}${store.linksKeepPerPage ? `&per_page=${perPage}` : ''}${uuid ? `&uuid=${uuid}` : ''}`;
  const links: Record<string, string> = {};
  if (page < totalPages) links['next'] = link(page + 1);
  if (page > 1) links['previous'] = link(page - 1);
  return {
    status: 200,
    body: {
      data,
      meta: {
        pagination: { total: all.length, count: data.length, per_page: perPage, current_page: page, total_pages: totalPages, links },
      },
    },
  };
}

/** POST /statuses: 201 with the new status, counted per type:label. */
function createStatus(store: PropertyDeckStore, b: StatusBody): SimResponse {
  const code = b.type?.code;
  if (code !== 1 && code !== 2) return validationError({ 'type.code': ['The selected type.code is invalid.'] });
  const bad = labelErrors(store, b.label, code);
  if (bad) return validationError(bad);
  const status: Status = {
    uuid: randomUUID(),
    created_at: now(),
    updated_at: now(),
    label: stored(store, b.label as string),
    type: { code, name: TYPE_NAMES[code]! },
  };
  store.statuses.set(status.uuid, status);
  const key = `${typeName(code)}:${status.label}`;
  store.creates.set(key, (store.creates.get(key) ?? 0) + 1);
  return { status: 201, body: { data: status } };
}

/** PUT /statuses/{uuid}: only the label can change; a type in the body is ignored (A). */
function updateStatus(store: PropertyDeckStore, status: Status, b: StatusBody): SimResponse {
  const bad = labelErrors(store, b.label, status.type.code, status.uuid);
  if (bad) return validationError(bad);
  const updated = { ...status, label: stored(store, b.label as string), updated_at: now() };
  store.statuses.set(status.uuid, updated);
  return { status: 200, body: { data: updated } };
}

/** DELETE /statuses/{uuid}: documented to remove the status from every contact and property. */
function deleteStatus(store: PropertyDeckStore, uuid: string): SimResponse {
  store.statuses.delete(uuid);
  for (const r of store.records) if (r.status === uuid) r.status = null;
  return { status: 204 };
}

/** /statuses/{uuid}: GET, PUT or DELETE of one status. */
function oneStatus(store: PropertyDeckStore, uuid: string, req: SimRequest): SimResponse {
  const status = store.statuses.get(uuid);
  if (!status) return { status: 404, body: errorBody(404, '') };
  if (req.method === 'GET') return { status: 200, body: { data: status } };
  if (req.method === 'PUT') return updateStatus(store, status, (req.body ?? {}) as StatusBody);
  if (req.method === 'DELETE') return deleteStatus(store, uuid);
  return METHOD_NOT_ALLOWED;
}

/** Routes a request: Bearer auth, then /statuses (list, create) or /statuses/{uuid}. */
function route(store: PropertyDeckStore, tokens: string[], req: SimRequest): SimResponse {
  const token = bearer(req.headers);
  if (!token || !tokens.includes(token)) return { status: 401, body: { message: 'Unauthenticated.' } };
  const m = /^\/statuses(?:\/([^/]+))?\/?$/.exec(req.path);
  if (!m) return { status: 404, body: errorBody(404, '') };
  if (m[1]) return oneStatus(store, decodeURIComponent(m[1]), req);
  if (req.method === 'GET') return listStatuses(store, req);
  if (req.method === 'POST') return createStatus(store, (req.body ?? {}) as StatusBody);
  return METHOD_NOT_ALLOWED;
}

export async function startPropertyDeckSimulator(
  opts: SimulatorOptions<PropertyDeckSeed> & { uniqueLabels?: boolean } = {},
): Promise<RunningSimulator<PropertyDeckStore>> {
  const tokens = opts.tokens ?? [PROPERTYDECK_SANDBOX_TOKEN];
  const store = seededStore(opts);
  const handle = (req: SimRequest) => route(store, tokens, req);
  return startSimulator(
    { vendor: 'propertydeck', errorBody, handle, limitKey: (r) => bearer(r.headers) ?? '', rateLimitHeaders: true },
    store,
    opts,
    { limit: 60, windowMs: 60_000 },
  );
}
