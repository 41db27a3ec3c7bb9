// Many accounts: planned in CI shards (`--shard K/N`), merged into one comment (`show`), and an
// account that cannot be read shown as an error of its own while every other account is planned.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { shardOf } from '../../src/engine/shard.js';
import { expectWirePlan } from '../helpers.js';
import { PD_ACCOUNT, TH_ACCOUNT, TT_ACCOUNT, world, type World } from './fixtures.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const FAST = '    rate_limit: { requests: 200, seconds: 1 }\n';
const pd = (label: string) => `      - { label: "${label}", type: property, maps_to: open }\n`;
const th = (id: string, label: string) => `      - { id: ${id}, label: "${label}", maps_to: open }\n`;
const tt = (sub: string, order: number) =>
  `      - { sub_status: ${sub}, status: OPEN, sort_order: ${order}, user_selectable: true, maps_to: open }\n`;
const body = (config: string) => config.replace('version: 1\naccounts:\n', '');

/** Three accounts at three vendors, in name order: estate (Property Deck), nerds (Thalamus), salon (TimeTap). */
function fleet(extra = ''): string {
  return (
    PD_ACCOUNT(pd('For Sale') + pd('Let Agreed'), FAST + extra) +
    body(TH_ACCOUNT(th('a', 'Alpha'), FAST)) +
    body(TT_ACCOUNT(tt('OPEN', 1) + tt('LATE', 2)))
  );
}

const NAMES = ['estate', 'nerds', 'salon'];
const writesTo = (w: World) => ({
  estate: w.sandbox.simulators.propertydeck.requests.filter((r) => r.method !== 'GET').length,
  nerds: w.sandbox.simulators.thalamus.requests.filter((r) => r.method !== 'GET').length,
  salon: w.sandbox.simulators.timetap.requests.filter((r) => r.method !== 'GET').length,
});

