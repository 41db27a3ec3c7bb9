// Zendesk custom ticket statuses: one unpaginated list, POST to create (201), PUT keeping the id
// (renames too) with both labels in every body, `active: false` to retire — never DELETE. The
// category (`status_category`) is pushed from `maps_to` and cannot change; built-in statuses are
// read-only; a category's default may be relabelled but never retired. Auth: OAuth client
// credentials (oauth.ts), a fixed OAuth token, or an API token until Zendesk retires them
// (vendor-docs zendesk-custom-statuses.md §1–§3, §7).

import type { AccountConfig, ActionKind, DesiredItem, Fields } from '../../model.js';
import type { Clock } from '../../http/pacer.js';
import type { DesiredContext, HttpClientFactory, VendorAdapter, VendorSession } from '../adapter.js';
import { API_TOKENS_END, DEFAULT_RATE_LIMIT, MAX_PER_ACCOUNT, MAX_PER_CATEGORY, OAUTH_SCOPE, PLAN_LIMITS } from './api.js';
import { checkAuth } from './auth.js';
import { desiredStatus, statusSchema, type StatusConfig } from './desired.js';
import { openSession } from './session.js';

const fold = (k: string) => k.toLowerCase();

/**
 * The note of a rename for agents only: the config declares no end-user label, so requesters keep
 * the one they saw (statusform never writes what the config does not declare).
 */
function renameNotes(kind: ActionKind, before: Fields | null, after: Fields | null): string[] {
  if ((kind !== 'update' && kind !== 'reactivate') || !before || !after) return [];
  if (after['agent_label'] === before['agent_label'] || after['end_user_label'] !== undefined) return [];
  const kept = before['end_user_label'];
  if (typeof kept !== 'string' || kept === '') return [];
  return [
    `renamed for agents only: requesters keep seeing the end-user label ${JSON.stringify(kept)} ` +
      '(declare end_user_label to rename it for them too)',
  ];
}

/** New statuses reach agents only through the ticket forms they are linked to, which statusform leaves alone (D: CTS). */
function formLinkNotes(kinds: readonly ActionKind[]): string[] {
  const creates = kinds.filter((k) => k === 'create').length;
  if (creates === 0) return [];
  return [
    `${creates} new status(es) will be linked to no ticket form: agents see a status only on ` +
      'the forms it is linked to (Admin Center → Ticket forms); statusform does not manage form links',
  ];
}

export const zendesk: VendorAdapter = {
  vendor: 'zendesk',
  displayName: 'Zendesk',
  collection: 'statuses',
  capabilities: {
    read: 'list',
    create: true,
    softDelete: true,
    // DELETE is irreversible and fails while tickets use the status (D: CTS-b); Zendesk's own client
    // finds the row afterwards (3P): never used.
    hardDelete: false,
    upsert: false,
    renameInPlace: true,
    hidesInactive: false,
    transitions: false,
    readOnlyDeclared: 'refuse',
    // Not in the update body (D: CTS); Salto and the andsafe provider refuse it too (3P).
    immutable: { status_category: "a status's category, pushed from maps_to, is fixed at creation" },
    // Every listed row counts, inactive and built-in ones too (D: 300 and 100; A: what counts).
    limits: [
      { max: MAX_PER_ACCOUNT, counts: 'listed' },
      { max: MAX_PER_CATEGORY, per: { field: 'status_category', name: 'category' }, counts: 'listed' },
    ],
  },
  defaultRateLimit: DEFAULT_RATE_LIMIT,
  secretFields: ['client_secret', 'token', 'api_token'],
  credentialFields: ['client_id', 'client_secret', 'token', 'email', 'api_token'],
  accountSchema: {
    required: ['statuses'],
    properties: {
      subdomain: {
        type: 'string',
        pattern: '^[A-Za-z0-9][A-Za-z0-9-]*$',
        description: 'The account: https://{subdomain}.zendesk.com (or give base_url).',
      },
      client_id: {
        type: 'string',
        minLength: 1,
        description:
          "An OAuth client's identifier (Admin Center → Apps and integrations → APIs → OAuth clients; kind confidential), " +
          `with client_secret: statusform gets a token by the client-credentials grant, scope "${OAUTH_SCOPE}".`,
      },
      client_secret: { type: 'string', minLength: 1, description: "The OAuth client's secret, with client_id." },
      token: { type: 'string', minLength: 1, description: `A fixed OAuth access token (scope "${OAUTH_SCOPE}"), instead of client_id.` },
      email: { type: 'string', minLength: 3, description: `API token auth, until ${API_TOKENS_END}: an admin’s email, with api_token.` },
      api_token: {
        type: 'string',
        minLength: 1,
        description: `An API token, with email; Zendesk deactivates them all on ${API_TOKENS_END}: prefer client_id and client_secret.`,
      },
      plan: { enum: Object.keys(PLAN_LIMITS), description: 'The Zendesk plan, for the rate limit (default team: 200 requests a minute).' },
      statuses: { type: 'array', items: statusSchema },
    },
  },

  accountDefaults(settings) {
    const sub = settings['subdomain'];
    const plan = typeof settings['plan'] === 'string' ? PLAN_LIMITS[settings['plan']] : undefined;
    return {
      ...(typeof sub === 'string' ? { baseUrl: `https://${sub.toLowerCase()}.zendesk.com` } : {}),
      ...(plan ? { rateLimit: { requests: plan, seconds: 60 } } : {}),
    };
  },

  desiredItems(settings, ctx: DesiredContext): DesiredItem[] {
    checkAuth(settings, ctx);
    if ((settings['subdomain'] === undefined) === (settings['base_url'] === undefined))
      ctx.problem([], 'give either subdomain (https://{subdomain}.zendesk.com) or base_url, not both');
    const statuses = (settings['statuses'] ?? []) as StatusConfig[];
    return statuses.map((s, i) => desiredStatus(s, i, ctx));
  },

  importItem(live, categories) {
    const category = String(live.fields['status_category']);
    const item: Record<string, unknown> = {
      agent_label: live.fields['agent_label'],
      maps_to: categories.includes(category) ? category : categories[0]!,
    };
    for (const f of ['end_user_label', 'description', 'end_user_description'] as const) if (live.fields[f]) item[f] = live.fields[f];
    return categories.includes(category)
      ? { item }
      : {
          item,
          note:
            `Zendesk's category ${category} is not among the configuration's categories: ` +
            'maps_to is a placeholder; the category cannot change once created',
        };
  },

  changeNotes: renameNotes,
  planNotes: formLinkNotes,
  foldKey: fold,
  acceptsRenamedFrom: true,

  open(account: AccountConfig, http: HttpClientFactory, clock: Clock): VendorSession {
    return openSession(account, http, clock);
  },
};
