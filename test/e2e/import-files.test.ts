// import into the files a user keeps: the account's own file of a config directory, a file of many
// accounts whose every other byte stays, and an account with nothing of its own to import.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROPERTYDECK_SANDBOX_TOKEN } from '../../src/vendors/propertydeck/simulator.js';
import { cli } from '../helpers.js';
import { pgAvailable, startPostgres, type PgServer } from '../state/pg-server.js';
import { PD_ACCOUNT, world, type World } from './fixtures.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const estateFile = `vendor: propertydeck
base_url: \${PROPERTYDECK_URL}
token: \${PROPERTYDECK_TOKEN}
statuses:
  - { label: For Sale, type: property, maps_to: open }   # reviewed
`;
const seed = {
  statuses: [
    { label: 'For Sale', type: 'property' as const },
    { label: 'Hot Lead', type: 'contact' as const },
  ],
};

async function layout(): Promise<World> {
  return world(
    'version: 1\n',
    { seeds: { propertydeck: seed }, rateLimits: { propertydeck: false } },
    {
      'accounts/estate.yaml': estateFile,
    },
  );
}

describe('statusform import into a config directory', () => {
  it("writes into the account's own file (accounts/estate.yaml) when --out names the directory; the account stays defined once", async () => {
    w = await layout();
    const r = await w.run('import', '--account', 'estate', '-c', '.', '--out', '.');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Imported 1 item of estate into accounts/estate.yaml');
    const text = readFileSync(join(w.dir, 'accounts', 'estate.yaml'), 'utf8');
    expect(text.startsWith(estateFile)).toBe(true);
    expect(text.slice(estateFile.length)).toMatch(
      /^ {2}# Imported by statusform from estate \(propertydeck\)[^\n]*\n(\s+#[^\n]*\n)* {2}- label: Hot Lead\n/,
    );
    const plan = await w.run('plan', '--detailed-exitcode');
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
  });

  it('refuses a new file the config directory would read, since the account would be defined twice', async () => {
    w = await layout();
    const r = await w.run('import', '--account', 'estate', '--out', 'accounts/estate-live.yaml');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "accounts/estate-live.yaml would be read as part of the configuration, and estate would be defined twice; write the import into the account's own file, accounts/estate.yaml",
    );
    expect(existsSync(join(w.dir, 'accounts', 'estate-live.yaml'))).toBe(false);
  });

  it('prints the import of an account file as an account file: no version, no accounts:', async () => {
    w = await layout();
    const r = await w.run('import', '--account', 'estate');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/^(version|accounts):/m);
    expect(r.stdout).toMatch(/^vendor: propertydeck\n/m);
    expect(r.stdout).toContain('token: ${PROPERTYDECK_TOKEN}');
    expect(r.stdout).toMatch(/- label: Hot Lead\n\s+type: contact/);
  });
});

describe('statusform import into a file of many accounts', () => {
  // CRLF line ends, aligned comments, flow spacing, a `>-` scalar and double blank lines, in the
  // other accounts and in the imported one.
  const before = [
    '# accounts of the estate agency',
    'version: 1',
    'accounts:',
    '  nerds:                       # the helpdesk',
    '    vendor: thalamus',
    '    base_url: ${THALAMUS_URL}',
    '    token:    ${THALAMUS_TOKEN}   # aligned on purpose',
    '    status_variants:',
    '      - {  id: a ,  label: "A" , maps_to: open }',
    '      - id: b',
    '        label: >-',
    '          A long label',
    '          folded over lines',
    '        maps_to: hold',
    '',
    '',
    '  estate:',
    '    vendor: propertydeck',
    '    base_url: ${PROPERTYDECK_URL}',
    '    token: ${PROPERTYDECK_TOKEN}',
    '    statuses:',
    '      - { label: For Sale ,   type: property, maps_to: open }     # kept',
    '',
    '',
    '# the end',
    '',
  ];
  const crlf = (lines: string[]) => lines.join('\r\n');

  it('adds only the new items to that account and keeps every other byte, CRLF and all', async () => {
    w = await world(crlf(before), { seeds: { propertydeck: seed }, rateLimits: { propertydeck: false } });
    const r = await w.run('import', '--account', 'estate', '--out', 'statusform.yaml');
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(w.dir, 'statusform.yaml'), 'utf8');
    const cut = crlf(before.slice(0, 22)).length + 2; // after the estate's last item and its line end
    const original = crlf(before);
    expect(text.slice(0, cut)).toBe(original.slice(0, cut));
    expect(text.endsWith(original.slice(cut))).toBe(true);
    const added = text.slice(cut, text.length - (original.length - cut));
    expect(added).toMatch(/^( {6}#[^\r\n]*\r\n)+ {6}- label: Hot Lead\r\n {8}type: contact\r\n {8}maps_to: [a-z]+\r\n$/);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    expect((await w.run('plan', '--account', 'estate', '--detailed-exitcode')).code).toBe(0);
  });
});

describe("statusform import --out into the account's own file, written only when it reads back right", () => {
  const pd = 'vendor: propertydeck\nbase_url: ${PROPERTYDECK_URL}\ntoken: ${PROPERTYDECK_TOKEN}\n';

  it('adds to a flow list closed by `]` on its own line, or ending in a trailing comma, and the plan right after is empty', async () => {
    for (const statuses of [
      'statuses: [\n  { label: For Sale, type: property, maps_to: open },\n]\n',
      'statuses: [\n  { label: For Sale, type: property, maps_to: open }   # kept\n]\n',
      'statuses: [{ label: For Sale, type: property, maps_to: open }, ]\n',
    ]) {
      w = await world(
        'version: 1\n',
        { seeds: { propertydeck: seed }, rateLimits: { propertydeck: false } },
        {
          'accounts/estate.yaml': pd + statuses,
        },
      );
      const r = await w.run('import', '--account', 'estate', '-c', '.', '--out', '.');
      expect(r.code, `${statuses}${r.stderr}`).toBe(0);
      const text = readFileSync(join(w.dir, 'accounts', 'estate.yaml'), 'utf8');
      expect(text, statuses).not.toMatch(/,\s*,/);
      expect(text, statuses).toMatch(/\n +\{ label: Hot Lead, type: contact, maps_to: [a-z]+ \}/);
      const plan = await w.run('plan', '--detailed-exitcode');
      expect(plan.code, `${statuses}${text}${plan.stdout}${plan.stderr}`).toBe(0);
      await w.close();
      w = undefined;
    }
  });

  it('keeps the byte order mark of an account file, and lists its statuses at their own indentation', async () => {
    w = await world(
      'version: 1\n',
      { seeds: { propertydeck: seed }, rateLimits: { propertydeck: false } },
      {
        'accounts/estate.yaml': `\uFEFFstatuses: []\n${pd}`,
      },
    );
    const r = await w.run('import', '--account', 'estate', '-c', '.', '--out', '.');
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(w.dir, 'accounts', 'estate.yaml'), 'utf8');
    expect(text).toMatch(/^\uFEFFstatuses:\n( {2}#[^\n]*\n)* {2}- label: Hot Lead\n {4}type: contact\n/);
    expect(text).toMatch(/\n {2}- label: For Sale\n {4}type: property\n/);
    expect(text.endsWith(`\n${pd}`)).toBe(true);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('refuses (exit 3) an account that inherits its statuses through a `<<` merge key: the file and the state stay as they were', async () => {
    const config = `version: 1
