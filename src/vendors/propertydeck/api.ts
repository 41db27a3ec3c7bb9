// Property Deck statuses API wire types (propertydeck-statuses.txt, vendor-docs §3).

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
