import { describe, expect, it } from 'vitest';
import { accountDefaults } from '../../src/config/build-account.js';
import { modelDigests } from '../../src/config/digests.js';
import { loadConfig } from '../../src/config/load.js';
import { stateOfConfigAt } from '../../src/state/location.js';
import type { VendorAdapter } from '../../src/vendors/adapter.js';
import { propertydeck } from '../../src/vendors/propertydeck/adapter.js';
import { cli, tree } from '../helpers.js';

const env = { PD_TOKEN: 'pd-secret-token', TH_TOKEN: 'th-secret-token' };

/** A Property Deck account with these status lines. */
const estate = (statuses: string) =>
  'version: 1\naccounts:\n  estate:\n    vendor: propertydeck\n' +
  `    base_url: https://crm.example.com\n    token: t\n    statuses:\n${statuses}`;

function problems(yaml: string, e: NodeJS.ProcessEnv = env): string[] {
  const dir = tree({ 'statusform.yaml': yaml });
  const r = loadConfig('statusform.yaml', { cwd: dir, env: e });
  return r.problems.map((p) => `${p.position.line}:${p.position.col}: ${p.message}`);
}

describe('validate reports every problem at once, positioned', () => {
  it('accepts the documented shape and builds desired items', () => {
    const dir = tree({
      'statusform.yaml': `version: 1
accounts:
  nerds:
    vendor: thalamus
    token: \${TH_TOKEN}
    status_variants:
      - { id: waiting_on_customer, label: "  Waiting  on Customer ", maps_to: Pending, source_system: freshdesk }
  estate:
    vendor: propertydeck
    base_url: https://crm.example.com/api
    token: \${PD_TOKEN}
    statuses:
      - { label: Sold STC, type: property, renamed_from: [Sold Subject To Contract], maps_to: pending }
`,
    });
    const r = loadConfig('.', { cwd: dir, env });
    expect(r.problems).toEqual([]);
    const [nerds, estate] = r.config!.accounts;
    expect(nerds!.items[0]!.fields).toEqual({ label: 'Waiting on Customer', mapped_status: 'pending', source_system: 'freshdesk' });
    expect(estate!.items[0]!.key).toBe('property:Sold STC');
    expect(estate!.items[0]!.renamedFrom).toEqual(['property:Sold Subject To Contract']);
    expect(r.config!.secrets).toEqual(expect.arrayContaining(['pd-secret-token', 'th-secret-token']));
    expect(JSON.stringify(modelDigests(r.config!))).not.toContain('secret');
  });

  it('reads credentials that look like numbers as text, and keeps a leading zero', () => {
    const dir = tree({
      'statusform.yaml': `version: 1
accounts:
  salon:
    vendor: timetap
    api_key: \${TT_KEY}
    private_key: \${TT_PRIVATE}
    business_id: \${TT_BUSINESS}
    statuses: []
`,
    });
    const r = loadConfig('.', { cwd: dir, env: { TT_KEY: '445981', TT_PRIVATE: '0731', TT_BUSINESS: '43111' } });
    expect(r.problems).toEqual([]);
    const settings = r.config!.accounts[0]!.settings;
    expect(settings).toMatchObject({ api_key: '445981', private_key: '0731', business_id: 43111 });
    expect(r.config!.secrets).toEqual(expect.arrayContaining(['445981', '0731']));
  });

  it('takes a text field as written, even where it reads as a number', () => {
    const dir = tree({
      'statusform.yaml': `version: 1
accounts:
  a: { vendor: thalamus, token: 0012345, status_variants: [] }
  b: { vendor: thalamus, token: 12345678901234567890, status_variants: [] }
  c: { vendor: thalamus, token: 0x1F, status_variants: [] }
`,
    });
    const r = loadConfig('.', { cwd: dir, env: {} });
    expect(r.problems.map((p) => p.message)).toEqual([]);
    expect(r.config!.accounts.map((a) => a.settings['token'])).toEqual(['0012345', '12345678901234567890', '0x1F']);
  });

  it('refuses a base_url with a query or a fragment', () => {
    const found = problems(`version: 1
accounts:
  a: { vendor: thalamus, token: t, base_url: "http://127.0.0.1/api?x=1", status_variants: [] }
  b: { vendor: thalamus, token: t, base_url: "http://127.0.0.1/api#top", status_variants: [] }
`);
    expect(found.map((p) => p.replace(/: ".*/, ''))).toEqual([
      '3:46: accounts.a.base_url: base_url must not have a query (?…) or a fragment (#…)',
      '4:46: accounts.b.base_url: base_url must not have a query (?…) or a fragment (#…)',
    ]);
  });

  it('names each schema problem with file, line and column', () => {
    const found = problems(`version: 1
accounts:
  nerds:
    vendor: thalamus
    token: x
    colour: blue
    status_variants:
      - id: a
        maps_to: [7]
  shop:
    vendor: shopify
`);
    expect(found).toEqual([
      '6:5: accounts.nerds: unknown field "colour"',
      '8:9: accounts.nerds.status_variants[0]: missing required field "label"',
      '9:18: accounts.nerds.status_variants[0].maps_to: must be text (got a list)',
      '11:13: accounts.shop: unknown vendor "shopify" (known: thalamus, propertydeck, timetap, serieshr, spacebring, zendesk)',
    ]);
  });

  it('reports duplicate keys, unknown categories and missing variables together', () => {
    const found = problems(
      `version: 1
categories: [open, done]
accounts:
  nerds:
    vendor: thalamus
    token: \${NOT_SET}
    status_variants:
      - { id: a, label: A, maps_to: open }
      - { id: a, label: B, maps_to: open }
      - { id: b, label: B, maps_to: pending }
`,
      {},
    );
    expect(found).toContain('6:12: environment variable NOT_SET is not set');
    expect(found.some((p) => p.startsWith('9:9:') && p.includes('declared twice (first at statusform.yaml:8:9)'))).toBe(true);
    expect(found.some((p) => p.startsWith('10:37:') && p.includes('unknown category "pending"'))).toBe(true); // at maps_to itself
  });

  it('reports thousands of unknown categories at once, each at its own maps_to (an index, not a search per problem)', () => {
    const lines = Array.from({ length: 6000 }, (_, i) => `      - { id: s${i}, label: S${i}, maps_to: opn }\n`).join('');
    const found = problems(`version: 1\naccounts:\n  nerds:\n    vendor: thalamus\n    token: t\n    status_variants:\n${lines}`);
    expect(found).toHaveLength(6000);
    expect(found[0]).toMatch(/^7:\d+: .*unknown category "opn"/);
    expect(found[5999]).toMatch(/^6006:\d+: .*unknown category "opn"/);
    expect(found[5999]!.split(':')[1]).toBe(String('      - { id: s5999, label: S5999, maps_to: '.length + 1));
  });

  it('marks an unset environment variable with its code, so finding the state file needs no credential', () => {
    const yaml =
      'version: 1\nstate: ${STATE_DIR}/s.json\naccounts:\n  nerds:\n    vendor: thalamus\n    token: ${NOT_SET}\n    status_variants: []\n';
    const dir = tree({ 'statusform.yaml': yaml });
    const loaded = loadConfig('statusform.yaml', { cwd: dir, env: { STATE_DIR: 'states' } });
    expect(loaded.problems).toEqual([
      { position: { file: 'statusform.yaml', line: 6, col: 12 }, message: 'environment variable NOT_SET is not set', code: 'E_ENV_UNSET' },
    ]);
    expect(stateOfConfigAt('statusform.yaml', { cwd: dir, env: { STATE_DIR: 'states' } })).toEqual({
      location: { path: `${dir}/states/s.json`, layout: 'file', setting: 'states/s.json' },
      problems: [],
      secrets: [],
    });
    // An unset variable in the state setting itself still matters there.
    expect(stateOfConfigAt('statusform.yaml', { cwd: dir, env: {} }).problems.map((p) => p.message)).toContain(
      'state needs the environment variable STATE_DIR set',
    );
  });

  it('with unset variables allowed (mappings, shards), builds and checks every account, whatever type its unset values stand for', () => {
    const tt = (statuses: string) =>
      '  salon:\n    vendor: timetap\n    base_url: ${TT_URL}\n    api_key: ${TT_KEY}\n    private_key: ${TT_PRIVATE}\n' +
      `    business_id: \${TT_BUSINESS}\n    statuses:${statuses}`;
    const zd = '  support:\n    vendor: zendesk\n    subdomain: ${ZD_SUB}\n    token: ${ZD_TOKEN}\n    statuses: []\n';
    const load = (statuses: string) => {
      const dir = tree({ 'statusform.yaml': `version: 1\naccounts:\n${tt(statuses)}${zd}` });
      return loadConfig('statusform.yaml', { cwd: dir, env: {}, unsetEnvAllowed: true });
    };
    const ok = load('\n      - { sub_status: LATE, status: OPEN, sort_order: 1, user_selectable: true, maps_to: open }\n');
    expect(ok.problems).toEqual([]);
    expect(ok.config?.accounts.map((a) => a.name)).toEqual(['salon', 'support']);
    // The account is still checked: an unset business_id does not hide its items' problems.
    const wrong = load('\n      - { sub_status: LATE, status: OPEN, sort_order: 1, user_selectable: true, maps_to: opn }\n');
    expect(wrong.problems.map((p) => `${p.position.line}:${p.position.col}: ${p.message}`)).toEqual([
      expect.stringMatching(/^10:90: salon\.statuses\["LATE"\]: unknown category "opn"/),
    ]);
    // A variable never holds a list: said at the field's name, not dropped with the unset variable's message.
    expect(load(' ${TT_STATUSES}\n').problems.map((p) => `${p.position.line}:${p.position.col}: ${p.message}`)).toEqual([
      '9:5: accounts.salon.statuses: must be a list (got the text "${TT_STATUSES}")',
    ]);
  });

  it('refuses a renamed_from that names, in another case, a label still declared (Property Deck ignores case)', () => {
    const found = problems(
      estate(`      - { label: Hot, type: contact, renamed_from: [cold], maps_to: open }
      - { label: Cold, type: contact, maps_to: open }
`),
    );
    expect(found).toEqual([
      '8:9: estate.statuses["contact:Hot"]: renamed_from names "contact:cold", ' +
        'which is still declared (as estate.statuses["contact:Cold"])',
    ]);
  });

  it('refuses plain http to anything but loopback, and a missing base_url where the vendor has no default', () => {
    const found = problems(`version: 1
accounts:
  estate:
    vendor: propertydeck
    base_url: http://crm.example.com
    token: t
    statuses: []
`);
    expect(found).toEqual([
      '5:15: accounts.estate.base_url: base_url must be an https URL (plain http only to loopback): "http://crm.example.com"',
    ]);
  });

  it('refuses two statuses renamed from the same one (found by the convergence property)', () => {
    const found = problems(
      estate(`      - { label: Sold, type: property, maps_to: open, renamed_from: [Under Offer] }
      - { label: Let, type: property, maps_to: open, renamed_from: [Under Offer] }
`),
    );
    expect(found).toEqual([
      '9:9: estate.statuses["property:Let"]: renamed_from names "property:Under Offer", ' +
        'which estate.statuses["property:Sold"] (statusform.yaml:8:9) is already renamed from',
    ]);
  });

  it('reports a YAML syntax error at its position', () => {
    const found = problems('version: 1\naccounts:\n  nerds: {vendor: thalamus\n');
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatch(/^\d+:\d+: /);
  });

  it('merges a directory of files and refuses an account defined twice', () => {
    const dir = tree({
      'a.yaml': 'version: 1\naccounts:\n  nerds: { vendor: thalamus, token: t, status_variants: [] }\n',
      'b.yaml': 'version: 1\naccounts:\n  nerds: { vendor: thalamus, token: t, status_variants: [] }\n',
    });
    const r = loadConfig('.', { cwd: dir, env: {} });
    expect(r.problems.map((p) => `${p.position.file}:${p.position.line}:${p.position.col}: ${p.message}`)).toEqual([
      'b.yaml:3:3: account "nerds" is already defined at a.yaml:3:3',
    ]);
  });

  it('exits 1 from the CLI, printing file:line:col lines and no secret', async () => {
    const dir = tree({
      'statusform.yaml':
        'version: 1\naccounts:\n' +
        '  nerds: { vendor: thalamus, token: "${TH_TOKEN}", status_variants: [{ id: a, label: A, maps_to: nope }] }\n',
    });
    const r = await cli(['validate'], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^statusform\.yaml:3:\d+: .*unknown category "nope"/m);
    expect(r.stderr + r.stdout).not.toContain('th-secret-token');
  });
});

describe('account defaults derived from settings', () => {
  const stub = (derive?: VendorAdapter['accountDefaults']) =>
    ({ ...propertydeck, defaultBaseUrl: 'https://default.example', ...(derive ? { accountDefaults: derive } : {}) }) as VendorAdapter;
  const derive: VendorAdapter['accountDefaults'] = (s) => ({
    baseUrl: `https://${String(s['subdomain'])}.example.com`,
    rateLimit: s['plan'] === 'big' ? { requests: 2500, seconds: 60 } : { requests: 200, seconds: 60 },
  });

  it('takes the base URL and rate limit an adapter derives from the settings (a subdomain, a plan)', () => {
    expect(accountDefaults({ subdomain: 'acme', plan: 'big' }, stub(derive))).toEqual({
      baseUrl: 'https://acme.example.com',
      rateLimit: { requests: 2500, seconds: 60 },
    });
  });

  it('lets the account’s own base_url and rate_limit win, and falls back to the vendor’s defaults', () => {
    expect(
      accountDefaults({ subdomain: 'acme', base_url: 'https://proxy.example', rate_limit: { requests: 5, seconds: 1 } }, stub(derive)),
    ).toEqual({ baseUrl: 'https://proxy.example', rateLimit: { requests: 5, seconds: 1 } });
    expect(accountDefaults({}, stub())).toEqual({ baseUrl: 'https://default.example', rateLimit: propertydeck.defaultRateLimit });
  });
});
