// A corpus of broken configurations: each is refused with exit 1 and a positioned message,
// and not one request reaches a vendor.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxEnv } from '../../src/sandbox/demo-data.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import {
  ZENDESK_SANDBOX_API_TOKEN,
  ZENDESK_SANDBOX_EMAIL,
  startZendeskSimulator,
  type ZendeskStore,
} from '../../src/vendors/zendesk/simulator.js';
import { cli, tempDir } from '../helpers.js';

let sandbox: Sandbox;
// Zendesk is not in the sandbox yet: its simulator runs beside it.
let zendesk: RunningSimulator<ZendeskStore>;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  sandbox = await startSandbox();
  zendesk = await startZendeskSimulator();
  env = {
    ...sandboxEnv(sandbox.simulators),
    ZENDESK_URL: zendesk.url,
    ZENDESK_EMAIL: ZENDESK_SANDBOX_EMAIL,
    ZENDESK_API_TOKEN: ZENDESK_SANDBOX_API_TOKEN,
  };
});
afterAll(async () => {
  await sandbox.close();
  await zendesk.close();
});

const TH = 'vendor: thalamus, base_url: "${THALAMUS_URL}", token: "${THALAMUS_TOKEN}"';
const PD = 'vendor: propertydeck, base_url: "${PROPERTYDECK_URL}", token: "${PROPERTYDECK_TOKEN}"';
const TT =
  'vendor: timetap, base_url: "${TIMETAP_URL}", api_key: "${TIMETAP_API_KEY}", private_key: "${TIMETAP_PRIVATE_KEY}", business_id: 43111';
const SR =
  'vendor: serieshr, base_url: "${SERIES_URL}", api_key: "${SERIES_API_KEY}", ' +
  'staff_user_id: 1, mappings: { open: open, in-progress: open, resolved: solved, closed: closed }';
const SB =
  'vendor: spacebring, base_url: "${SPACEBRING_URL}", client_id: "${SPACEBRING_CLIENT_ID}", client_secret: ' +
  '"${SPACEBRING_CLIENT_SECRET}", mappings: { new: new, inProgress: open, solved: solved, closed: closed }';
const ZD = 'vendor: zendesk, base_url: "${ZENDESK_URL}", email: "${ZENDESK_EMAIL}", api_token: "${ZENDESK_API_TOKEN}"';
const acc = (body: string) => `version: 1\naccounts:\n  a: { ${body} }\n`;
const variant = (v: string) => acc(`${TH}, status_variants: [${v}]`);
const status = (s: string) => acc(`${PD}, statuses: [${s}]`);
const tt = (s: string) => acc(`${TT}, statuses: [${s}]`);
const zd = (s: string) => acc(`${ZD}, statuses: [${s}]`);
const zdMany = (n: number, category: string) =>
  Array.from({ length: n }, (_, i) => `{ agent_label: S${i}, maps_to: ${category} }`).join(', ');

