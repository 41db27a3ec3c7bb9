// The README's config reference is a config a user may copy: it must pass validation as shown.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { tree } from '../helpers.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('shows a config reference that validates as written', () => {
    const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .find((b) => b.includes('version: 1') && b.includes('accounts:'));
    expect(block).toBeDefined();
    const names = [...block!.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]!);
    const env = Object.fromEntries(names.map((n) => [n, `value-of-${n.toLowerCase()}`]));
    const dir = tree({ 'statusform.yaml': block!, 'schemas/statusform.schema.json': '{}' });
    const r = loadConfig('statusform.yaml', { cwd: dir, env });
    expect(r.problems.map((p) => `${p.position.line}:${p.position.col}: ${p.message}`)).toEqual([]);
    expect(r.config!.accounts.map((a) => a.vendor).sort()).toEqual([
      'propertydeck',
      'serieshr',
      'spacebring',
      'thalamus',
      'timetap',
      'zendesk',
    ]);
  });
});

describe("README's CLI reference", () => {
  const section = readme.slice(readme.indexOf('## CLI reference'), readme.indexOf('### Plan semantics'));

  it('shows the synopsis --help is made from (src/cli/command-table.ts)', async () => {
    const { referenceBlock } = await import('../../src/cli/help.js');
    const { COMMANDS } = await import('../../src/cli/command-table.js');
    const block = /```\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBe(referenceBlock(COMMANDS));
  });

  it('explains every flag and command of the table', async () => {
    const { COMMANDS, FLAGS } = await import('../../src/cli/command-table.js');
    const list = section.slice(section.indexOf('```', section.indexOf('```') + 3));
    for (const name of Object.keys(FLAGS)) expect(list, `--${name}`).toMatch(new RegExp(`\`--${name}[ \`]`));
    for (const c of COMMANDS.filter((c) => !['validate', 'plan', 'apply'].includes(c.name))) expect(list, c.name).toContain(`\`${c.name}`);
  });
});
