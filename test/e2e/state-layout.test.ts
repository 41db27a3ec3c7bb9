// The state's two layouts, end to end: a new config's state directory (one file, lineage, serial
// and lock per account), the single state file an existing user keeps, and `state migrate`
// from the one to the other.

import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/state/lock.js';
import { world, type World } from './fixtures.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const SIM = { rateLimits: { propertydeck: false, timetap: false } } as const;
const status = (label: string) => `      - { label: "${label}", type: property, maps_to: open }\n`;
const sub = (name: string, order: number) => `      - { sub_status: ${name}, status: OPEN, sort_order: ${order}, maps_to: open }\n`;

/** Two accounts at two vendors: `estate` (Property Deck) and `salon` (TimeTap). */
function twoAccounts(estate: string, salon: string, top = ''): string {
  return `version: 1
${top}accounts:
  estate:
    vendor: propertydeck
    base_url: \${PROPERTYDECK_URL}
    token: \${PROPERTYDECK_TOKEN}
    rate_limit: { requests: 1000, seconds: 1 }
    statuses:
${estate}  salon:
    vendor: timetap
    base_url: \${TIMETAP_URL}
    api_key: \${TIMETAP_API_KEY}
    private_key: \${TIMETAP_PRIVATE_KEY}
    business_id: \${TIMETAP_BUSINESS_ID}
    rate_limit: { requests: 1000, seconds: 1 }
    statuses:
${salon}`;
}

const CONFIG = twoAccounts(status('For Sale') + status('Let Agreed'), sub('OPEN', 1) + sub('LATE', 2));
const accountFile = (w: World, name: string) =>
  JSON.parse(readFileSync(join(w.dir, 'statusform.state', `${name}.json`), 'utf8')) as {
    lineage: string;
    serial: number;
    accounts: Record<string, { vendor: string; origin?: string; tenant?: string; items: Record<string, unknown> }>;
  };
const pdWrites = (w: World) => w.sandbox.simulators.propertydeck.requests.filter((r) => r.method !== 'GET').length;

