// What the two ticket vendors share: tickets declared by id with a vendor status or a category,
// the account's `mappings` (vendor status → category), and how a transition's path is found.

import { VendorError } from '../errors.js';
import type { AccountConfig, Capabilities, DesiredContext, DesiredItem, Fields, LiveItem, LiveRead } from './adapter.js';

/** Tickets exist at the vendor already: they are read one by one and only ever transition. */
export const TICKET_CAPABILITIES: Capabilities = {
  read: 'item',
  create: false,
  softDelete: false,
  hardDelete: false,
  upsert: false,
  renameInPlace: false,
  hidesInactive: false,
  transitions: true,
};

/**
 * Reads each declared ticket. A ticket the vendor does not know (404) is a plan error for its
 * address, not a failed plan; any other error stops the plan.
 */
export async function readTickets(
  desired: readonly DesiredItem[],
  account: AccountConfig,
  vendorName: string,
  fetchOne: (id: string, address: string) => Promise<{ id: string; status: string }>,
): Promise<LiveRead> {
  const items: LiveItem[] = [];
  const errors: LiveRead['errors'] = [];
  await Promise.all(
    desired.map(async (d) => {
      try {
        const t = await fetchOne(d.key, `${account.name}.tickets[${JSON.stringify(d.key)}]`);
        items.push({ key: d.key, id: t.id, fields: liveTicketFields(t.status, account), active: true });
      } catch (err) {
        if (err instanceof VendorError && err.status === 404) errors.push({ key: d.key, message: `ticket not found at ${vendorName} (${err.reason})` });
        else throw err;
      }
    }),
  );
  return { items, warnings: [], errors };
}

export interface TicketConfig {
  id: string;
  status?: string;
  category?: string;
}

/** The schema fragments of a ticket account, for a vendor whose statuses are `statuses` (in their documented order). */
export function ticketSchemas(statuses: readonly string[]) {
  return {
    mappings: {
      type: 'object',
      additionalProperties: false,
      required: [...statuses],
      properties: Object.fromEntries(statuses.map((s) => [s, { type: 'string' }])),
      description: 'Every vendor status → the category it maps to.',
    },
    tickets: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id'],
        properties: {
          id: { type: 'string', minLength: 1, description: 'The ticket id (the key).' },
          status: { enum: [...statuses], description: 'The vendor status the ticket should be in…' },
          category: { type: 'string', description: '…or a category, turned into a vendor status through mappings.' },
        },
      },
    },
  } as const;
}

export function mappingsOf(settings: Readonly<Record<string, unknown>>): Record<string, string> {
  return (settings['mappings'] ?? {}) as Record<string, string>;
}

/** Declared tickets → desired items; checks the mappings and each ticket's status or category. */
export function desiredTickets(settings: Readonly<Record<string, unknown>>, ctx: DesiredContext, statuses: readonly string[]): DesiredItem[] {
  const mappings = mappingsOf(settings);
  for (const [status, category] of Object.entries(mappings)) {
    if (!ctx.categories.includes(category)) ctx.problem(['mappings', status], `maps to unknown category "${category}" (categories: ${ctx.categories.join(', ')})`);
  }
  const tickets = (settings['tickets'] ?? []) as TicketConfig[];
  return tickets.map((t, i) => {
    const at = ['tickets', i];
    const fields: Fields = {};
    let category: string | undefined;
    if ((t.status === undefined) === (t.category === undefined)) {
      ctx.problem(at, 'give exactly one of status or category');
    } else if (t.status !== undefined) {
      fields['status'] = t.status;
      category = mappings[t.status];
    } else {
      category = t.category!;
      fields['category'] = category;
      if (!statuses.some((s) => mappings[s] === category)) ctx.problem([...at, 'category'], `category "${category}" maps to no vendor status in this account's mappings`);
    }
    return { key: t.id, fields, ...(category !== undefined ? { category } : {}), dependsOn: [], renamedFrom: [], position: ctx.positionOf(at) };
  });
}

export function liveTicketFields(status: string, account: AccountConfig): Fields {
  const category = mappingsOf(account.settings)[status];
  return { status, ...(category !== undefined ? { category } : {}) };
}

/**
 * The statuses a ticket passes through. A category already satisfied by the live status needs
 * nothing. With `strictOrder`, a forward move walks every step of the documented path; moving
 * back (reopening) is one step.
 */
export function ticketPath(live: Fields, desired: Fields, account: AccountConfig, statuses: readonly string[], strictOrder: boolean): string[] {
  const from = String(live['status']);
  const mappings = mappingsOf(account.settings);
  let target: string | undefined;
  if (typeof desired['status'] === 'string') target = desired['status'];
  else if (typeof desired['category'] === 'string') {
    if (mappings[from] === desired['category']) return [];
    target = statuses.find((s) => mappings[s] === desired['category']);
  }
  if (target === undefined || target === from) return [];
  const i = statuses.indexOf(from);
  const j = statuses.indexOf(target);
  if (strictOrder && i >= 0 && j > i) return statuses.slice(i + 1, j + 1);
  return [target];
}
