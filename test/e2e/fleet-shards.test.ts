// A fleet of 200 accounts over all six vendors, planned and applied as 8 CI shards running at the
// same time, each its own `statusform` process: the shards' plans merged by `show` are the
// unsharded plan action for action; the sharded apply converges; a shard writes the state files of
// its own accounts only; and one account's held lock stops only the shard that needs it.

import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inShard, shardOf } from '../../src/engine/shard.js';
import { sandboxEnv } from '../../src/sandbox/demo-data.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { acquireLock } from '../../src/state/lock.js';
import { startTimeTapSimulator, type TimeTapStore } from '../../src/vendors/timetap/simulator.js';
import { expectWirePlan, tree, type CliRun } from '../helpers.js';

const ACCOUNTS = 200;
const SHARDS = 8;
const VENDORS = ['thalamus', 'propertydeck', 'timetap', 'serieshr', 'spacebring', 'zendesk'] as const;
const BIN = fileURLToPath(new URL('../../bin/statusform.js', import.meta.url));

const name = (i: number) => `site-${String(i).padStart(3, '0')}`;
const vendorOf = (i: number) => VENDORS[i % VENDORS.length]!;
const spacebringTicket = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const FAST = '    rate_limit: { requests: 1000, seconds: 1 }\n';

/**
 * One account's block. The vendors' simulators are one server each (TimeTap's one per account: a
 * TimeTap simulator holds one business), so every account declares items no other account has:
 * its own labels, variant ids and tickets.
 */
function account(i: number, timetapUrl: (i: number) => string): string {
  const head = `  ${name(i)}:\n    vendor: ${vendorOf(i)}\n`;
  switch (vendorOf(i)) {
    case 'thalamus':
      return (
        `${head}    base_url: \${THALAMUS_URL}\n    token: \${THALAMUS_TOKEN}\n${FAST}    status_variants:\n` +
        `      - { id: waiting_${i}, label: "Waiting ${i}", maps_to: pending }\n` +
        `      - { id: escalated_${i}, label: "Escalated ${i}", maps_to: hold }\n`
      );
    case 'propertydeck':
      return (
        `${head}    base_url: \${PROPERTYDECK_URL}\n    token: \${PROPERTYDECK_TOKEN}\n${FAST}    statuses:\n` +
        `      - { label: "For Sale ${i}", type: property, maps_to: open }\n` +
        `      - { label: "Hot Lead ${i}", type: contact, maps_to: new }\n`
      );
    case 'timetap':
      return (
        `${head}    base_url: ${timetapUrl(i)}\n    api_key: \${TIMETAP_API_KEY}\n` +
        `    private_key: \${TIMETAP_PRIVATE_KEY}\n    business_id: \${TIMETAP_BUSINESS_ID}\n` +
        `${FAST}    statuses:\n      - { sub_status: OPEN, status: OPEN, sort_order: 1, user_selectable: true, maps_to: open }\n` +
        '      - { sub_status: LATE, status: OPEN, sort_order: 2, user_selectable: true, maps_to: open }\n'
      );
    case 'serieshr':
      return (
        `${head}    base_url: \${SERIES_URL}\n    api_key: \${SERIES_API_KEY}\n    staff_user_id: 987654321\n` +
        `    mappings: { open: open, in-progress: open, resolved: solved, closed: closed }\n${FAST}    tickets:\n` +
        `      - { id: T-${i}-1, status: resolved }\n      - { id: T-${i}-2, category: open }\n`
      );
    case 'spacebring':
      return (
        `${head}    base_url: \${SPACEBRING_URL}\n    client_id: \${SPACEBRING_CLIENT_ID}\n` +
        `    client_secret: \${SPACEBRING_CLIENT_SECRET}\n` +
        `    mappings: { new: new, inProgress: open, solved: solved, closed: closed }\n${FAST}    tickets:\n` +
        `      - { id: ${spacebringTicket(i)}, status: solved }\n`
      );
    case 'zendesk':
      return (
        `${head}    base_url: \${ZENDESK_URL}\n    client_id: \${ZENDESK_CLIENT_ID}\n` +
        `    client_secret: \${ZENDESK_CLIENT_SECRET}\n${FAST}    statuses:\n` +
        `      - { agent_label: "Waiting ${i}", maps_to: pending }\n      - { agent_label: "Escalated ${i}", maps_to: hold }\n`
      );
  }
}

