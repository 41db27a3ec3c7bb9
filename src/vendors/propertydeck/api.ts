// Property Deck statuses API wire types (propertydeck-statuses.txt, vendor-docs §3).

import type { AnswerShape } from '../../http/answer.js';

export const STATUS_TYPES = { contact: 1, property: 2 } as const;
export type StatusTypeName = keyof typeof STATUS_TYPES;

export function typeName(code: number): StatusTypeName | undefined {
  return code === 1 ? 'contact' : code === 2 ? 'property' : undefined;
}

export interface Status {
  uuid: string;
  created_at: string;
  updated_at: string;
  label: string;
  type: { code: number; name: string };
}

export interface StatusPage {
  data: Status[];
  meta: {
    pagination: {
      total: number;
      count: number;
      per_page: number;
      current_page: number;
      total_pages: number;
      links?: { next?: string; previous?: string };
    };
  };
}

/** The largest page the API serves (A: Laravel/Fractal's usual cap); fewer pages mean fewer of the 60 requests a minute. */
export const MAX_PER_PAGE = 100;

/** A status as every answer carries it (D: uuid, label, type.code); other fields may come and go. */
const statusShape = {
  type: 'object',
  required: ['uuid', 'label', 'type'],
  properties: {
    uuid: { type: 'string', minLength: 1 },
    label: { type: 'string' },
    type: { type: 'object', required: ['code'], properties: { code: { type: 'integer' } } },
  },
} as const;

/** GET /statuses: `data` and `meta.pagination` (D). Laravel sends empty `links` as `[]`. */
export const STATUS_PAGE: AnswerShape = {
  name: 'a page of Property Deck statuses',
  schema: {
    type: 'object',
    required: ['data', 'meta'],
    properties: {
      data: { type: 'array', items: statusShape },
      meta: {
        type: 'object',
        required: ['pagination'],
        properties: {
          pagination: {
            type: 'object',
            required: ['current_page', 'total_pages'],
            properties: {
              current_page: { type: 'integer', minimum: 1 },
              total_pages: { type: 'integer', minimum: 0 },
              links: {
                anyOf: [
                  { type: 'object', properties: { next: { type: ['string', 'null'] }, previous: { type: ['string', 'null'] } } },
                  { type: 'array', maxItems: 0 },
                ],
              },
            },
          },
        },
      },
    },
  },
};

/** POST /statuses (201) and PUT /statuses/:uuid (200): `{data: status}` (D). */
export const ONE_STATUS: AnswerShape = {
  name: 'a Property Deck status',
  schema: { type: 'object', required: ['data'], properties: { data: statusShape } },
};
