// The README's config reference is a config a user may copy: it must pass validation as shown.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { tree } from '../helpers.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('shows a config reference that validates as written', () => {
    const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes('version: 1') && b.includes('accounts:'));
    expect(block).toBeDefined();
    const names = [...block!.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]!);
    const env = Object.fromEntries(names.map((n) => [n, `value-of-${n.toLowerCase()}`]));
    const dir = tree({ 'statusform.yaml': block!, 'schemas/statusform.schema.json': '{}' });
    const r = loadConfig('statusform.yaml', { cwd: dir, env });
    expect(r.problems.map((p) => `${p.position.line}:${p.position.col}: ${p.message}`)).toEqual([]);
    expect(r.config!.accounts.map((a) => a.vendor).sort()).toEqual(['propertydeck', 'serieshr', 'spacebring', 'thalamus', 'timetap', 'zendesk']);
  });
});
