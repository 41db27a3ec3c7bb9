// The category × account matrix of `statusform mappings`: for each category, what of each
// account maps to it; gaps (nothing maps to it) and ambiguities (a category a ticket vendor
// reaches through more than one status) are marked. Pure.

import type { Config } from '../config/load.js';
import { inertText, markdownText } from '../inert.js';
import { adapterFor } from '../vendors/registry.js';

export interface MappingCell {
  values: string[];
  gap: boolean;
  /** A category several vendor statuses map to: a ticket declared by that category goes to the first. */
  ambiguous: boolean;
}

export interface MappingMatrix {
  categories: string[];
  accounts: { name: string; vendor: string }[];
  cells: MappingCell[][];
  /** Values mapped to a category the config does not declare. */
  unknown: { account: string; value: string; category: string }[];
}

export function mappingMatrix(config: Config): MappingMatrix {
  const accounts = config.accounts.map((a) => ({ name: a.name, vendor: a.vendor }));
  const unknown: MappingMatrix['unknown'] = [];
  const perAccount = config.accounts.map((a) => {
    const adapter = adapterFor(a.vendor)!;
    const byValues = adapter.mappingEntries !== undefined;
    const entries = byValues
      ? adapter.mappingEntries!(a.settings)
      : a.items.flatMap((i) => (i.category ? [{ value: i.key, category: i.category }] : []));
    for (const e of entries) if (!config.categories.includes(e.category)) unknown.push({ account: a.name, ...e });
    return { entries, byValues };
  });
  const cells = config.categories.map((category) =>
    perAccount.map(({ entries, byValues }) => {
      const values = entries.filter((e) => e.category === category).map((e) => e.value);
      return { values, gap: values.length === 0, ambiguous: byValues && values.length > 1 };
    }),
  );
  return { categories: config.categories, accounts, cells, unknown };
}

/** A cell in plain text (`shown` makes each value from the config inert for the output it goes to). */
function cellText(c: MappingCell, shown: (value: string) => string = inertText): string {
  if (c.gap) return '—';
  return `${c.values.map(shown).join(', ')}${c.ambiguous ? ' (!)' : ''}`;
}

export function renderMappingsText(m: MappingMatrix): string {
  const header = ['category', ...m.accounts.map((a) => `${a.name} (${a.vendor})`)];
  const rows = m.categories.map((cat, i) => [inertText(cat), ...m.cells[i]!.map((c) => cellText(c))]);
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (r: string[]) =>
    r
      .map((v, j) => v.padEnd(widths[j]!))
      .join('  ')
      .trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), ''];
  out.push(...legend(m));
  return `${out.join('\n')}\n`;
}

export function renderMappingsMarkdown(m: MappingMatrix): string {
  const out = [
    `| category | ${m.accounts.map((a) => `${markdownText(a.name)} (${a.vendor})`).join(' | ')} |`,
    `|---|${m.accounts.map(() => '---').join('|')}|`,
    ...m.categories.map((cat, i) => `| ${markdownText(cat)} | ${m.cells[i]!.map((c) => cellText(c, markdownText)).join(' | ')} |`),
    '',
    ...legend(m, markdownText),
  ];
  return `${out.join('\n')}\n`;
}

function legend(m: MappingMatrix, shown: (value: string) => string = inertText): string[] {
  const gaps = m.cells.flat().filter((c) => c.gap).length;
  const ambiguous = m.cells.flat().filter((c) => c.ambiguous).length;
  const lines = [
    `— no status maps to the category (${gaps} gap${gaps === 1 ? '' : 's'}); (!) ` +
      `several vendor statuses map to it, a ticket declared by category goes to the first (${ambiguous}).`,
  ];
  for (const u of m.unknown) lines.push(`${shown(u.account)}: ${shown(u.value)} maps to unknown category "${shown(u.category)}"`);
  return lines;
}
