// Zendesk custom ticket statuses: one unpaginated list, POST to create (201), PUT of the changed
// fields keeping the id (renames too), `active: false` to retire — never DELETE. The category
// (`status_category`) is pushed from `maps_to` and cannot change; the built-in statuses and each
// category's default are read-only (vendor-docs zendesk-custom-statuses.md §2, §3, §7).

import { VendorError } from '../../errors.js';
import type { HttpClient } from '../../http/client.js';
import { readAllPages, type PageRequest } from '../../http/paginate.js';
import type { AccountConfig, DesiredItem, Fields, LiveItem, LiveRead, StateItem, WriteRequest, WriteResult } from '../../model.js';
import type { DesiredContext, HttpClientFactory, VendorAdapter, VendorSession } from '../adapter.js';
import { key as keyOf, label } from '../normalise.js';
import type { SameKeys } from '../schema-types.js';
import {
  ACCOUNT_FEATURES,
  CREATABLE_CATEGORIES,
  DEFAULT_RATE_LIMIT,
  MAX_LABEL,
  MAX_PER_ACCOUNT,
  MAX_PER_CATEGORY,
  ONE_STATUS,
  PLAN_LIMITS,
  STATUS_CATEGORIES,
  STATUS_LIST,
  SYSTEM_LABEL,
  ZENDESK_ERROR,
  describeZendeskError,
  type CustomStatus,
  type CustomStatusInput,
} from './api.js';

interface StatusConfig {
  agent_label: string;
  maps_to: string;
  end_user_label?: string;
  description?: string;
  end_user_description?: string;
  renamed_from?: string[];
}

const statusSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['agent_label', 'maps_to'],
  properties: {
    agent_label: {
      type: 'string',
      minLength: 1,
      description: 'The key: the label agents see (at most 48 characters; unique, whatever the case).',
    },
    maps_to: {
      type: 'string',
      description: "The category, pushed as Zendesk's status_category: open, pending, hold or solved (fixed once created).",
    },
    end_user_label: {
      type: 'string',
      minLength: 1,
      description: 'The label requesters see (at most 48 characters); compared only when declared.',
    },
    description: { type: 'string', description: 'When agents should pick this status; compared only when declared.' },
    end_user_description: { type: 'string', description: 'The text requesters see; compared only when declared.' },
    renamed_from: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      description: 'Earlier agent labels: the live status is renamed in place (PUT), keeping its id.',
    },
  },
} as const;

const statusTypeMatchesSchema: SameKeys<typeof statusSchema, StatusConfig> = true;
void statusTypeMatchesSchema;

/** Fields a PUT may carry besides `active` (D: CTS update body). */
const WRITABLE = ['agent_label', 'end_user_label', 'description', 'end_user_description'] as const;

/** Plain text, not a dynamic-content placeholder: only plain text can be measured here (D: the 48 is of the displayed text). */
const isPlain = (value: string) => !value.includes('{{');

/** The raw value of a text field (what was written, placeholders included), else the rendered one (A: raw_* may be absent). */
function raw(s: CustomStatus, field: 'agent_label' | 'end_user_label' | 'description' | 'end_user_description'): string {
  const r = (s as unknown as Record<string, unknown>)[`raw_${field}`];
  const v = typeof r === 'string' ? r : (s as unknown as Record<string, unknown>)[field];
  return typeof v === 'string' ? v : '';
}

/** A live row as compared: the raw fields, normalised as the config's (D/3P: compare raw_*, as Salto does). */
export function toFields(s: CustomStatus): Fields {
  return {
    status_category: s.status_category,
    agent_label: label(raw(s, 'agent_label')),
    end_user_label: label(raw(s, 'end_user_label')),
    description: keyOf(raw(s, 'description')),
    end_user_description: keyOf(raw(s, 'end_user_description')),
  };
}

const isSystem = (s: CustomStatus) => SYSTEM_LABEL.test(raw(s, 'agent_label'));

/** Why a row is never written, or undefined when it may be. */
function readOnlyReason(s: CustomStatus): string | undefined {
  const known = (STATUS_CATEGORIES as readonly string[]).includes(s.status_category);
  const why = [
    ...(isSystem(s) ? [`Zendesk's built-in ${s.status_category} status (${raw(s, 'agent_label')})`] : []),
    ...(s.default ? [`the default status of the ${s.status_category} category`] : []),
    ...(known ? [] : [`in a category statusform does not know (${JSON.stringify(s.status_category)})`]),
  ];
  return why.length > 0 ? why.join(', and ') : undefined;
}

