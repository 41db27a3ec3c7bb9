// Zendesk's declared statuses: the config's item schema, and each declared status checked where it
// is written (labels' length, categories) and normalised
// into the item compared with live rows (vendor-docs zendesk-custom-statuses.md §3).

import type { DesiredItem, Fields } from '../../model.js';
import type { DesiredContext } from '../adapter.js';
import { key as keyOf, label } from '../normalise.js';
import type { SameKeys } from '../schema-types.js';
import { CREATABLE_CATEGORIES, MAX_LABEL, STATUS_CATEGORIES, SYSTEM_LABEL } from './api.js';

export interface StatusConfig {
  agent_label: string;
  maps_to: string;
  end_user_label?: string;
  description?: string;
  end_user_description?: string;
  renamed_from?: string[];
}

export const statusSchema = {
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

/** Plain text, not a dynamic-content placeholder: only plain text can be measured here (D: the 48 is of the displayed text). */
const isPlain = (value: string) => !value.includes('{{');

/** One declared status: its problems reported at their positions, then the item as compared. */
export function desiredStatus(s: StatusConfig, i: number, ctx: DesiredContext): DesiredItem {
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
}