const corpus: [string, string | Buffer][] = [
  ['empty file', ''],
  ['a scalar', 'hello'],
  ['a list', '- 1\n- 2\n'],
  ['tab indentation', 'version: 1\naccounts:\n\ta: {}\n'],
  ['unclosed flow map', 'version: 1\naccounts:\n  a: { vendor: thalamus\n'],
  ['unclosed quote', 'version: 1\naccounts:\n  a: { vendor: "thalamus }\n'],
  ['bad indentation', 'version: 1\n accounts:\n  a: {}\n'],
  ['duplicate top-level key', 'version: 1\nversion: 1\naccounts: {}\n'],
  ['duplicate account', `version: 1\naccounts:\n  a: { ${TH}, status_variants: [] }\n  a: { ${TH}, status_variants: [] }\n`],
  ['missing version', 'accounts: {}\n'],
  ['version 2', 'version: 2\naccounts: {}\n'],
  ['version as string', 'version: "1"\naccounts: {}\n'],
  ['missing accounts', 'version: 1\n'],
  ['accounts as list', 'version: 1\naccounts: [a, b]\n'],
  ['state as a number', `version: 1\nstate: 5\naccounts:\n  a: { ${TH}, status_variants: [] }\n`],
  ['state as a list', `version: 1\nstate: [x]\naccounts:\n  a: { ${TH}, status_variants: [] }\n`],
  ['unknown top-level field', 'version: 1\naccounts: {}\nextra: true\n'],
  ['unknown vendor', acc('vendor: freshdesk, token: x')],
  ['vendor missing', acc('token: x')],
  ['vendor as number', acc('vendor: 7')],
  ['bad account name', `version: 1\naccounts:\n  "bad name": { ${TH}, status_variants: [] }\n`],
  ['unknown account field', acc(`${TH}, status_variants: [], colour: red`)],
  ['token missing', acc('vendor: thalamus, status_variants: []')],
  ['token empty', acc('vendor: thalamus, token: "", status_variants: []')],
  ['token as a list', acc('vendor: thalamus, token: [a, b], status_variants: []')],
  // (in a label: an unset credential or URL is no error for validate, which needs no secret)
  ['missing env variable', acc('vendor: thalamus, token: t, status_variants: [{ id: a, label: "${NOPE_NOT_SET}", maps_to: open }]')],
  ['malformed env reference', acc('vendor: thalamus, token: "${1BAD}", status_variants: []')],
  ['plain http to a remote host', acc(`vendor: thalamus, base_url: "http://api.example.com", token: t, status_variants: []`)],
  ['base_url not a URL', acc(`vendor: thalamus, base_url: "not a url", token: t, status_variants: []`)],
  ['propertydeck without base_url', acc('vendor: propertydeck, token: t, statuses: []')],
  ['rate_limit zero', acc(`${TH}, rate_limit: { requests: 0, seconds: 1 }, status_variants: []`)],
  ['rate_limit missing seconds', acc(`${TH}, rate_limit: { requests: 5 }, status_variants: []`)],
  ['prune as string', acc(`${TH}, prune: "yes", status_variants: []`)],
  ['variants not a list', acc(`${TH}, status_variants: {}`)],
  ['variant without id', variant('{ label: A, maps_to: open }')],
  ['variant id empty', variant('{ id: "", label: A, maps_to: open }')],
  ['variant id too long', variant(`{ id: ${'x'.repeat(257)}, label: A, maps_to: open }`)],
  ['variant label too long', variant(`{ id: a, label: ${'y'.repeat(129)}, maps_to: open }`)],
  ['variant unknown category', variant('{ id: a, label: A, maps_to: waiting }')],
  ['variant declared twice', variant('{ id: a, label: A, maps_to: open }, { id: a, label: B, maps_to: open }')],
  ['variant unknown field', variant('{ id: a, label: A, maps_to: open, colour: red }')],
  ['status bad type', status('{ label: A, type: house, maps_to: open }')],
  ['status without label', status('{ type: contact, maps_to: open }')],
  [
    'status declared twice (whitespace)',
    status('{ label: "A  B", type: contact, maps_to: open }, { label: "A B", type: contact, maps_to: open }'),
  ],
  [
    'renamed_from a declared status',
    status('{ label: A, type: contact, maps_to: open, renamed_from: [B] }, { label: B, type: contact, maps_to: open }'),
  ],
  [
    'two renames of one status',
    status('{ label: A, type: contact, maps_to: open, renamed_from: [Z] }, { label: B, type: contact, maps_to: open, renamed_from: [Z] }'),
  ],
  ['allow_delete as string', acc(`${PD}, allow_delete: "true", statuses: []`)],
  ['timetap bad status', tt('{ sub_status: A, status: MAYBE, maps_to: open }')],
  ['timetap business_id string', acc(`vendor: timetap, api_key: k, private_key: p, business_id: abc, statuses: []`)],
  ['depends_on unknown key', tt('{ sub_status: A, status: OPEN, maps_to: open, depends_on: [Z] }')],
  [
    'depends_on cycle',
    tt('{ sub_status: A, status: OPEN, maps_to: open, depends_on: [B] }, { sub_status: B, status: OPEN, maps_to: open, depends_on: [A] }'),
  ],
  ['depends_on self', tt('{ sub_status: A, status: OPEN, maps_to: open, depends_on: [A] }')],
  ['series mapping gap', acc('vendor: serieshr, api_key: k, staff_user_id: 1, mappings: { open: open }, tickets: []')],
  [
    'series mapping to unknown category',
    acc(
      'vendor: serieshr, api_key: k, staff_user_id: 1, ' +
        'mappings: { open: open, in-progress: open, resolved: done, closed: closed }, tickets: []',
    ),
  ],
  ['series ticket with both', acc(`${SR}, tickets: [{ id: T, status: open, category: open }]`)],
  ['series ticket with neither', acc(`${SR}, tickets: [{ id: T }]`)],
  ['series ticket bad status', acc(`${SR}, tickets: [{ id: T, status: pending }]`)],
  ['series category without a status', acc(`${SR}, tickets: [{ id: T, category: hold }]`)],
  ['series rule without set', acc(`${SR}, tickets: [], rules: [{ where: { status: open } }]`)],
  ['spacebring rule without location', acc(`${SB}, tickets: [], rules: [{ where: { status: new }, set: { status: closed } }]`)],
  [
    'spacebring both auths',
    acc(
      'vendor: spacebring, client_id: a, client_secret: b, token: c, network_id: d, ' +
        'mappings: { new: new, inProgress: open, solved: solved, closed: closed }, tickets: []',
    ),
  ],
  [
    'spacebring half an auth',
    acc('vendor: spacebring, token: c, mappings: { new: new, inProgress: open, solved: solved, closed: closed }, tickets: []'),
  ],
  ['zendesk agent_label over 48 characters', zd(`{ agent_label: ${'z'.repeat(49)}, maps_to: open }`)],
  ['zendesk end_user_label over 48 characters', zd(`{ agent_label: A, end_user_label: ${'z'.repeat(49)}, maps_to: open }`)],
  ['zendesk status in the new category', zd('{ agent_label: Fresh, maps_to: new }')],
  ['zendesk closed category', zd('{ agent_label: Done, maps_to: closed }')],
  ['zendesk declared twice in another case', zd('{ agent_label: Waiting, maps_to: pending }, { agent_label: WAITING, maps_to: hold }')],
  ['zendesk built-in placeholder', zd('{ agent_label: "{{zd.status_open}}", maps_to: open }')],
  ['zendesk 101 in one category', zd(zdMany(101, 'pending'))],
  [
    'zendesk 301 in the account',
    zd(
      [
        zdMany(100, 'open'),
        zdMany(100, 'pending').replace(/S(\d+)/g, 'P$1'),
        zdMany(100, 'hold').replace(/S(\d+)/g, 'H$1'),
        '{ agent_label: X, maps_to: solved }',
      ].join(', '),
    ),
  ],
  ['zendesk both auths', acc('vendor: zendesk, subdomain: acme, email: a@b.c, api_token: t, token: o, statuses: []')],
  ['zendesk email without api_token', acc('vendor: zendesk, subdomain: acme, email: a@b.c, statuses: []')],
  ['zendesk neither subdomain nor base_url', acc('vendor: zendesk, token: o, statuses: []')],
  ['zendesk bad subdomain', acc('vendor: zendesk, subdomain: "acme.evil.com/x", token: o, statuses: []')],
  ['zendesk unknown plan', acc('vendor: zendesk, subdomain: acme, token: o, plan: platinum, statuses: []')],
  ['categories not unique', `version: 1\ncategories: [open, open]\naccounts: {}\n`],
  ['categories empty', `version: 1\ncategories: []\naccounts: {}\n`],
  ['category with spaces', `version: 1\ncategories: ["in progress"]\naccounts: {}\n`],
  ['safety percent over 100', acc(`${TH}, safety: { max_update_percent: 150 }, status_variants: []`)],
  [
    'alias bomb',
    'version: 1\na: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n' +
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n' +
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\naccounts: {}\n',
  ],
  [
    'not UTF-8',
    Buffer.concat([Buffer.from('version: 1\naccounts:\n  a: { vendor: "th'), Buffer.from([0xff, 0xfe]), Buffer.from('alamus" }\n')]),
  ],
  ['huge file', `version: 1\naccounts: {}\n# ${'x'.repeat(9 * 1024 * 1024)}\n`],
  ['binary junk', Buffer.from([0x00, 0x01, 0x02, 0x03, 0xc3, 0x28])],
];

