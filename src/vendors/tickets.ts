// What the two ticket vendors share: tickets declared by id with a vendor status or a category,
// the account's `mappings` (vendor status → category), and how a transition's path is found.

import { VendorError } from '../errors.js';
import type { Capabilities, DesiredContext } from './adapter.js';
import type { AccountConfig, DesiredItem, Fields, LiveItem, LiveRead, SelectedItems } from '../model.js';

/** Tickets exist at the vendor already: they are read one by one and only ever transition. */
export const TICKET_CAPABILITIES: Capabilities = {
  read: 'item',
  create: false,
  softDelete: false,
  hardDelete: false,
  upsert: false,
  renameInPlace: false,
  hidesInactive: false,
  transitions: { field: 'status' },
};

/**
 * Reads each declared ticket. A ticket the vendor does not know (404), or answers with a status
 * that is none of its documented ones (absent, renamed), is a plan error for its address — not a
 * transition that would be written again on every apply; any other error stops the plan.
 */
export async function readTickets(
  desired: readonly DesiredItem[],
  account: AccountConfig,
  vendorName: string,
  statuses: readonly string[],
  fetchOne: (id: string, address: string) => Promise<{ id: string; status: unknown }>,
): Promise<LiveRead> {
  const items: LiveItem[] = [];
  const errors: LiveRead['errors'] = [];
  await Promise.all(
    desired.map(async (d) => {
      try {
        const t = await fetchOne(d.key, `${account.name}.tickets[${JSON.stringify(d.key)}]`);
        if (t.id !== d.key) {
          errors.push({
            key: d.key,
            message: `${vendorName} answered for another ticket (${JSON.stringify(t.id)}): statusform will not move it`,
          });
          return;
        }
        if (typeof t.status !== 'string' || !statuses.includes(t.status)) {
          errors.push({
            key: d.key,
            message:
              `${vendorName} gave this ticket the status ${JSON.stringify(t.status ?? null)}, ` +
              `which is none of ${statuses.join(', ')}: statusform will not move it`,
          });
          return;
        }
        items.push({ key: d.key, id: t.id, fields: liveTicketFields(t.status, account), active: true });
      } catch (err) {
        if (err instanceof VendorError && err.status === 404)
          errors.push({ key: d.key, message: `ticket not found at ${vendorName} (${err.reason})` });
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

export interface RuleConfig {
  name?: string;
  where: { status?: string; not_updated_for_days?: number; location?: string };
  set: { status?: string; category?: string };
  max?: number;
}

/** A rule may move this many tickets before apply asks for --allow-bulk. */
const DEFAULT_RULE_MAX = 25;

/** The schema fragments of a ticket account, for a vendor whose statuses are `statuses` (in their documented order). */
export function ticketSchemas(statuses: readonly string[], opts: { locationRequired: boolean }) {
  return {
    rules: {
      type: 'array',
      description: 'Selector rules: every ticket matching `where` should be as `set` says.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['where', 'set'],
        properties: {
          name: { type: 'string', minLength: 1 },
          where: {
            type: 'object',
            additionalProperties: false,
            required: opts.locationRequired ? ['location'] : [],
            properties: {
              status: { enum: [...statuses] },
              not_updated_for_days: { type: 'integer', minimum: 0 },
              ...(opts.locationRequired
                ? { location: { type: 'string', minLength: 1, description: 'The locationRef to list tickets of.' } }
                : {}),
            },
          },
          set: {
            type: 'object',
            additionalProperties: false,
            properties: { status: { enum: [...statuses] }, category: { type: 'string' } },
          },
          max: {
            type: 'integer',
            minimum: 1,
            description: `Refuse (unless --allow-bulk) when the rule would move more tickets than this; default ${DEFAULT_RULE_MAX}.`,
          },
        },
      },
    },
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
export function desiredTickets(
  settings: Readonly<Record<string, unknown>>,
  ctx: DesiredContext,
  statuses: readonly string[],
): DesiredItem[] {
  const mappings = mappingsOf(settings);
  for (const [status, category] of Object.entries(mappings)) {
    if (!ctx.categories.includes(category))
      ctx.problem(['mappings', status], `maps to unknown category "${category}" (categories: ${ctx.categories.join(', ')})`);
  }
  ((settings['rules'] ?? []) as RuleConfig[]).forEach((r, i) => {
    const set = r.set ?? {};
    if ((set.status === undefined) === (set.category === undefined))
      ctx.problem(
        ['rules', i, 'set'],
        set.status === undefined
          ? 'has neither status nor category: give one of them'
          : 'has both status and category: give only one of them',
      );
    else if (set.category !== undefined && !statuses.some((st) => mappings[st] === set.category)) {
      ctx.problem(['rules', i, 'set', 'category'], `category "${set.category}" maps to no vendor status in this account's mappings`);
    }
  });
  const tickets = (settings['tickets'] ?? []) as TicketConfig[];
  return tickets.map((t, i) => {
    const at = ['tickets', i];
    const fields: Fields = {};
    let category: string | undefined;
    if ((t.status === undefined) === (t.category === undefined)) {
      ctx.problem(
        at,
        t.status === undefined
          ? 'has neither status nor category: give one of them'
          : 'has both status and category: give only one of them',
      );
    } else if (t.status !== undefined) {
      fields['status'] = t.status;
      category = mappings[t.status];
    } else {
      category = t.category!;
      fields['category'] = category;
      if (!statuses.some((s) => mappings[s] === category))
        ctx.problem([...at, 'category'], `category "${category}" maps to no vendor status in this account's mappings`);
    }
    return {
      key: t.id,
      fields,
      ...(category !== undefined ? { category } : {}),
      dependsOn: [],
      renamedFrom: [],
      position: ctx.positionOf(at),
    };
  });
}

function rulesOf(settings: Readonly<Record<string, unknown>>): RuleConfig[] {
  return (settings['rules'] ?? []) as RuleConfig[];
}

export interface ListedTicket {
  id: string;
  status: string;
  /** ISO date of the last update. */
  updatedAt: string | undefined;
}

/**
 * Applies a rule to tickets listed at the vendor: those that match `where` become desired items
 * set as the rule says, and their listed state becomes live (no second read per ticket).
 */
function selectByRule(
  rule: RuleConfig,
  index: number,
  listed: readonly ListedTicket[],
  account: AccountConfig,
  now: number,
  position: DesiredItem['position'],
): { selected: SelectedItems; live: LiveItem[] } {
  const cutoff = rule.where.not_updated_for_days === undefined ? undefined : now - rule.where.not_updated_for_days * 86_400_000;
  const matching = listed.filter(
    (t) =>
      (rule.where.status === undefined || t.status === rule.where.status) &&
      (cutoff === undefined || (t.updatedAt !== undefined && Date.parse(t.updatedAt) <= cutoff)),
  );
  const fields: Fields = rule.set.status !== undefined ? { status: rule.set.status } : { category: rule.set.category! };
  const category = rule.set.status !== undefined ? mappingsOf(account.settings)[rule.set.status] : rule.set.category;
  return {
    selected: {
      rule: rule.name ?? `rules[${index}]`,
      max: rule.max ?? DEFAULT_RULE_MAX,
      items: matching.map((t) => ({
        key: t.id,
        fields,
        ...(category !== undefined ? { category } : {}),
        dependsOn: [],
        renamedFrom: [],
        position,
      })),
    },
    live: matching.map((t) => ({ key: t.id, id: t.id, fields: liveTicketFields(t.status, account), active: true })),
  };
}

/**
 * Runs each of the account's rules over the tickets `list` returns for it, and adds what they
 * select to a read. `now` (ms since the epoch, from the run's clock) is what `not_updated_for_days` counts back from.
 */
export async function withRules(
  read: LiveRead,
  account: AccountConfig,
  statuses: readonly string[],
  now: number,
  list: (rule: RuleConfig) => Promise<ListedTicket[]>,
): Promise<LiveRead> {
  const rules = rulesOf(account.settings);
  if (rules.length === 0) return read;
  const known = new Set(read.items.map((i) => i.key));
  const selected: SelectedItems[] = [];
  const warnings = [...read.warnings];
  for (const [i, rule] of rules.entries()) {
    const listed = await list(rule);
    // A ticket listed without a documented status cannot be compared: never select it.
    const usable = listed.filter((t) => typeof t.status === 'string' && statuses.includes(t.status));
    if (usable.length < listed.length)
      warnings.push(
        `rule "${rule.name ?? `rules[${i}]`}": ${listed.length - usable.length} ` +
          'listed ticket(s) have no documented status and were left out',
      );
    const { selected: s, live } = selectByRule(rule, i, usable, account, now, account.position);
    selected.push(s);
    for (const l of live) {
      if (known.has(l.key)) continue;
      known.add(l.key);
      read.items.push(l);
    }
  }
  return { ...read, warnings, selected };
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
export function ticketPath(
  live: Fields,
  desired: Fields,
  account: AccountConfig,
  statuses: readonly string[],
  strictOrder: boolean,
): string[] {
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
