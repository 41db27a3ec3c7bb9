// Zendesk's listed rows as statusform sees them: the fields compared (raw, placeholders included),
// the live item (built-in statuses read-only, a category's default kept active), and the PUT body
// built back from a planned write (vendor-docs zendesk-custom-statuses.md §3).

import type { Fields, LiveItem, WriteRequest } from '../../model.js';
import { key as keyOf, label } from '../normalise.js';
import { STATUS_CATEGORIES, SYSTEM_LABEL, type CustomStatus, type CustomStatusInput } from './api.js';

/** Fields a PUT may carry besides `active` (D: CTS update body). */
const WRITABLE = ['agent_label', 'end_user_label', 'description', 'end_user_description'] as const;
type TextField = (typeof WRITABLE)[number];

/** The raw value of a text field (what was written, placeholders included), else the rendered one (D: raw_* is optional). */
export function raw(s: CustomStatus, field: TextField): string {
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

export const isSystem = (s: CustomStatus) => SYSTEM_LABEL.test(raw(s, 'agent_label'));

/**
 * Why a row is never written, or undefined when it may be. A built-in status: no public source shows
 * one relabelled through the API (A: read-only, the safe reading of open question 4).
 */
function readOnlyReason(s: CustomStatus): string | undefined {
  const known = (STATUS_CATEGORIES as readonly string[]).includes(s.status_category);
  const why = [
    ...(isSystem(s)
      ? [`Zendesk's built-in ${s.status_category} status (${raw(s, 'agent_label')}; no public source shows one relabelled through the API)`]
      : []),
    ...(known ? [] : [`in a category statusform does not know (${JSON.stringify(s.status_category)})`]),
  ];
  return why.length > 0 ? why.join(', and ') : undefined;
}

/** Why a default must stay: every category keeps an active default, changed only by the bulk default call (D: CTS). */
function keepActiveReason(s: CustomStatus): string | undefined {
  if (s.default !== true || !s.active) return undefined;
  const c = s.status_category;
  return (
    `it is the default status of the ${c} category, and Zendesk keeps every category's default active; ` +
    `make another ${c} status the default first (Admin Center → Objects and rules → Tickets → Ticket statuses), ` +
    'then plan again — or keep it in the configuration'
  );
}

/**
 * The key of a row: its agent label as written (raw, so a `{{dc.…}}` placeholder is the key);
 * for a built-in status, the label agents see ("Open"), so that declaring it is refused (it is
 * read-only) instead of creating a second status that looks the same (A: never matched by placeholder).
 */
export function toLive(s: CustomStatus): LiveItem {
  const why = readOnlyReason(s);
  const keep = keepActiveReason(s);
  return {
    key: label(isSystem(s) ? s.agent_label : raw(s, 'agent_label')),
    id: s.id,
    fields: toFields(s),
    active: s.active,
    ...(why ? { readOnly: true, readOnlyReason: why } : {}),
    ...(keep ? { keepActive: keep } : {}),
  };
}

/**
 * Both labels, as every PUT carries them: the declared ones, else the live ones as written
 * (placeholders included). Every public client sends both, and Salto notes Zendesk wants both on
 * deploy (3P); a partial body is unproven (A). A live end-user label Zendesk left out is not invented.
 */
function bothLabels(live: Fields, after: Fields): CustomStatusInput {
  const eu = after['end_user_label'] ?? live['end_user_label'];
  return {
    agent_label: String(after['agent_label'] ?? live['agent_label'] ?? ''),
    ...(typeof eu === 'string' && eu !== '' ? { end_user_label: eu } : {}),
  };
}

/** The PUT body: both labels, the other writable fields that change, and `active` for a (re)activation or a retirement. */
export function putBody(req: WriteRequest): CustomStatusInput {
  const live = req.before ?? {};
  // A retirement changes nothing else (A: the only retirement; DELETE is never used).
  if (req.kind === 'deactivate') return { ...bothLabels(live, live), active: false };
  const after = req.after ?? {};
  const body: Record<string, string> = {};
  for (const f of WRITABLE) {
    const v = after[f];
    if (typeof v === 'string' && v !== live[f]) body[f] = v;
  }
  return { ...body, ...bothLabels(live, after), ...(req.kind === 'reactivate' ? { active: true } : {}) };
}