describe('sharded plans, merged by show', () => {
  it('two shard plans shown together read exactly as the unsharded plan (text, markdown, JSON actions)', async () => {
    w = await world(fleet(), { rateLimits: { propertydeck: false } });
    const all = await w.run('plan', '--out', 'all.json');
    expect(all.code).toBe(0);
    const s1 = await w.run('plan', '--shard', '1/2', '--out', 'plan-1.json');
    const s2 = await w.run('plan', '--shard', '2/2', '--out', 'plan-2.json');
    expect([s1.code, s2.code]).toEqual([0, 0]);
    const plan1 = JSON.parse(readFileSync(join(w.dir, 'plan-1.json'), 'utf8'));
    expect(plan1.options.shard).toBe('1/2');
    expect(plan1.accounts.map((a: { name: string }) => a.name)).toEqual(NAMES.filter((n) => shardOf(n, 2) === 1));

    const merged = await w.run('show', 'plan-1.json', 'plan-2.json');
    expect(merged.code).toBe(0);
    expect(merged.stdout).toBe(all.stdout);
    expect((await w.run('show', 'plan-2.json', 'plan-1.json')).stdout).toBe(all.stdout);
    const md = await w.run('show', 'plan-1.json', 'plan-2.json', '--format', 'markdown');
    expect(md.stdout).toBe((await w.run('plan', '--format', 'markdown')).stdout);
    const json = expectWirePlan((await w.run('show', 'plan-1.json', 'plan-2.json', '--format', 'json')).stdout, 'show --format json') as {
      actions: unknown;
      summary: unknown;
    };
    const whole = JSON.parse(readFileSync(join(w.dir, 'all.json'), 'utf8'));
    expect(json.actions).toEqual(whole.actions);
    expect(json.summary).toEqual(whole.summary);
    expect((await w.run('show', 'plan-1.json', 'plan-2.json', '--detailed-exitcode')).code).toBe(2);
  });

  it('refuses plans that overlap, or that were made from another configuration', async () => {
    w = await world(fleet(), { rateLimits: { propertydeck: false } });
    await w.run('plan', '--out', 'all.json');
    await w.run('plan', '--shard', '1/2', '--out', 'plan-1.json');
    const overlap = await w.run('show', 'all.json', 'plan-1.json');
    expect(overlap.code).toBe(1);
    expect(overlap.stderr).toMatch(/account \w+ is in both all\.json and plan-1\.json: shards must not overlap/);
    writeFileSync(join(w.dir, 'statusform.yaml'), fleet().replace('"Let Agreed"', '"Sold"'));
    await w.run('plan', '--shard', '2/2', '--out', 'plan-2.json');
    const other = await w.run('show', 'plan-1.json', 'plan-2.json');
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('plan-2.json was made from another configuration than plan-1.json');
  });

  it("a shard checks and builds its own accounts only: another shard's broken account or unset variable is not its problem", async () => {
    const broken =
      '  broken:\n    vendor: thalamus\n    base_url: ${THALAMUS_URL}\n    token: ${NOBODY_SET_THIS}\n' +
      '    colour: blue\n    prune: ${not a name}\n    status_variants: []\n';
    w = await world(fleet() + broken, { rateLimits: { propertydeck: false } });
    const theirs = shardOf('broken', 2);
    const ours = 3 - theirs;
    const whole = await w.run('validate');
    expect(whole.code).toBe(1);
    expect(whole.stderr).toMatch(/accounts\.broken: unknown field "colour"/);
    expect(whole.stderr).not.toMatch(/NOBODY_SET_THIS/); // a credential: validate needs none
    const mine = await w.run('plan', '--shard', `${ours}/2`, '--out', `plan-${ours}.json`);
    expect(mine.code, mine.stderr).toBe(0);
    for (const n of NAMES.filter((x) => shardOf(x, 2) === ours)) expect(mine.stdout).toContain(`${n}.`);
    const other = await w.run('plan', '--shard', `${theirs}/2`);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/environment variable NOBODY_SET_THIS is not set/);
    expect(other.stderr).toMatch(/accounts\.broken: unknown field "colour"/);
    expect(other.stderr).toMatch(/"\$\{not a name\}" is not a valid environment reference/);
    expect(mine.stderr).not.toMatch(/valid environment reference|NOBODY_SET_THIS|colour/);
    // --account selects the same way
    expect((await w.run('plan', '--account', 'nerds')).code).toBe(0);
    expect((await w.run('plan', '--account', 'broken')).code).toBe(1);
  });

  it("a saved shard plan stays valid when another shard's account changes, and goes stale when its own does", async () => {
    w = await world(fleet(), { rateLimits: { propertydeck: false } });
    const estate = shardOf('estate', 2);
    expect(shardOf('nerds', 2)).not.toBe(estate); // the names hash so: nerds is planned by the other shard
    expect((await w.run('plan', '--shard', `${estate}/2`, '--out', 'p.json')).code).toBe(0);
    const config = join(w.dir, 'statusform.yaml');
    const original = readFileSync(config, 'utf8');
    writeFileSync(config, original.replace('"Alpha"', '"Alpha 2"'));
    expect((await w.run('plan', '--shard', `${estate}/2`, '--out', 'q.json')).code).toBe(0);
    const p = JSON.parse(readFileSync(join(w.dir, 'p.json'), 'utf8'));
    const q = JSON.parse(readFileSync(join(w.dir, 'q.json'), 'utf8'));
    expect(q.config_digest).toBe(p.config_digest);
    expect(q.config_files_digest).not.toBe(p.config_files_digest);
    // The plan of this shard applies though another shard's account changed since…
    expect((await w.run('apply', 'p.json')).code).toBe(0);
    expect(writesTo(w).estate).toBeGreaterThan(0);
    expect(writesTo(w).nerds).toBe(0);
    // …but not once one of its own accounts changed.
    expect((await w.run('plan', '--shard', `${estate}/2`, '--out', 'r.json')).code).toBe(0);
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace('rate_limit: { requests: 200, seconds: 1 }', 'rate_limit: { requests: 150, seconds: 1 }'),
    );
    const stale = await w.run('apply', 'r.json');
    expect(stale.code).toBe(3);
    expect(stale.stderr).toContain(
      'Refused: estate: the saved plan is stale (the configuration of account estate changed since the plan was made)',
    );
  });

  it('apply --shard writes only to its shard, and a saved shard plan applies just that shard', async () => {
    w = await world(fleet(), { rateLimits: { propertydeck: false } });
    expect((await w.run('plan', '--shard', '1/2', '--out', 'plan-1.json')).code).toBe(0);
    expect((await w.run('apply', 'plan-1.json')).code).toBe(0);
    const mine = NAMES.filter((n) => shardOf(n, 2) === 1);
    const writes = writesTo(w);
    for (const n of NAMES) expect(writes[n as keyof typeof writes] > 0, n).toBe(mine.includes(n));
    expect((await w.run('apply', '--shard', '2/2', '--auto-approve')).code).toBe(0);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('refuses a shard that is not K/N with 1 ≤ K ≤ N', async () => {
    w = await world(fleet());
    for (const bad of ['0/2', '3/2', '1', 'a/b']) {
      const r = await w.run('plan', '--shard', bad);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('--shard must be K/N with 1 ≤ K ≤ N');
    }
  });
});