/** `statusform ...args` as its own process, as a CI job runs it. */
function statusform(args: string[], cwd: string, env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 32 * 1048576 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

const shards = Array.from({ length: SHARDS }, (_, k) => k + 1);
const names = Array.from({ length: ACCOUNTS }, (_, i) => name(i));

let sandbox: Sandbox;
let timetaps: RunningSimulator<TimeTapStore>[] = [];
let dir: string;
let env: Record<string, string>;
const run = (...args: string[]) => statusform(args, dir, env);
const stateDir = () => join(dir, 'statusform.state');
const stateFiles = () => readdirSync(stateDir()).sort();

beforeAll(async () => {
  const off = Object.fromEntries(VENDORS.map((v) => [v, false])) as Record<(typeof VENDORS)[number], false>;
  const ticketAccounts = (v: string) => names.map((_, i) => i).filter((i) => vendorOf(i) === v);
  sandbox = await startSandbox({
    rateLimits: off,
    seeds: {
      serieshr: ticketAccounts('serieshr').flatMap((i) => [
        { id: `T-${i}-1`, status: 'open' },
        { id: `T-${i}-2`, status: 'in-progress' },
      ]),
      spacebring: ticketAccounts('spacebring').map((i) => ({ id: spacebringTicket(i), status: 'new' })),
      // Its accounts map a status to hold: the On-hold category on.
      zendesk: { hold: true },
    },
  });
  const ttIndex = ticketAccounts('timetap');
  timetaps = await Promise.all(ttIndex.map(() => startTimeTapSimulator({ rateLimit: false })));
  const ttUrl = (i: number) => timetaps[ttIndex.indexOf(i)]!.url;
  dir = tree({ 'statusform.yaml': `version: 1\naccounts:\n${names.map((_, i) => account(i, ttUrl)).join('')}` });
  env = sandboxEnv(sandbox.simulators);
}, 30_000);

afterAll(async () => {
  await Promise.all([sandbox?.close(), ...timetaps.map((t) => t.close())]);
});

describe('200 accounts over six vendors as 8 shards in 8 parallel processes', () => {
  it('every shard has accounts, and every vendor is in the fleet', () => {
    const sizes = shards.map((k) => inShard(names, { index: k, count: SHARDS }).length);
    expect(sizes.every((n) => n > 0)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(ACCOUNTS);
    expect(new Set(names.map((_, i) => vendorOf(i)))).toEqual(new Set(VENDORS));
  });

  it('the 8 shard plans, merged by show, are the unsharded plan action for action', async () => {
    const all = await run('plan', '--out', 'all.json');
    expect(all.code, all.stderr).toBe(0);
    const whole = expectWirePlan(readFileSync(join(dir, 'all.json'), 'utf8'), 'all.json') as {
      actions: { account: string; address: string }[];
      summary: unknown;
    };
    // Two creates per account of a status vendor; one transition per ticket account (its other ticket's category is already met).
    const tickets = names.filter((_, i) => ['serieshr', 'spacebring'].includes(vendorOf(i))).length;
    expect(whole.summary).toMatchObject({ create: 2 * (ACCOUNTS - tickets), transition: tickets, update: 0, delete: 0 });
    expect(new Set(whole.actions.map((a) => a.account))).toEqual(new Set(names));

    const parts = await Promise.all(shards.map((k) => run('plan', '--shard', `${k}/${SHARDS}`, '--out', `plan-${k}.json`)));
    for (const [k, p] of parts.entries()) expect(p.code, `shard ${k + 1}: ${p.stderr}`).toBe(0);
    for (const k of shards) {
      const plan = expectWirePlan(readFileSync(join(dir, `plan-${k}.json`), 'utf8'), `plan-${k}.json`) as {
        accounts: { name: string }[];
        actions: { account: string }[];
      };
      const mine = inShard(names, { index: k, count: SHARDS });
      expect(plan.accounts.map((a) => a.name).sort()).toEqual(mine);
      expect(plan.actions.every((a) => shardOf(a.account, SHARDS) === k)).toBe(true);
    }

    const shown = await run('show', ...shards.map((k) => `plan-${k}.json`), '--format', 'json');
    expect(shown.code, shown.stderr).toBe(0);
    const merged = expectWirePlan(shown.stdout, 'show --format json') as typeof whole;
    expect(merged.actions.map((a) => a.address)).toEqual(whole.actions.map((a) => a.address));
    for (const [i, action] of whole.actions.entries()) expect(merged.actions[i], action.address).toEqual(action);
    expect(merged.summary).toEqual(whole.summary);
  });

  it("the sharded apply converges; each shard writes only its accounts' state files; a held lock stops only the shard that needs it", async () => {
    const held = name(1); // a Property Deck account
    const blocked = shardOf(held, SHARDS);
    const mineOf = (k: number) => inShard(names, { index: k, count: SHARDS });
    mkdirSync(stateDir(), { recursive: true });
    const release = acquireLock(join(stateDir(), `${held}.json`), 'statusform apply (another run)');
    let first: CliRun[];
    try {
      first = await Promise.all(shards.map((k) => run('apply', '--shard', `${k}/${SHARDS}`, '--auto-approve')));
      expect(stateFiles()).toContain(`${held}.json.lock`); // still ours: nobody took it over
    } finally {
      release();
    }
    for (const [i, r] of first.entries()) {
      if (i + 1 === blocked) {
        expect(r.code, r.stderr).toBe(3);
        expect(r.stderr).toContain(`Refused: ${held}: the state of account ${held}`);
      } else expect(r.code, `shard ${i + 1}: ${r.stderr}`).toBe(0);
    }
    // Every account but the locked one has a state file, each holding only its own account.
    const others = names.filter((n) => n !== held);
    expect(stateFiles()).toEqual(others.map((n) => `${n}.json`).sort());
    const snapshot = new Map(
      others.map((n) => [
        n,
        { text: readFileSync(join(stateDir(), `${n}.json`), 'utf8'), mtime: statSync(join(stateDir(), `${n}.json`)).mtimeMs },
      ]),
    );
    for (const [n, s] of snapshot) expect(Object.keys(JSON.parse(s.text).accounts)).toEqual([n]);

    // The blocked shard, once the lock is gone, writes the locked account's file and no other.
    const again = await run('apply', '--shard', `${blocked}/${SHARDS}`, '--auto-approve');
    expect(again.code, again.stderr).toBe(0);
    expect(stateFiles()).toEqual([...names].map((n) => `${n}.json`).sort());
    for (const [n, s] of snapshot) {
      expect(readFileSync(join(stateDir(), `${n}.json`), 'utf8'), n).toBe(s.text);
      expect(statSync(join(stateDir(), `${n}.json`)).mtimeMs, n).toBe(s.mtime);
    }
    for (const n of mineOf(blocked))
      expect(Object.keys(JSON.parse(readFileSync(join(stateDir(), `${n}.json`), 'utf8')).accounts)).toEqual([n]);

    // Converged: the unsharded re-plan is empty, and every change reached its vendor exactly once.
    const replan = await run('plan', '--detailed-exitcode');
    expect(replan.code, replan.stdout + replan.stderr).toBe(0);
    const sims = sandbox.simulators;
    const labels = [...sims.propertydeck.store.statuses.values()].map((s) => s.label);
    expect(labels.length).toBe(new Set(labels).size);
    const zd = [...sims.zendesk.store.statuses.values()].map((s) => s.agent_label);
    expect(zd.length).toBe(new Set(zd).size);
    for (const [i, n] of names.entries()) {
      if (vendorOf(i) === 'propertydeck') expect(labels, n).toEqual(expect.arrayContaining([`For Sale ${i}`, `Hot Lead ${i}`]));
      if (vendorOf(i) === 'zendesk') expect(zd, n).toEqual(expect.arrayContaining([`Waiting ${i}`, `Escalated ${i}`]));
      if (vendorOf(i) === 'serieshr')
        expect(sims.serieshr.store.tickets.get(`T-${i}-1`)).toMatchObject({ Status: 'resolved', messages: [expect.anything()] });
    }
  }, 120_000);
});