/**
 * The key of a row: its agent label as written (raw, so a `{{dc.…}}` placeholder is the key);
 * for a built-in status, the label agents see ("Open"), so that declaring it is refused (it is
 * read-only) instead of creating a second status that looks the same (A: never matched by placeholder).
 */
function toLive(s: CustomStatus): LiveItem {
  const why = readOnlyReason(s);
  return {
    key: label(isSystem(s) ? s.agent_label : raw(s, 'agent_label')),
    id: s.id,
    fields: toFields(s),
    active: s.active,
    ...(why ? { readOnly: true, readOnlyReason: why } : {}),
  };
}

const fold = (k: string) => k.toLowerCase();

const authChoice = (settings: Readonly<Record<string, unknown>>) => ({
  basic: settings['email'] !== undefined || settings['api_token'] !== undefined,
  oauth: settings['token'] !== undefined,
});

function authHeader(settings: Readonly<Record<string, unknown>>): string {
  if (typeof settings['token'] === 'string') return `Bearer ${settings['token']}`;
  // `{email}/token:{api_token}` (D: AUTH, TOKEN).
  return `Basic ${Buffer.from(`${String(settings['email'])}/token:${String(settings['api_token'])}`).toString('base64')}`;
}

/** Every listed row, following a next page only if one shows up (D: not paginated; A: follow one anyway). */
async function listAll(client: HttpClient, address: string): Promise<CustomStatus[]> {
  return readAllPages<CustomStatus>({
    address,
    what: 'custom statuses',
    // Unfiltered, so inactive rows are seen too (A).
    first: { path: '/api/v2/custom_statuses' },
    idOf: (s) => String(s.id),
    fetch: async (page) => {
      const res = await client.request<{
        custom_statuses: CustomStatus[];
        next_page?: string | null;
        links?: { next?: string | null };
        meta?: { has_more?: boolean };
      }>({
        method: 'GET',
        path: page.path,
        address,
        answer: STATUS_LIST,
      });
      const b = res.body;
      const link = b.next_page ?? (b.meta?.has_more ? b.links?.next : undefined);
      const next: PageRequest | undefined = typeof link === 'string' && link !== '' ? { path: link } : undefined;
      return { items: b.custom_statuses, next };
    },
  });
}

/** The PUT body for an update: only the writable fields that change (A: never clobber what was not asked). */
function changedFields(before: Fields | null, after: Fields): CustomStatusInput {
  const body: Record<string, string> = {};
  for (const f of WRITABLE) {
    const v = after[f];
    if (typeof v === 'string' && v !== before?.[f]) body[f] = v;
  }
  return body;
}

