// A selective load (a shard, --account) parses only its accounts' blocks, cut from the file by
// their lines. The cut must refuse whatever lines alone cannot be sure of, keep every kept line's
// position, and give exactly what the whole file's parse gives for the accounts it keeps.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keepBlocks, splitAccounts } from '../../src/config/account-split.js';
import { nodeAt, parseConfigText, positionOf, type ConfigDocument } from '../../src/config/documents.js';
import { loadConfig } from '../../src/config/load.js';
import type { YamlNode } from '../../src/config/yaml-tree.js';
import { tree } from '../helpers.js';

const env = { TOKEN: 'secret-token', OTHER: 'other-secret' };

const account = (name: string, extra = '') =>
  `  ${name}:\n    vendor: thalamus\n    token: \${TOKEN}\n${extra}    status_variants:\n      - { id: v1, label: "Open", maps_to: open }\n`;

describe('the cut of a config file into account blocks', () => {
  it('finds each block, with comments, blank lines and deeper structure inside it', () => {
    const text =
      '# statusform\nversion: 1\n\naccounts:\n  # the first\n  a:   # note\n    vendor: thalamus\n    note: |\n      a:\n' +
      '        b: not a block\n\n    status_variants: []\n\n  b-2.x:\n    vendor: thalamus\ncategories: [open]\n';
    const split = splitAccounts(text);
    expect(split?.blocks.map((b) => [b.name, b.line, b.col, b.endLine])).toEqual([
      ['a', 6, 3, 14],
      ['b-2.x', 14, 3, 16],
    ]);
  });

  it.each([
    ['an anchor', `version: 1\naccounts:\n  a: &x\n    vendor: thalamus\n`],
    ['an alias', `version: 1\naccounts:\n  a:\n    token: *x\n`],
    ['an alias in a flow list', `version: 1\naccounts:\n  a:\n    depends: [*x]\n`],
    ['a tag', `version: 1\naccounts:\n  a:\n    token: !env X\n`],
    ['a tab', `version: 1\naccounts:\n  a:\n    token:\tx\n`],
    ['a carriage return on its own', `version: 1\raccounts:\n  a:\n    vendor: thalamus\n`],
    ['a document marker', `---\nversion: 1\naccounts:\n  a:\n    vendor: thalamus\n`],
    ['a directive', `%YAML 1.2\n---\naccounts:\n  a:\n    vendor: thalamus\n`],
    ['accounts in flow style', `version: 1\naccounts: {a: {vendor: thalamus}}\n`],
    ['an account in flow style', `version: 1\naccounts:\n  a: {vendor: thalamus}\n`],
    ['a quoted account name', `version: 1\naccounts:\n  "a b":\n    vendor: thalamus\n`],
    ['a list under accounts', `version: 1\naccounts:\n  - a\n`],
    ['a line between the two indentations', `version: 1\naccounts:\n  a:\n    vendor: thalamus\n ab: 1\n`],
    ['a top-level line that is not a key', `version: 1\naccounts:\n  a:\n    x: [1,\n2]\n`],
    ['a repeated account', `version: 1\naccounts:\n  a:\n    vendor: thalamus\n  a:\n    vendor: thalamus\n`],
    ['a repeated top-level key', `version: 1\naccounts:\n  a:\n    vendor: thalamus\nversion: 1\n`],
    ['a merge key among the accounts', `version: 1\naccounts:\n  <<:\n    b: {}\n`],
    ['a quoted top-level key', `"version": 1\naccounts:\n  a:\n    vendor: thalamus\n`],
    ['an account name that is a boolean', `version: 1\naccounts:\n  true:\n    vendor: thalamus\n  True:\n    vendor: thalamus\n`],
    ['an account name that is a number', `version: 1\naccounts:\n  1:\n    vendor: thalamus\n  01:\n    vendor: thalamus\n`],
    ['a name line with a comment and no space', `version: 1\naccounts:\n  a:\n    vendor: thalamus\n  b:# staging\n    vendor: x\n`],
  ])('refuses a file with %s (it is parsed whole)', (_what, text) => {
    expect(splitAccounts(text)).toBeUndefined();
  });

  it('does not mistake a `*` or `&` inside a word for an alias or an anchor', () => {
    expect(splitAccounts('version: 1\naccounts:\n  a:\n    label: R&D 5*\n    note: "x & y"\n')?.blocks.length).toBe(1);
  });

  it("keeps every kept line where the file has it, and a kept `|+` scalar's trailing lines as they are", () => {
    const text =
      'version: 1\naccounts:\n' +
      account('a') +
      '  b:\n    vendor: thalamus\n    note: |+\n      kept\n\n' +
      account('c') +
      '\n\n' +
      account('d', '    note: >-\n      folded\n      text\n') +
      'categories: [new, open, pending, hold, solved, closed]\n';
    const split = splitAccounts(text)!;
    const whole = parseConfigText('f.yaml', text, env, []);
    for (const keep of [['b'], ['b', 'd'], ['a', 'c'], ['d'], []]) {
      const cut = keepBlocks(text, split, new Set(keep));
      const d = parseConfigText('f.yaml', cut.text, env, [], 'fast', undefined, cut.pieces);
      const data = d.data as { accounts: Record<string, unknown>; categories: unknown };
      expect(Object.keys(data.accounts)).toEqual(keep);
      expect(data.categories).toEqual((whole.data as { categories: unknown }).categories);
      for (const name of keep) {
        expect(data.accounts[name]).toEqual((whole.data as { accounts: Record<string, unknown> }).accounts[name]);
        expect(positionsIn(d, ['accounts', name])).toEqual(positionsIn(whole, ['accounts', name]));
      }
    }
  });
});