describe('a corpus of broken configurations', () => {
  /** Each case's first positioned message, to show that no two cases test the same thing. */
  const firstMessage = new Map<string, string>();

  it.each(corpus)('%s: exit 1 with a positioned message, no request to any vendor', async (name, content) => {
    const dir = tempDir('statusform-bad-');
    writeFileSync(join(dir, 'statusform.yaml'), content);
    const before = [...Object.values(sandbox.simulators), zendesk].reduce((n, s) => n + s.requests.length, 0);
    for (const command of ['validate', 'plan', 'apply']) {
      const r = await cli(command === 'apply' ? [command, '--auto-approve'] : [command], { cwd: dir, env });
      expect(r.code, `${command}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/^statusform\.yaml:\d+:\d+: \S/m);
      if (command === 'validate') firstMessage.set(name, /^statusform\.yaml:\d+:\d+: .*$/m.exec(r.stderr)![0]);
    }
    const after = [...Object.values(sandbox.simulators), zendesk].reduce((n, s) => n + s.requests.length, 0);
    expect(after).toBe(before);
  });

  it('refuses every case for a reason of its own: no two give the same first message', () => {
    const byMessage = new Map<string, string[]>();
    for (const [name, message] of firstMessage) byMessage.set(message, [...(byMessage.get(message) ?? []), name]);
    expect([...byMessage.values()].filter((names) => names.length > 1)).toEqual([]);
    expect(firstMessage.size).toBe(corpus.length);
  });
});
