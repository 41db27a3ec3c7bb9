// A run that covers some accounts (`--shard`, `--account`) loads only those: each must come out
// exactly as a full load builds it, whatever the accounts, files and shards.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { inShard } from '../../src/engine/shard.js';
import { tree } from '../helpers.js';

const env = { PD_TOKEN: 'pd-secret', TH_TOKEN: 'th-secret' };

/** One account's block: Property Deck or Thalamus, with a few items. */
function block(name: string, vendor: 'propertydeck' | 'thalamus', labels: readonly string[]): string {
  if (vendor === 'propertydeck') {
    const items = labels.map((l) => `      - { label: "${l}", type: contact, maps_to: open }\n`).join('');
    return `  ${name}:\n    vendor: propertydeck\n    base_url: https://crm.example.com\n    token: \${PD_TOKEN}\n    statuses:\n${items || '      []\n'}`;
  }
  const items = labels.map((l, i) => `      - { id: v${i}, label: "${l}", maps_to: pending }\n`).join('');
  return `  ${name}:\n    vendor: thalamus\n    token: \${TH_TOKEN}\n    status_variants:\n${items || '      []\n'}`;
}

/** The same accounts, in one file, in a file each, or as account files beside statusform.yaml. */
const layouts = {
  'one file': (_names: string[], blocks: string[]) => ({ 'c/all.yaml': `version: 1\naccounts:\n${blocks.join('')}` }),
  'several files': (_names: string[], blocks: string[]) =>
    Object.fromEntries(blocks.map((b, i) => [`c/${String(i).padStart(2, '0')}.yaml`, `version: 1\naccounts:\n${b}`])),
  'account files': (names: string[], blocks: string[]) => ({
    'c/statusform.yaml': 'version: 1\n',
    ...Object.fromEntries(
      blocks.map((b, i) => [
        `c/accounts/${names[i]}.yaml`,
        b
          .split('\n')
          .slice(1)
          .map((l) => l.slice(4))
          .join('\n'),
      ]),
    ),
  }),
};

describe('a selective load', () => {
  it('builds each chosen account exactly as a full load does, and nothing else, in one file or several', () => {
    const account = fc.record({
      vendor: fc.constantFrom('propertydeck' as const, 'thalamus' as const),
      labels: fc.uniqueArray(fc.stringMatching(/^[A-Z][a-z]{0,6}$/), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), { minLength: 1, maxLength: 8 }),
        fc.array(account, { minLength: 8, maxLength: 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom('one file' as const, 'several files' as const, 'account files' as const),
        (names, specs, count, layout) => {
          const blocks = names.map((n, i) => block(n, specs[i]!.vendor, specs[i]!.labels));
          const files = layouts[layout](names, blocks);
          const dir = tree(files);
          const full = loadConfig('c', { cwd: dir, env });
          expect(full.problems).toEqual([]);
          for (let k = 1; k <= count; k++) {
            const shard = { index: k, count };
            const part = loadConfig('c', { cwd: dir, env, select: (all) => inShard([...all], shard) });
            expect(part.problems).toEqual([]);
            const mine = inShard(names, shard);
            expect(part.config!.accounts).toEqual(full.config!.accounts.filter((a) => mine.includes(a.name)));
            expect(part.config!.filesDigest).toBe(full.config!.filesDigest);
            // Every credential of a file read is still scrubbed; an account file not chosen is not read at all.
            if (layout === 'account files') expect(full.config!.secrets).toEqual(expect.arrayContaining(part.config!.secrets));
            else expect(part.config!.secrets.sort()).toEqual(full.config!.secrets.sort());
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("still reports what a chosen account takes from another's block through an alias or a merge key", () => {
    const dir = tree({
      'statusform.yaml':
        'version: 1\naccounts:\n  a: &base\n    vendor: thalamus\n    token: ${TH_TOKEN}\n    status_variants:\n' +
        '      - { id: v1, label: "Open ${LABEL_SUFFIX}", maps_to: pending }\n  b:\n    <<: *base\n    token: ${TH_TOKEN}\n',
    });
    const only = (name: string) => loadConfig('statusform.yaml', { cwd: dir, env, select: () => [name] });
    for (const name of ['a', 'b']) {
      const r = only(name);
      expect(r.config, name).toBeUndefined();
      expect(r.problems.map((p) => `${p.position.line}:${p.position.col}: ${p.message}`)).toContain(
        '7:26: environment variable LABEL_SUFFIX is not set',
      );
    }
  });

  it('still reports what a chosen account brings in with a merge key in accounts, or a repeated account', () => {
    /** The problems of loading only `name` from `yaml`, as line:col: message; the load must fail. */
    const onlyThis = (yaml: string, name: string): string[] => {
      const r = loadConfig('statusform.yaml', { cwd: tree({ 'statusform.yaml': yaml }), env, select: () => [name] });
      expect(r.config).toBeUndefined();
      return r.problems.map((p) => `${p.position.line}:${p.position.col}: ${p.message}`);
    };
    const merged =
      'version: 1\naccounts:\n  <<: {b: {vendor: thalamus, token: "${UNSET}", status_variants: []}}\n' +
      '  a: {vendor: thalamus, token: x, status_variants: []}\n';
    expect(onlyThis(merged, 'b')).toContain('3:37: environment variable UNSET is not set');
    const repeated =
      'version: 1\naccounts:\n  a: {vendor: thalamus, token: "${TH_TOKEN}", status_variants: []}\n  b:\n' +
      '  a: {vendor: thalamus, token: other, status_variants: []}\n# note:\tx\n';
    expect(onlyThis(repeated, 'a')).toContain('5:3: duplicate key: Map keys must be unique');
  });
});