/** Every key's and value's position under `path`, as `path → line:col`. */
function positionsIn(d: ConfigDocument, path: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (node: YamlNode | null | undefined, at: string) => {
    if (!node) return;
    const p = positionOf(d, node);
    out[at] = `${p.line}:${p.col}`;
    if (node.kind === 'map') for (const pair of node.pairs) walk(pair.value, `${at}.${pair.key.kind === 'scalar' ? pair.key.value : '?'}`);
    if (node.kind === 'seq') for (const [i, item] of node.items.entries()) walk(item, `${at}[${i}]`);
  };
  walk(nodeAt(d.root, path), path.join('.'));
  return out;
}

describe('a selective load of a file cut into blocks', () => {
  /** One account's block, formatted one of several ways, with or without a mistake of its own. */
  const accountText = fc.record({
    vendor: fc.constantFrom('thalamus', 'propertydeck'),
    items: fc.uniqueArray(fc.stringMatching(/^[A-Z][a-z]{0,5}$/), { maxLength: 3 }),
    style: fc.constantFrom('flow', 'block'),
    comment: fc.boolean(),
    blankLines: fc.integer({ min: 0, max: 2 }),
    note: fc.constantFrom('', '    notes: |+\n      kept\n\n', '    notes: >-\n      a\n      b\n', '    notes: plain\n      continued\n'),
    mistake: fc.constantFrom('none', 'unset variable', 'unknown category', 'repeated item', 'schema'),
  });
  type AccountSpec = typeof accountText extends fc.Arbitrary<infer T> ? T : never;
  const render = (name: string, a: AccountSpec): string => {
    const token = a.mistake === 'unset variable' ? '${UNSET_VAR}' : '${TOKEN}';
    const category = (i: number) => (a.mistake === 'unknown category' && i === 0 ? 'opne' : 'open');
    const labels = a.mistake === 'repeated item' && a.items.length > 0 ? [...a.items, a.items[0]!] : a.items;
    const item = (l: string, i: number) =>
      a.vendor === 'thalamus'
        ? a.style === 'flow'
          ? `      - { id: ${l.toLowerCase()}, label: "${l}", maps_to: ${category(i)} }\n`
          : `      - id: ${l.toLowerCase()}\n        label: ${l}\n        maps_to: ${category(i)}\n`
        : a.style === 'flow'
          ? `      - { label: "${l}", type: contact, maps_to: ${category(i)} }\n`
          : `      - label: ${l}\n        type: contact\n        maps_to: ${category(i)}\n`;
    const list = a.vendor === 'thalamus' ? 'status_variants' : 'statuses';
    return (
      `  ${name}:${a.comment ? '   # owner: ops' : ''}\n    vendor: ${a.vendor}\n` +
      (a.vendor === 'propertydeck' ? '    base_url: https://crm.example.com\n' : '') +
      `    token: ${token}\n${a.mistake === 'schema' ? '    prnue: true\n' : ''}${a.note.replace('notes', 'x_notes')}` +
      `    ${list}:\n${labels.map(item).join('') || '      []\n'}${'\n'.repeat(a.blankLines)}`
    );
  };

  it('builds and reports, for the accounts it covers, exactly what a load of the whole file does', () => {
    let cuts = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_-]{0,6}$/), { minLength: 1, maxLength: 6 }),
        fc.array(accountText, { minLength: 6, maxLength: 6 }),
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom('none', 'unknown key', 'unset variable'),
        fc.constantFrom(1, 200, undefined),
        (names, specs, chosenFlags, header, crlf, headerMistake, groupChars) => {
          const lf =
            (header
              ? '# yaml-language-server: $schema=x\nversion: 1\ncategories: [new, open, pending, hold, solved, closed]\n'
              : 'version: 1\n') +
            `accounts:\n${names.map((n, i) => render(n, specs[i]!)).join('')}` +
            (header ? 'state: state/\n' : '') +
            // A mistake of the shared settings, after the last block: reported once, whatever the groups.
            { none: '', 'unknown key': 'prnue: true\n', 'unset variable': 'x_owner: ${UNSET_OWNER}\n' }[headerMistake];
          const text = crlf ? lf.replaceAll('\n', '\r\n') : lf; // as a file saved on Windows
          const split = splitAccounts(text);
          expect(split).toBeDefined();
          const dir = tree({ 'statusform.yaml': text });
          const chosen = names.filter((_, i) => chosenFlags[i]);
          // How often the load below takes the cut (and does not fall back to the whole file).
          const cut1 = keepBlocks(text, split!, new Set(chosen));
          const report = { fast: false, yamlProblems: 0 };
          parseConfigText('statusform.yaml', cut1.text, env, [], 'fast', report, cut1.pieces);
          runs++;
          if (report.fast && report.yamlProblems === 0) cuts++;
          const select = () => chosen;
          // A selective load, and a load of every account, each in groups of blocks (one block each at 1).
          for (const opts of [{ select }, {}]) {
            const cut = loadConfig('statusform.yaml', { cwd: dir, env, ...opts, ...(groupChars ? { groupChars } : {}) });
            const whole = loadConfig('statusform.yaml', { cwd: dir, env, ...opts, split: false });
            expect(cut.problems).toEqual(whole.problems);
            expect(cut.config?.accounts).toEqual(whole.config?.accounts);
            expect(cut.config?.digest).toEqual(whole.config?.digest);
            expect(cut.config?.filesDigest).toEqual(whole.config?.filesDigest);
            if (cut.config) expect(new Set(cut.config.secrets)).toEqual(new Set(whole.config!.secrets));
          }
        },
      ),
      { numRuns: 150 },
    );
    expect(cuts).toBeGreaterThan(runs / 2);
  });

  it("leaves a YAML mistake inside another account's block to that account's run, and reports one in its own", () => {
    const b = '  b:\n    vendor: thalamus\n    vendor: thalamus\n    token: x\n    status_variants: []\n';
    const text = `version: 1\naccounts:\n${account('a')}${b}${account('c')}`;
    const dir = tree({ 'statusform.yaml': text });
    const only = (name: string) => loadConfig('statusform.yaml', { cwd: dir, env, select: () => [name] });
    expect(only('a').problems).toEqual([]);
    expect(only('c').config?.accounts.map((x) => x.name)).toEqual(['c']);
    expect(only('b').problems.map((p) => `${p.position.line}:${p.position.col}: ${p.message}`)).toEqual([
      '10:5: duplicate key: Map keys must be unique',
    ]);
    // validate, a load of everything, reports it whoever asks.
    expect(loadConfig('statusform.yaml', { cwd: dir, env }).problems).toHaveLength(1);
  });

  it.each([
    ['a block scalar', '    token: |-\n      block-secret\n'],
    ['the value on the next line', '    token:\n      next-line-secret\n'],
    ['a plain value over two lines', '    token: two\n      lines\n'],
    ['a quoted key', '    "token": quoted-key-secret\n'],
    ['a space before the colon', '    token : spaced-secret\n'],
    ['an explicit key', '    ? token\n    : explicit-secret\n'],
    ['a merge key', '    <<: {token: merged-secret}\n'],
    ['a # inside quotes', '    token: "abc #def"\n'],
    ['a YAML escape', '    token: "\\x41BC"\n'],
    ['a hexadecimal number', '    token: 0x1F\n'],
    ['a number with a leading zero', '    token: 007\n'],
    ['an escaped reference', '    token: "$${TOKEN}-literal"\n'],
    ['a comment after the value', '    token: plain-secret # rotated in May\n'],
  ])('scrubs a credential of an account it does not parse, written as %s', (_what, tokenLines) => {
    const b = `  b:\n    vendor: thalamus\n${tokenLines}    status_variants: []\n`;
    const dir = tree({ 'statusform.yaml': `version: 1\naccounts:\n${account('a')}${b}` });
    const cut = loadConfig('statusform.yaml', { cwd: dir, env, select: () => ['a'] });
    const whole = loadConfig('statusform.yaml', { cwd: dir, env, select: () => ['a'], split: false });
    expect(whole.config?.secrets.length).toBe(2);
    expect(new Set(cut.config?.secrets)).toEqual(new Set(whole.config?.secrets));
  });

  it('still scrubs the credentials written in the blocks it does not parse', () => {
    const text =
      `version: 1\naccounts:\n${account('a')}  b:\n    vendor: timetap\n    api_key: "literal key"\n    private_key: \${OTHER}  # from CI\n` +
      `    business_id: 1\n    statuses: []\n  c:\n    vendor: spacebring\n    client_id: x\n    client_secret: 'it''s secret'\n    tickets: []\n`;
    const dir = tree({ 'statusform.yaml': text });
    const r = loadConfig('statusform.yaml', { cwd: dir, env, select: () => ['a'] });
    expect(r.config?.secrets).toEqual(expect.arrayContaining(['secret-token', 'literal key', 'other-secret', "it's secret"]));
  });
});

