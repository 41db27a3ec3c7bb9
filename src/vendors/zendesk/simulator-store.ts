// The Zendesk sandbox's state: the store its routes read and change (statuses, OAuth tokens,
// switches), how a status row is made, and a new account's rows — the five built-in statuses, with
// On-hold off as in a new account, then the seed's (vendor-docs zendesk-custom-statuses.md §2–§3).

import type { CustomStatus } from './api.js';

/** An access token the grant issued. */
export interface IssuedToken {
  scopes: string[];
  /** Epoch ms after which it is refused (401 invalid_token). */
  expiresAt: number;
  /** Requests it may still authenticate, when the `requestsPerToken` switch is set. */
  requestsLeft?: number;
}

export interface ZendeskOAuthOptions {
  /** How long an issued token lives, ms (A: Zendesk's default lifetime is not stated; 2 hours here). */
  lifetimeMs?: number;
  /** Whether the grant's answer says so (`expires_in`); false: tokens end without warning, as a revoked one would. */
  announce?: boolean;
  /** Test switch: each token authenticates this many API requests, then is refused as expired. */
  requestsPerToken?: number;
}

export interface ZendeskStore {
  statuses: Map<number, CustomStatus>;
  /** POSTs per lower-cased agent label, for "no duplicate create" checks. */
  creates: Map<string, number>;
  /** `custom_statuses_enabled` of GET /api/v2/account/features (a switch; on by default). */
  featureEnabled: boolean;
  /** The On-hold category (`tickets.status_hold` of GET /api/v2/account/settings); off in a new account (D). */
  holdEnabled: boolean;
  /** Ids still held by active tickets: DELETE refuses them (D: CTS-b; the answer is A). */
  inUse: Set<number>;
  oauth: {
    /** Tokens issued by the client-credentials grant. */
    grants: number;
    /** A switch: the client was revoked in Admin Center; grants are refused and its tokens die (A: what Zendesk answers). */
    revoked: boolean;
    tokens: Map<string, IssuedToken>;
    options: Required<Omit<ZendeskOAuthOptions, 'requestsPerToken'>> & Pick<ZendeskOAuthOptions, 'requestsPerToken'>;
  };
  /** Whether rows leave some optional fields out (on by default), as the OpenAPI description allows. */
  omitOptional: boolean;
}

export interface ZendeskSeed {
  /** The On-hold category is on (default off, as in a new account: D, help article 4408889282458). */
  hold?: boolean;
  statuses?: {
    agent_label: string;
    status_category: string;
    active?: boolean;
    end_user_label?: string;
    description?: string;
    id?: number;
  }[];
}

/** The sandbox's switches beside the seed. */
export interface ZendeskSandboxOptions {
  seed?: ZendeskSeed | undefined;
  featureEnabled?: boolean | undefined;
  oauth?: ZendeskOAuthOptions | undefined;
  omitOptional?: boolean | undefined;
}

/** The store and the ids a create takes next: what every route works on. */
export interface ZendeskAccount {
  store: ZendeskStore;
  newId(): number;
}

/** The built-in statuses: one per category, each its category's default (D: CTS; ids and labels 3P: BLOG). */
const SYSTEM: [number, string, string][] = [
  [10, 'new', 'New'],
  [11, 'open', 'Open'],
  [12, 'pending', 'Pending'],
  [13, 'hold', 'On-hold'],
  [14, 'solved', 'Solved'],
];
const HOLD_SYSTEM_ID = 13;

export const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A label as Zendesk compares labels for uniqueness (A: whatever the case). */
export const norm = (s: string) => s.normalize('NFC').trim().toLowerCase();

export const isSystemRow = (s: CustomStatus) => /^\{\{zd\./.test(s.raw_agent_label ?? '');

/** A whole row, every optional field filled in: plain labels are their own raw values. */
export function statusRow(
  id: number,
  category: string,
  agentLabel: string,
  rawLabel: string,
  extra: Partial<CustomStatus> = {},
): CustomStatus {
  return {
    id,
    status_category: category,
    agent_label: agentLabel,
    raw_agent_label: rawLabel,
    end_user_label: extra.end_user_label ?? agentLabel,
    raw_end_user_label: extra.end_user_label ?? rawLabel,
    description: extra.description ?? '',
    raw_description: extra.description ?? '',
    end_user_description: '',
    raw_end_user_description: '',
    active: extra.active ?? true,
    default: extra.default ?? false,
    created_at: now(),
    updated_at: now(),
  };
}

function emptyStore(opts: ZendeskSandboxOptions): ZendeskStore {
  return {
    statuses: new Map(),
    creates: new Map(),
    featureEnabled: opts.featureEnabled ?? true,
    holdEnabled: opts.seed?.hold ?? false,
    inUse: new Set(),
    oauth: {
      grants: 0,
      revoked: false,
      tokens: new Map(),
      options: {
        lifetimeMs: opts.oauth?.lifetimeMs ?? 2 * 3600_000,
        announce: opts.oauth?.announce ?? true,
        ...(opts.oauth?.requestsPerToken !== undefined ? { requestsPerToken: opts.oauth.requestsPerToken } : {}),
      },
    },
    omitOptional: opts.omitOptional ?? true,
  };
}

/** A new account: the built-in statuses, then the seed's, with ids counted on from Zendesk's large ones. */
export function newAccount(opts: ZendeskSandboxOptions): ZendeskAccount {
  const store = emptyStore(opts);
  let nextId = 4100000000100;
  for (const [id, category, text] of SYSTEM) {
    // With On-hold off its built-in status is inactive, and the category needs no default (D: CTS-b).
    const on = id !== HOLD_SYSTEM_ID || store.holdEnabled;
    store.statuses.set(id, statusRow(id, category, text, `{{zd.status_${category}}}`, { default: on, active: on }));
  }
  for (const s of opts.seed?.statuses ?? []) {
    const id = s.id ?? nextId++;
    store.statuses.set(
      id,
      statusRow(id, s.status_category, s.agent_label, s.agent_label, {
        ...(s.active !== undefined ? { active: s.active } : {}),
        ...(s.end_user_label ? { end_user_label: s.end_user_label } : {}),
        ...(s.description ? { description: s.description } : {}),
      }),
    );
  }
  return { store, newId: () => nextId++ };
}