accounts:
  estate: &estate
    vendor: propertydeck
    base_url: \${PROPERTYDECK_URL}
    token: \${PROPERTYDECK_TOKEN}
    statuses:
      - { label: For Sale, type: property, maps_to: open }
  annex:
    <<: *estate
    rate_limit: { requests: 100, seconds: 1 }
`;
    w = await world(config, { seeds: { propertydeck: seed }, rateLimits: { propertydeck: false } });
    const r = await w.run('import', '--account', 'annex', '--out', 'statusform.yaml');
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('cannot add the imported items to statusform.yaml in place');
    expect(r.stderr).toContain('`<<` merge key');
    expect(r.stderr).toContain('add the items by hand, or run import without --out');
    expect(readFileSync(join(w.dir, 'statusform.yaml'), 'utf8')).toBe(config);
    // Nothing adopted: the state holds no account.
    expect(readdirSync(join(w.dir, 'statusform.state')).filter((f) => f.endsWith('.json'))).toEqual([]);
  });

  it('refuses (exit 3) to add to a list another account reads through its anchor, which would change that account too', async () => {
    const config = `version: 1
accounts:
  estate:
    vendor: propertydeck
    base_url: \${PROPERTYDECK_URL}
    token: \${PROPERTYDECK_TOKEN}
    statuses: &listed
      - { label: For Sale, type: property, maps_to: open }
  annex:
    vendor: propertydeck
    base_url: \${PROPERTYDECK_URL}
    token: \${PROPERTYDECK_TOKEN}
    statuses: *listed