describe('a problem with a category not written at its item', () => {
  // A ticket's category comes from its account's `mappings`, written above the tickets; Zendesk
  // reads `maps_to` in any case. Where the category is written is looked for in the account's
  // own block only: a whole file and its groups of blocks report it at the same place.
  const desk = (i: number) =>
    `  desk-${i}:\n    vendor: serieshr\n    base_url: https://desk${i}.example\n    api_key: key_${i}_0123456789abcdef\n` +
    `    staff_user_id: 987654321\n    mappings: { open: open, in-progress: open, resolved: solved, closed: closed }\n` +
    `    tickets:\n      - { id: TICKET-${1000000000 + i}-ABCD, status: resolved }\n`;
  const zendesk = (name: string, mapsTo: string) =>
    `  ${name}:\n    vendor: zendesk\n    subdomain: ${name}\n    email: a@b.example\n    api_token: tok_${name}_0123456789\n` +
    `    statuses:\n      - agent_label: Waiting on vendor\n        maps_to: ${mapsTo}\n`;

  it.each([1, 300, undefined])('is placed in its own account, whole or in groups of %s characters', (groupChars) => {
    const text =
      `version: 1\ncategories: [open, pending, closed]\naccounts:\n${desk(0)}${desk(1)}` +
      zendesk('alpha', 'Solved') +
      zendesk('beta', 'solved');
    const dir = tree({ 'statusform.yaml': text });
    const lines = text.split('\n');
    const whole = loadConfig('statusform.yaml', { cwd: dir, env, split: false }).problems;
    const grouped = loadConfig('statusform.yaml', { cwd: dir, env, ...(groupChars ? { groupChars } : {}) }).problems;
    expect(grouped).toEqual(whole);
    const at = (account: string) => whole.find((p) => p.message.startsWith(`${account}.`))!.position.line;
    expect(lines[at('desk-0') - 1]).toBe('    mappings: { open: open, in-progress: open, resolved: solved, closed: closed }');
    expect(at('desk-0')).toBeLessThan(at('desk-1')); // its own mappings, not the next account's
    expect(lines[at('alpha') - 1]).toBe('      - agent_label: Waiting on vendor'); // not beta's `solved`
    expect(lines[at('beta') - 1]).toBe('        maps_to: solved');
  });
});