describe('a new configuration keeps its state in a directory, one file per account', () => {
  it('plans, applies and re-plans empty; each account has its own file, lineage and serial, and an apply rewrites only its own', async () => {
    w = await world(CONFIG, SIM);
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    expect(existsSync(join(w.dir, 'statusform.state.json'))).toBe(false);
    expect(readdirSync(join(w.dir, 'statusform.state')).sort()).toEqual(['estate.json', 'salon.json']); // no lock, no temporary file left
    const estate = accountFile(w, 'estate');
    const salon = accountFile(w, 'salon');
    expect(Object.keys(estate.accounts)).toEqual(['estate']);
    expect(Object.keys(salon.accounts)).toEqual(['salon']);
    expect(estate.lineage).not.toBe(salon.lineage);
    expect(salon.accounts['salon']).toMatchObject({ vendor: 'timetap', tenant: 'business_id 43111' });
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);

    writeFileSync(
      join(w.dir, 'statusform.yaml'),
      twoAccounts(status('For Sale') + status('Let Agreed') + status('Sold'), sub('OPEN', 1) + sub('LATE', 2)),
    );
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    expect(accountFile(w, 'estate')).toMatchObject({ lineage: estate.lineage, serial: expect.any(Number) });
    expect(accountFile(w, 'estate').serial).toBeGreaterThan(estate.serial);
    expect(accountFile(w, 'salon')).toEqual(salon); // untouched: nothing changed there
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it("locks only the accounts an apply writes: another account's held lock never blocks, the same account's is refused (exit 3) naming it", async () => {
    w = await world(CONFIG, SIM);
    mkdirSync(join(w.dir, 'statusform.state'));
    const release = acquireLock(join(w.dir, 'statusform.state', 'estate.json'), 'statusform apply (another run)');
    try {
      const salon = await w.run('apply', '--account', 'salon', '--auto-approve');
      expect(salon.code, salon.stderr).toBe(0);
      const estate = await w.run('apply', '--account', 'estate', '--auto-approve');
      expect(estate.code).toBe(3);
      expect(estate.stderr).toMatch(
        /Refused: estate: the state of account estate \(\S+estate\.json\) is locked by pid \d+ on \S+ \(statusform apply \(another run\), since /,
      );
      expect(estate.stderr).toContain('remove the lock with: statusform unlock --account estate\n'); // the default config: no -c
      const all = await w.run('apply', '--auto-approve'); // every account: estate is refused, salon has nothing left to do
      expect(all.code).toBe(3);
      expect(all.stdout).toContain('Accounts: 1 unchanged, 1 refused.');
      expect(pdWrites(w)).toBe(0);
      expect(existsSync(join(w.dir, 'statusform.state', 'salon.json.lock'))).toBe(false); // the lock it did take is released
    } finally {
      release();
    }
    expect((await w.run('apply', '--account', 'estate', '--auto-approve')).code).toBe(0);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('runs two applies on different accounts at the same time, both to the end', async () => {
    w = await world(CONFIG, SIM);
    const [estate, salon] = await Promise.all([
      w.run('apply', '--account', 'estate', '--auto-approve'),
      w.run('apply', '--account', 'salon', '--auto-approve'),
    ]);
    expect(estate.code, estate.stderr).toBe(0);
    expect(salon.code, salon.stderr).toBe(0);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it("refuses a saved plan's account once its state moved, and applies the others", async () => {
    w = await world(CONFIG, SIM);
    expect((await w.run('plan', '--account', 'estate', '--out', 'estate.json')).code).toBe(0);
    expect((await w.run('plan', '--out', 'all.json')).code).toBe(0);
    const saved = JSON.parse(readFileSync(join(w.dir, 'all.json'), 'utf8'));
    expect(saved.state).toEqual({ accounts: { estate: { lineage: '', serial: 0 }, salon: { lineage: '', serial: 0 } } });

    expect((await w.run('apply', '--account', 'salon', '--auto-approve')).code).toBe(0);
    const all = await w.run('apply', 'all.json');
    expect(all.code).toBe(3);
    expect(all.stderr).toMatch(
      /Refused: salon: the saved plan is stale \(the state of account salon changed since the plan was made \(serial 0 → \d+\)\)/,
    );
    expect(all.stderr).not.toContain('account estate');
    expect(pdWrites(w)).toBeGreaterThan(0); // salon moved, not estate: estate is applied as planned
    const again = await w.run('apply', 'estate.json');
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/the state of account estate changed since the plan was made \(serial 0 → \d+\)/);
  });

  it('unlock --account removes one account lock; unlock alone removes stale locks and names live ones', async () => {
    w = await world(CONFIG, SIM);
    mkdirSync(join(w.dir, 'statusform.state'));
    const lock = (name: string, pid: number, host: string) =>
      writeFileSync(
        join(w!.dir, 'statusform.state', `${name}.json.lock`),
        JSON.stringify({ pid, host, since: 'then', command: 'statusform apply' }),
      );
    lock('estate', 999_999_999, (await import('node:os')).hostname()); // a run gone from this host
    lock('salon', 1, 'elsewhere'); // a run on another machine: maybe still going
    const all = await w.run('unlock');
    expect(all.code).toBe(3);
    expect(all.stdout).toContain('estate: removed the lock left by pid 999999999');
    expect(all.stderr).toContain('salon: locked by pid 1 on elsewhere');
    expect(existsSync(join(w.dir, 'statusform.state', 'estate.json.lock'))).toBe(false);
    const one = await w.run('unlock', '--account', 'salon');
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('Removed the lock of account salon held by pid 1 on elsewhere');
    expect((await w.run('unlock')).stdout).toContain("No account's state was locked.");
  });
});

describe('an existing single state file', () => {
  const seeded = { 'statusform.state.json': '{"version":1,"lineage":"old-history","serial":7,"accounts":{}}\n' };

  it('keeps being used when it is there (no state directory appears), and plans empty after an apply', async () => {
    w = await world(CONFIG, SIM, seeded);
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    expect(existsSync(join(w.dir, 'statusform.state'))).toBe(false);
    expect(w.state()).toMatchObject({ lineage: 'old-history' });
    expect(w.state().serial).toBeGreaterThan(7);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('is split by state migrate: lineage, serial and binding kept per account, the old file renamed, and the next plan empty', async () => {
    w = await world(CONFIG, SIM, seeded);
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const before = JSON.parse(readFileSync(join(w.dir, 'statusform.state.json'), 'utf8'));
    const m = await w.run('state', 'migrate');
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toContain(
      'Split statusform.state.json into statusform.state/: 2 account files, each with the old lineage and serial.',
    );
    expect(existsSync(join(w.dir, 'statusform.state.json'))).toBe(false);
    expect(existsSync(join(w.dir, 'statusform.state.json.migrated'))).toBe(true);
    for (const name of ['estate', 'salon']) {
      expect(accountFile(w, name)).toEqual({
        version: 1,
        lineage: 'old-history',
        serial: before.serial,
        accounts: { [name]: before.accounts[name] },
      });
    }
    expect(readdirSync(join(w.dir, 'statusform.state')).sort()).toEqual(['estate.json', 'salon.json']);
    w.sandbox.simulators.propertydeck.resetRequests();
    const plan = await w.run('plan', '--detailed-exitcode');
    expect(plan.code, plan.stdout).toBe(0);

    const again = await w.run('state', 'migrate');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('the state is a directory already');
  });

  it('migrate refuses (exit 3) when the directory exists already, and tells a config that names the file to update "state"', async () => {
    w = await world(CONFIG, SIM, { ...seeded, 'statusform.state/keep.txt': 'mine\n' });
    const both = await w.run('plan');
    expect(both.code).toBe(1); // both beside the config: which one is the state is the user's call
    expect(both.stderr).toContain('both statusform.state.json and statusform.state/ are beside the configuration');
    const refused = await w.run('state', 'migrate', '-c', 'named.yaml');
    expect(refused.code).toBe(1); // no such config
    writeFileSync(join(w.dir, 'named.yaml'), twoAccounts(status('For Sale'), sub('OPEN', 1), 'state: statusform.state.json\n'));
    const exists = await w.run('state', 'migrate', '-c', 'named.yaml');
    expect(exists.code).toBe(3);
    expect(exists.stderr).toContain('statusform.state exists already; nothing was changed');
    expect(readFileSync(join(w.dir, 'statusform.state.json'), 'utf8')).toBe(seeded['statusform.state.json']);

    writeFileSync(join(w.dir, 'other.yaml'), twoAccounts(status('For Sale'), sub('OPEN', 1), 'state: other.json\n'));
    writeFileSync(join(w.dir, 'other.json'), seeded['statusform.state.json']);
    const named = await w.run('state', 'migrate', '-c', 'other.yaml');
    expect(named.code, named.stderr).toBe(0);
    expect(named.stdout).toContain('"state" in the configuration names the old file: set it to "other/".');
    const stale = await w.run('plan', '-c', 'other.yaml');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('was split into a state directory by statusform state migrate');
  });
});