`;
    w = await world(config, { seeds: { propertydeck: seed }, rateLimits: { propertydeck: false } });
    const r = await w.run('import', '--account', 'estate', '--out', 'statusform.yaml');
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('cannot add the imported items to statusform.yaml in place');
    expect(r.stderr).toContain('would change other values of the file too');
    expect(readFileSync(join(w.dir, 'statusform.yaml'), 'utf8')).toBe(config);
    expect(readdirSync(join(w.dir, 'statusform.state')).filter((f) => f.endsWith('.json'))).toEqual([]);
  });

  it("keeps credentials written in the file as they are, its own and another account's, and scrubs only what the vendor gave", async () => {
    const other = 'nerds-literal-token-0042';
    const config = `version: 1
accounts:
  nerds:
    vendor: thalamus
    base_url: \${THALAMUS_URL}
    token: ${other}
    status_variants: []
  estate:
    vendor: propertydeck
    base_url: \${PROPERTYDECK_URL}
    token: ${PROPERTYDECK_SANDBOX_TOKEN}
    statuses:
      - { label: For Sale, type: property, maps_to: open }
`;
    const leaky = { statuses: [...seed.statuses, { label: `Call ${PROPERTYDECK_SANDBOX_TOKEN}`, type: 'contact' as const }] };
    w = await world(config, { seeds: { propertydeck: leaky }, rateLimits: { propertydeck: false } });
    const r = await w.run('import', '--account', 'estate', '--out', 'statusform.yaml');
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(w.dir, 'statusform.yaml'), 'utf8');
    expect(text.startsWith(config)).toBe(true);
    const added = text.slice(config.length);
    expect(added).toContain('- label: Call [redacted]');
    expect(added).toContain('- label: Hot Lead');
    expect(added).not.toContain(PROPERTYDECK_SANDBOX_TOKEN);
  });
});

describe.skipIf(!pgAvailable)('statusform import --out into a file that names its PostgreSQL state literally', () => {
  let server: PgServer;
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => server?.stop());

  it("keeps the state's URL, password and all, as the user wrote it in the file", async () => {
    const url = server.url('Import-Pg-Secret-5521');
    const config = PD_ACCOUNT('      - { label: For Sale, type: property, maps_to: open }\n').replace(
      'version: 1\n',
      `version: 1\nstate:\n  backend: postgres\n  url: ${url}\n  schema: import_in_place\n`,
    );
    w = await world(config, { seeds: { propertydeck: seed }, rateLimits: { propertydeck: false } });
    const r = await w.run('import', '--account', 'estate', '--out', 'statusform.yaml');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('Import-Pg-Secret-5521');
    const text = readFileSync(join(w.dir, 'statusform.yaml'), 'utf8');
    expect(text.startsWith(config)).toBe(true);
    expect(text.slice(config.length)).toContain('- label: Hot Lead');
  });
});

describe('statusform import of an account with nothing of its own', () => {
  it('says a TimeTap business with only the shared defaults has nothing to import, and why; it writes nothing', async () => {
    const config =
      'version: 1\naccounts:\n  salon:\n    vendor: timetap\n    base_url: ${TIMETAP_URL}\n    api_key: ${TIMETAP_API_KEY}\n' +
      '    private_key: ${TIMETAP_PRIVATE_KEY}\n    business_id: ${TIMETAP_BUSINESS_ID}\n    statuses: []\n';
    w = await world(config);
    const printed = await w.run('import', '--account', 'salon');
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toBe('');
    expect(printed.stderr).toMatch(
      /Nothing to import from salon \(timetap\): the \d+ statuses it shows are shared defaults, not its own \(declaring one in the config creates salon's own copy\)/,
    );
    const out = await cli(['import', '--account', 'salon', '--out', 'salon.yaml'], { cwd: w.dir, env: w.env });
    expect(out.code).toBe(0);
    expect(existsSync(join(w.dir, 'salon.yaml'))).toBe(false);
  });
});
