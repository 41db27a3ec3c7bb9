// The one paginator every list read goes through. A vendor decides where the next page is
// (a link, a page number, a token); this decides when to stop trusting it: a request that comes
// round again, a page that brings nothing new, or more pages than any account could have is an
// error naming the account and the loop — never a silently truncated or endless list.

import { canonicalJson } from '../digest.js';
import { VendorError } from '../errors.js';

/** Where a page is: a path (or same-origin URL) and its query. */
export interface PageRequest {
  path: string;
  query?: Record<string, string | number | undefined>;
}

export interface Page<T> {
  items: T[];
  /** The next page, or undefined on the last one. */
  next: PageRequest | undefined;
}

export interface PaginateOptions<T> {
  /** The account (or collection) address, named in every error. */
  address: string;
  /** What the pages list, for messages: "statuses", "tickets". */
  what: string;
  first: PageRequest;
  fetch(page: PageRequest): Promise<Page<T>>;
  /** The vendor's id of an item. */
  idOf(item: T): string;
  /** More pages than this is an error; default 10,000 (a million statuses at 100 a page). */
  maxPages?: number;
}

function describe(page: PageRequest): string {
  const q = Object.entries(page.query ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join('&');
  return q ? `${page.path}?${q}` : page.path;
}

/** A page request in one canonical form, so the same one is recognised however it is spelled. */
function requestKey(page: PageRequest): string {
  const u = new URL(page.path, 'http://page.invalid/');
  for (const [k, v] of Object.entries(page.query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
  u.searchParams.sort();
  return `${u.pathname}?${u.searchParams.toString()}`;
}

/**
 * Every item of every page. An item listed again on a later page, unchanged (the list moved while
 * it was read), counts once; the same id listed with other content is an error, since statusform
 * could not tell which is the live one.
 */
export async function readAllPages<T>(opts: PaginateOptions<T>): Promise<T[]> {
  const maxPages = opts.maxPages ?? 10_000;
  const out: T[] = [];
  /** Each id's first item: compared (as canonical JSON) only when the id comes again. */
  const byId = new Map<string, T>();
  const requested = new Set<string>();
  let page: PageRequest | undefined = opts.first;
  for (let n = 1; page !== undefined; n++) {
    if (n > maxPages) {
      throw new VendorError(
        opts.address,
        `the vendor listed more than ${maxPages} pages of ${opts.what}: stopped rather than plan on a partial list`,
        { code: 'E_PAGINATION' },
      );
    }
    const key = requestKey(page);
    if (requested.has(key)) {
      throw new VendorError(
        opts.address,
        `the vendor's pagination loops: page ${n} of ${opts.what} is ${describe(page)} again; stopped rather than read for ever`,
        { code: 'E_PAGINATION' },
      );
    }
    requested.add(key);
    const { items, next } = await opts.fetch(page);
    let fresh = 0;
    for (const item of items) {
      const id = opts.idOf(item);
      const seen = byId.get(id);
      if (seen === undefined) {
        byId.set(id, item);
        out.push(item);
        fresh++;
      } else if (canonicalJson(seen) !== canonicalJson(item)) {
        throw new VendorError(
          opts.address,
          `page ${n} of ${opts.what} (${describe(page)}) lists id ${JSON.stringify(id)} a second time, ` +
            'with different content: statusform cannot tell which is live',
          {
            code: 'E_DUPLICATE_ID',
          },
        );
      }
    }
    if (next !== undefined && fresh === 0) {
      throw new VendorError(
        opts.address,
        `page ${n} of ${opts.what} (${describe(page)}) brought no new ${opts.what} but points to another page: ` +
          'the vendor may be ignoring the page parameter; stopped rather than read for ever',
        { code: 'E_PAGINATION' },
      );
    }
    page = next;
  }
  return out;
}