describe('an account that cannot be read does not hide the others', () => {
  async function withDeadPropertyDeck(): Promise<World> {
    const made = await world(fleet(), { rateLimits: { propertydeck: false } });
    made.env['PROPERTYDECK_URL'] = 'http://127.0.0.1:9'; // nothing listens there
    return made;
  }

  it('plan shows it as an error of that account, plans every other one, and exits 1', async () => {
    w = await withDeadPropertyDeck();
    const r = await w.run('plan');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('+ nerds.status_variants["a"]');
    expect(r.stdout).toContain('+ salon.statuses["LATE"]');
    expect(r.stdout).toMatch(/✗ estate\.statuses: cannot read live state: cannot connect to 127\.0\.0\.1:9/);
    expect(r.stderr).toMatch(/Error: estate\.statuses: cannot read live state/);
    const md = await w.run('plan', '--format', 'markdown');
    expect(md.code).toBe(1);
    expect(md.stdout).toMatch(/`estate\.statuses`: cannot read live state/);
    expect(md.stdout).toContain('<b>salon</b>');
    const json = await w.run('plan', '--format', 'json');
    const plan = JSON.parse(json.stdout);
    expect(plan.errors).toEqual([
      expect.objectContaining({ address: 'estate.statuses', message: expect.stringMatching(/^cannot read live state: /) }),
    ]);
    expect(plan.accounts.map((a: { name: string }) => a.name)).toEqual(['nerds', 'salon']);
    expect(new Set(plan.actions.map((a: { account: string }) => a.account))).toEqual(new Set(['nerds', 'salon']));
  });

  it('apply leaves the unreadable account untouched and applies the others (exit 1); --skip-failed-accounts is the same', async () => {
    w = await withDeadPropertyDeck();
    const skipped = await w.run('apply', '--auto-approve');
    expect(skipped.code).toBe(1);
    expect(skipped.stderr).toMatch(/^Error: estate: .*cannot read live state/m);
    expect(skipped.stderr).toContain('Nothing is written to estate; every other account is applied.');
    expect(skipped.stdout).toContain('Accounts: 2 applied, 1 failed.');
    const writes = writesTo(w);
    expect(writes.estate).toBe(0);
    expect(writes.nerds).toBeGreaterThan(0);
    expect(writes.salon).toBeGreaterThan(0);
    expect(Object.keys(w.state().accounts).sort()).toEqual(['nerds', 'salon']);
    const again = await w.run('apply', '--auto-approve', '--skip-failed-accounts');
    expect(again.code).toBe(1);
    expect(writesTo(w).estate).toBe(0);
  });
});

describe('rate_limit.share', () => {
  it('is shown in the plan header, in text, markdown and JSON', async () => {
    w = await world(fleet().replace(FAST, '    rate_limit: { share: 0.5 }\n'));
    const r = await w.run('plan');
    expect(r.stdout.split('\n')[0]).toBe("Rate limit: estate uses at most 50% of its vendor's rate limit (30 requests per 60 s).");
    expect((await w.run('plan', '--format', 'markdown')).stdout).toContain(
      "_Rate limit: estate uses at most 50% of its vendor's rate limit (30 requests per 60 s)._",
    );
    expect(JSON.parse((await w.run('plan', '--format', 'json')).stdout).rate_shares).toEqual([
      { account: 'estate', share: 0.5, requests: 30, seconds: 60 },
    ]);
  });
});