export const zendesk: VendorAdapter = {
  vendor: 'zendesk',
  displayName: 'Zendesk',
  collection: 'statuses',
  capabilities: {
    read: 'list',
    create: true,
    softDelete: true,
    // DELETE exists in one revision of the docs only, is irreversible, and fails while tickets use the status (D/3P/A): never used.
    hardDelete: false,
    upsert: false,
    renameInPlace: true,
    hidesInactive: false,
    transitions: false,
    readOnlyDeclared: 'refuse',
  },
  defaultRateLimit: DEFAULT_RATE_LIMIT,
  secretFields: ['api_token', 'token'],
  accountSchema: {
    required: ['statuses'],
    properties: {
      subdomain: {
        type: 'string',
        pattern: '^[A-Za-z0-9][A-Za-z0-9-]*$',
        description: 'The account: https://{subdomain}.zendesk.com (or give base_url).',
      },
      email: { type: 'string', minLength: 3, description: 'API token auth: an admin’s email, with api_token.' },
      api_token: {
        type: 'string',
        minLength: 1,
        description: 'API token (Admin Center → Apps and integrations → Zendesk API), with email.',
      },
      token: { type: 'string', minLength: 1, description: 'OAuth access token (scopes read write), instead of email + api_token.' },
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
    const { basic, oauth } = authChoice(settings);
    if (basic === oauth) ctx.problem([], 'give either email and api_token (API token) or token (OAuth), not both');
    else if (basic && (settings['email'] === undefined || settings['api_token'] === undefined))
      ctx.problem([], 'API token auth needs both email and api_token');
    if ((settings['subdomain'] === undefined) === (settings['base_url'] === undefined))
      ctx.problem([], 'give either subdomain (https://{subdomain}.zendesk.com) or base_url, not both');

    const statuses = (settings['statuses'] ?? []) as StatusConfig[];
    const perCategory = new Map<string, number>();
    return statuses.map((s, i) => {
      const at = (...p: (string | number)[]) => ['statuses', i, ...p];
      const category = s.maps_to.trim().toLowerCase();
      if (!(STATUS_CATEGORIES as readonly string[]).includes(category)) {
        ctx.problem(
          at('maps_to'),
          `Zendesk has no category "${s.maps_to}" (its categories: ${STATUS_CATEGORIES.join(', ')}; Closed tickets belong to solved)`,
        );
      } else if (!CREATABLE_CATEGORIES.includes(category as never)) {
        ctx.problem(
          at('maps_to'),
          `Zendesk's new category holds only its built-in status: a custom status goes in ${CREATABLE_CATEGORIES.join(', ')}`,
        );
      }
      for (const field of ['agent_label', 'end_user_label'] as const) {
        const v = s[field];
        // Characters as code points (A: Zendesk counts characters, not UTF-16 units).
        const length = typeof v === 'string' ? [...label(v)].length : 0;
        if (typeof v === 'string' && isPlain(v) && length > MAX_LABEL)
          ctx.problem(at(field), `${field} is ${length} characters; Zendesk allows at most ${MAX_LABEL}`);
      }
      if (SYSTEM_LABEL.test(label(s.agent_label)))
        ctx.problem(
          at('agent_label'),
          `${label(s.agent_label)} is the placeholder of a Zendesk built-in status, which statusform never writes`,
        );
      const n = (perCategory.get(category) ?? 0) + 1;
      perCategory.set(category, n);
      if (n === MAX_PER_CATEGORY + 1)
        ctx.problem(
          at(),
          `more than ${MAX_PER_CATEGORY} statuses in the ${category} category: Zendesk allows ${MAX_PER_CATEGORY} per category`,
        );
      if (i === MAX_PER_ACCOUNT)
        ctx.problem(
          at(),
          `more than ${MAX_PER_ACCOUNT} statuses: Zendesk allows ${MAX_PER_ACCOUNT} per account, its built-in statuses included`,
        );

      const fields: Fields = { status_category: category, agent_label: label(s.agent_label) };
      if (s.end_user_label !== undefined) fields['end_user_label'] = label(s.end_user_label);
      if (s.description !== undefined) fields['description'] = keyOf(s.description);
      if (s.end_user_description !== undefined) fields['end_user_description'] = keyOf(s.end_user_description);
      return {
        key: label(s.agent_label),
        fields,
        category,
        dependsOn: [],
        renamedFrom: (s.renamed_from ?? []).map(label),
        position: ctx.positionOf(at()),
      };
    });
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

  foldKey: fold,
  acceptsRenamedFrom: true,

  open(account: AccountConfig, http: HttpClientFactory): VendorSession {
    const client = http({
      headers: { authorization: authHeader(account.settings) },
      describeError: describeZendeskError,
      errorShape: ZENDESK_ERROR,
    });
    const accountAddress = `${account.name}.statuses`;
    /** Every id listed when the account was read, and every one created since: a create's answer must name none of them. */
    const known = new Set<string>();
    const address = (key: string) => `${accountAddress}[${JSON.stringify(key)}]`;

    /** Features pre-flight (3P: Salto; A: statusform does the same). A features endpoint the user may not read is not a refusal. */
    const preflight = async (): Promise<string[]> => {
      try {
        const res = await client.request<{ features: { custom_statuses_enabled?: { enabled: boolean } } }>({
          method: 'GET',
          path: '/api/v2/account/features',
          address: accountAddress,
          answer: ACCOUNT_FEATURES,
        });
        if (res.body.features.custom_statuses_enabled?.enabled === false) {
          throw new VendorError(
            accountAddress,
            'custom ticket statuses are not activated on this Zendesk account (GET /api/v2/account/features: ' +
              'custom_statuses_enabled is false); an admin activates them in Admin Center → Objects and rules → Tickets → Settings',
            { code: 'E_FEATURE_OFF' },
          );
        }
        return [];
      } catch (err) {
        if (err instanceof VendorError && (err.status === 403 || err.status === 404))
          return [
            `could not check whether custom ticket statuses are activated (GET /api/v2/account/features answered ${err.status}); going on`,
          ];
        throw err;
      }
    };

    return {
      async read(desired: readonly DesiredItem[], state: Readonly<Record<string, StateItem>>): Promise<LiveRead> {
        const warnings = await preflight();
        let rows: CustomStatus[];
        try {
          rows = await listAll(client, accountAddress);
        } catch (err) {
          // The answer when the feature is off is undocumented (A: 403, 404 or 422 on this path).
          if (err instanceof VendorError && [403, 404, 422].includes(err.status ?? 0)) {
            throw new VendorError(
              accountAddress,
              `${err.message} — custom ticket statuses may not be activated on this account (the API's answer then is undocumented)`,
              { status: err.status, ...(err.code ? { code: err.code } : {}) },
            );
          }
          throw err;
        }
        for (const r of rows) known.add(String(r.id));
        const items = rows.map(toLive);
        const errors: LiveRead['errors'] = [];
        const unknown = rows.filter((r) => !(STATUS_CATEGORIES as readonly string[]).includes(r.status_category));
        if (unknown.length > 0)
          warnings.push(
            `${unknown.length} live status(es) in a category statusform does not know ` +
              `(${[...new Set(unknown.map((r) => r.status_category))].join(', ')}) are left alone`,
          );

        // A category cannot change (D: not in the update body; 3P: Salto and the andsafe provider
        // refuse it): refused here, before any write, for every live row the declared item would be.
        const byFold = new Map<string, LiveItem[]>();
        for (const l of items) byFold.set(fold(l.key), [...(byFold.get(fold(l.key)) ?? []), l]);
        const byId = new Map(items.map((l) => [String(l.id), l]));
        // Those are: its own row by recorded id, the row at its exact key (adopted as it is), a row
        // its renamed_from names, and owned rows it renames by a change of case. An unowned lookalike is not it.
        const ownedIds = new Set(Object.values(state).flatMap((r) => (r.id != null ? [String(r.id)] : [])));
        for (const d of desired) {
          const recorded = state[d.key];
          const candidates = [
            ...(recorded?.id != null && byId.has(String(recorded.id)) ? [byId.get(String(recorded.id))!] : []),
            ...items.filter((l) => l.key === d.key || d.renamedFrom.includes(l.key)),
            ...[d.key, ...d.renamedFrom].flatMap((k) => byFold.get(fold(k)) ?? []).filter((l) => ownedIds.has(String(l.id))),
          ];
          const l = candidates.find((c) => !c.readOnly);
          if (l && l.fields['status_category'] !== d.fields['status_category']) {
            errors.push({
              key: d.key,
              message:
                `Zendesk cannot change a status's category (status_category is fixed at creation): ` +
                `${JSON.stringify(l.key)} (id ${String(l.id)}) is in ${String(l.fields['status_category'])}, ` +
                `declared ${String(d.fields['status_category'])}. Declare the ${String(d.fields['status_category'])} status ` +
                'under a new agent_label and let prune retire this one (tickets keep it until moved), or keep maps_to: ' +
                `${String(l.fields['status_category'])}`,
            });
          }
        }
        // Limits count every listed row, built-in and inactive ones too (D: 300/100; A: what counts).
        const creates = desired.filter(
          (d) =>
            !(byFold.get(fold(d.key)) ?? []).length &&
            !d.renamedFrom.some((k) => byFold.has(fold(k))) &&
            !(state[d.key]?.id != null && byId.has(String(state[d.key]!.id))),
        );
        const total = rows.length + creates.length;
        if (total > MAX_PER_ACCOUNT) {
          for (const d of creates.slice(creates.length - (total - MAX_PER_ACCOUNT)))
            errors.push({
              key: d.key,
              message:
                `creating it would make ${total} statuses at Zendesk (every listed row counts, ` +
                `inactive and built-in ones too); the limit is ${MAX_PER_ACCOUNT} per account`,
            });
        }
        for (const category of CREATABLE_CATEGORIES) {
          const mine = creates.filter((d) => d.fields['status_category'] === category);
          const n = rows.filter((r) => r.status_category === category).length + mine.length;
          if (n > MAX_PER_CATEGORY)
            for (const d of mine.slice(mine.length - (n - MAX_PER_CATEGORY)))
              errors.push({
                key: d.key,
                message:
                  `creating it would make ${n} statuses in the ${category} category at Zendesk ` +
                  `(inactive ones count too); the limit is ${MAX_PER_CATEGORY} per category`,
              });
        }
        if (creates.length > 0)
          warnings.push(
            `${creates.length} new status(es) will be linked to no ticket form: agents see a status only on ` +
              'the forms it is linked to (Admin Center → Ticket forms); statusform does not manage form links',
          );
        return { items, warnings, errors };
      },

      async write(req: WriteRequest): Promise<WriteResult> {
        const after = req.after ?? {};
        switch (req.kind) {
          case 'create': {
            const body: CustomStatusInput = {
              status_category: String(after['status_category']),
              agent_label: String(after['agent_label']),
              active: true,
            };
            for (const f of ['end_user_label', 'description', 'end_user_description'] as const)
              if (typeof after[f] === 'string') body[f] = after[f];
            const isThisNew = (s: CustomStatus) =>
              !isSystem(s) &&
              !known.has(String(s.id)) &&
              label(raw(s, 'agent_label')) === req.key &&
              s.status_category === body.status_category;
            const res = await client.request<{ custom_status: CustomStatus }>({
              method: 'POST',
              path: '/api/v2/custom_statuses',
              body: { custom_status: body },
              address: req.address,
              answer: ONE_STATUS,
              // Never record another status as this one: it would be renamed, then deactivated, as statusform's.
              about: (b) => (isThisNew(b.custom_status) ? undefined : `it names another status (id ${b.custom_status.id})`),
              // Not idempotent: on an unknown outcome, look for it before sending again — exactly this
              // label and category, and not a status that was there when the account was read.
              recover: async () => {
                const found = (await listAll(client, req.address)).find(isThisNew);
                return found ? { status: 201, headers: {}, body: { custom_status: found } } : undefined;
              },
            });
            known.add(String(res.body.custom_status.id));
            return { id: res.body.custom_status.id, fields: toFields(res.body.custom_status) };
          }
          case 'update':
          case 'reactivate':
          case 'deactivate': {
            if (req.id === null) throw new VendorError(address(req.key), 'no Zendesk id known for this status');
            if (
              req.kind !== 'deactivate' &&
              after['status_category'] !== undefined &&
              req.before &&
              after['status_category'] !== req.before['status_category']
            ) {
              throw new VendorError(
                req.address,
                `Zendesk cannot change a status's category (${String(req.before['status_category'])} ` +
                  `→ ${String(after['status_category'])}); not sent`,
                { code: 'E_IMMUTABLE' },
              );
            }
            // A deactivation changes only `active` (A: the only retirement; DELETE is never used).
            const body: CustomStatusInput =
              req.kind === 'deactivate'
                ? { active: false }
                : { ...changedFields(req.before, after), ...(req.kind === 'reactivate' ? { active: true } : {}) };
            const path = `/api/v2/custom_statuses/${encodeURIComponent(String(req.id))}`;
            let status: CustomStatus;
            try {
              status = (
                await client.request<{ custom_status: CustomStatus }>({
                  method: 'PUT',
                  path,
                  body: { custom_status: body },
                  address: req.address,
                  answer: ONE_STATUS,
                })
              ).body.custom_status;
            } catch (err) {
              // Deleted outside statusform (A: 404 on a stored id): for a retirement, that is as asked.
              if (req.kind === 'deactivate' && err instanceof VendorError && err.status === 404)
                return { id: req.id, fields: req.before ?? {} };
              throw err;
            }
            if (String(status.id) !== String(req.id)) {
              throw new VendorError(
                req.address,
                `PUT ${path} answered with another status (id ${status.id}); run plan to see the live state`,
                { code: 'E_ANSWER' },
              );
            }
            return { id: status.id, fields: toFields(status) };
          }
          default:
            throw new VendorError(req.address, `Zendesk custom statuses cannot be given a ${req.kind}`);
        }
      },
    };
  },
};
