// A plan in which an account could not be read or planned — a wrong token (401), a host that does
// not resolve, a broken answer, a ticket the vendor does not know — never says "No changes" or
// that live state matches: its first line says how many accounts could not be planned, in text,
// in the markdown headline and in the JSON summary, through `plan`, `show` (also of merged
// shards) and `apply`; and it exits 1, with or without --detailed-exitcode. Each run is the
// compiled `statusform` in its own process, against the simulators over real HTTP.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { hostile, type HostileVendor } from '../hostile/proxy.js';
import { PD_ACCOUNT, SERIES_ACCOUNT, TH_ACCOUNT, TT_ACCOUNT, world, type World } from '../e2e/fixtures.js';
import { expectWirePlan, type CliRun } from '../helpers.js';

const BIN = fileURLToPath(new URL('../../bin/statusform.js', import.meta.url));

let w: World | undefined;
let vendor: HostileVendor | undefined;
afterEach(async () => {
  await vendor?.close();
  await w?.close();
  vendor = undefined;
  w = undefined;
});

/** `statusform ...args` as its own process, in the world's directory, with its environment and `env` over it. */
function statusform(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const world = w!;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: world.dir, env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', ...world.env, ...env } },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

const FAST = '    rate_limit: { requests: 200, seconds: 1 }\n';
const SIM = { rateLimits: { propertydeck: false as const, timetap: false as const } };
const body = (config: string) => config.replace('version: 1\naccounts:\n', '');

/** estate (Property Deck), nerds (Thalamus) and salon (TimeTap), each with one declared item. */
const FLEET =
  PD_ACCOUNT('      - { label: "For Sale", type: property, maps_to: open }\n', FAST) +
  body(TH_ACCOUNT('      - { id: a, label: "Alpha", maps_to: open }\n', FAST)) +
  body(TT_ACCOUNT('      - { sub_status: OPEN, status: OPEN, sort_order: 1, user_selectable: true, maps_to: open }\n'));

const ESTATE_OF_THREE = 'Error: 1 of 3 accounts could not be planned (estate); the plan below is incomplete.';
const HEADLINE_OF_THREE = '### statusform plan: 1 of 3 accounts could not be planned (estate)';
const INCOMPLETE_NOTHING = 'Incomplete plan: 0 to create, 0 to update, 0 to delete; 1 of 3 accounts could not be planned.';

/** An output that does not claim what it cannot know. */
function expectNoClaim(text: string, where: string): void {
  expect(text, where).not.toContain('No changes');
  expect(text, where).not.toContain('Live state matches');
}

/** A failed run (exit 1) whose stdout starts with `first` and claims nothing it cannot know. */
function expectIncomplete(r: CliRun, first: string, where: string, line = 0): void {
  expect(r.code, `${where}: ${r.stderr}`).toBe(1);
  expect(r.stdout.split('\n')[line], where).toBe(first);
  expectNoClaim(r.stdout, where);
}

/** The JSON plan of one account of three that could not be planned. */
function expectJsonCounts(text: string, where: string, account = 'estate', total = 3): void {
  const plan = expectWirePlan(text, where) as { summary: Record<string, number>; errors: { account: string }[] };
  expect(plan.summary, where).toMatchObject({ accounts: total, errored_accounts: 1 });
  expect(
    plan.errors.map((e) => e.account),
    where,
  ).toEqual([account]);
  expectNoClaim(text, where);
}

const saved = (file: string) => readFileSync(join(w!.dir, file), 'utf8');

describe('an account whose token is refused (401), beside two with nothing to change', () => {
  const WRONG = { PROPERTYDECK_TOKEN: 'wrong' };

  it('plan says so first in text, markdown and JSON, and exits 1 with and without --detailed-exitcode', async () => {
    w = await world(FLEET, SIM);
    expect((await statusform(['apply', '--auto-approve'])).code).toBe(0);
    const [text, detailed, md, json] = await Promise.all([
      statusform(['plan'], WRONG),
      statusform(['plan', '--detailed-exitcode'], WRONG),
      statusform(['plan', '--format', 'markdown', '--detailed-exitcode', '--out', 'plan.json'], WRONG),
      statusform(['plan', '--format', 'json'], WRONG),
    ]);
    expectIncomplete(text, ESTATE_OF_THREE, 'plan');
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(INCOMPLETE_NOTHING);
    expect(text.stdout).toMatch(/✗ estate\.statuses: cannot read live state: .*refused the credentials \(401/);
    expectIncomplete(detailed, ESTATE_OF_THREE, 'plan --detailed-exitcode');
    expectIncomplete(md, HEADLINE_OF_THREE, 'plan --format markdown', 1);
    expectNoClaim(md.stderr, 'the stderr of plan --format markdown');
    expect(json.code).toBe(1);
    expectJsonCounts(json.stdout, 'plan --format json');
    expectJsonCounts(saved('plan.json'), 'plan --out');
  });

  it('show of the saved plan, alone or merged from shards, keeps the first line; exit 1 with --detailed-exitcode', async () => {
    w = await world(FLEET, SIM);
    expect((await statusform(['apply', '--auto-approve'])).code).toBe(0);
    const plans = await Promise.all([
      statusform(['plan', '--out', 'plan.json'], WRONG),
      statusform(['plan', '--shard', '1/2', '--out', 'plan-1.json'], WRONG),
      statusform(['plan', '--shard', '2/2', '--out', 'plan-2.json'], WRONG),
    ]);
    // The shard without estate planned in full: that plan alone is complete.
    expect(plans.map((p) => p.code).sort()).toEqual([0, 1, 1]);
    for (const files of [['plan.json'], ['plan-1.json', 'plan-2.json']]) {
      const where = `show ${files.join(' ')}`;
      const [text, detailed, md, json] = await Promise.all([
        statusform(['show', ...files]),
        statusform(['show', ...files, '--detailed-exitcode']),
        statusform(['show', ...files, '--format', 'markdown']),
        statusform(['show', ...files, '--format', 'json']),
      ]);
      expectIncomplete(text, ESTATE_OF_THREE, where);
      expect(text.stdout.trimEnd().split('\n').at(-1), where).toBe(INCOMPLETE_NOTHING);
      expectIncomplete(detailed, ESTATE_OF_THREE, `${where} --detailed-exitcode`);
      expectIncomplete(md, HEADLINE_OF_THREE, `${where} --format markdown`, 1);
      expect(json.code, where).toBe(1);
      expectJsonCounts(json.stdout, `${where} --format json`);
    }
  });

  it('apply prints the plan with that first line, writes nothing to that account, and calls the apply incomplete', async () => {
    w = await world(FLEET, SIM);
    expect((await statusform(['apply', '--auto-approve'])).code).toBe(0);
    const refused = await statusform(['apply', '--auto-approve'], WRONG);
    expectIncomplete(refused, ESTATE_OF_THREE, 'apply');
    expect(refused.stderr).toContain('Nothing is written to estate; every other account is applied.');
    const skipped = await statusform(['apply', '--auto-approve', '--skip-failed-accounts', '--json'], WRONG);
    expect(skipped.code).toBe(1);
    expect(skipped.stderr.split('\n')[0]).toBe(ESTATE_OF_THREE);
    expect(skipped.stderr).toContain(
      'Apply incomplete: 0 done, 0 failed, 0 skipped.\nAccounts: 2 unchanged, 1 failed.\n  ✗ estate: failed\n',
    );
    expectNoClaim(skipped.stderr, 'the text of apply --json');
    const events = skipped.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(events.find((e) => e.type === 'plan')).toMatchObject({ summary: { accounts: 3, errored_accounts: 1 } });
    expect(events.at(-1)).toMatchObject({ type: 'summary', outcome: 'incomplete', accounts: { failed: 1, unchanged: 2 } });
  });
});

describe('an account whose host does not resolve (DNS)', () => {
  it('plan and show say so first, and exit 1 with --detailed-exitcode', async () => {
    w = await world(FLEET, SIM);
    expect((await statusform(['apply', '--auto-approve', '--account', 'nerds', '--account', 'salon'])).code).toBe(0);
    // A reserved name (RFC 2606): it never resolves, and nothing leaves the machine.
    const DNS = { PROPERTYDECK_URL: 'https://estate.invalid/api' };
    const [text, md] = await Promise.all([
      statusform(['plan', '--detailed-exitcode'], DNS),
      statusform(['plan', '--format', 'markdown', '--detailed-exitcode', '--out', 'plan.json'], DNS),
    ]);
    expectIncomplete(text, ESTATE_OF_THREE, 'plan --detailed-exitcode');
    expect(text.stdout).toMatch(/✗ estate\.statuses: cannot read live state: .*could not resolve host "estate\.invalid" \(ENOTFOUND\)/);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(INCOMPLETE_NOTHING);
    expectIncomplete(md, HEADLINE_OF_THREE, 'plan --format markdown', 1);
    expectJsonCounts(saved('plan.json'), 'plan --out');
    const [show, showJson] = await Promise.all([
      statusform(['show', 'plan.json', '--detailed-exitcode']),
      statusform(['show', 'plan.json', '--format', 'json']),
    ]);
    expectIncomplete(show, ESTATE_OF_THREE, 'show --detailed-exitcode');
    expectJsonCounts(showJson.stdout, 'show --format json');
  });
});

describe('the only account answers a broken body', () => {
  it('plan says the one account could not be planned, never "No changes", and exits 1', async () => {
    w = await world(PD_ACCOUNT('      - { label: "For Sale", type: property, maps_to: open }\n', FAST), SIM);
    vendor = await hostile(w.env['PROPERTYDECK_URL']!, (ex) =>
      ex.method === 'GET' && ex.path.endsWith('/statuses')
        ? { status: 200, headers: { 'content-type': 'application/json' }, body: '{"data":[{"uuid":' }
        : undefined,
    );
    const env = { PROPERTYDECK_URL: vendor.url };
    const [text, detailed, md, json] = await Promise.all([
      statusform(['plan'], env),
      statusform(['plan', '--detailed-exitcode'], env),
      statusform(['plan', '--format', 'markdown'], env),
      statusform(['plan', '--format', 'json', '--detailed-exitcode'], env),
    ]);
    const first = 'Error: 1 of 1 account could not be planned (estate); the plan below is incomplete.';
    expectIncomplete(text, first, 'plan');
    expect(text.stdout).toContain('the JSON is cut short or broken');
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(
      'Incomplete plan: 0 to create, 0 to update, 0 to delete; 1 of 1 account could not be planned.',
    );
    expectIncomplete(detailed, first, 'plan --detailed-exitcode');
    expectIncomplete(md, '### statusform plan: 1 of 1 account could not be planned (estate)', 'plan --format markdown', 1);
    expect(json.code).toBe(1);
    expectJsonCounts(json.stdout, 'plan --format json', 'estate', 1);
  });
});

describe('an account with one ticket the vendor does not know', () => {
  it('is counted as not planned, beside its planned transition, and exits 1 with --detailed-exitcode', async () => {
    const config =
      PD_ACCOUNT('      - { label: "For Sale", type: property, maps_to: open }\n', FAST) +
      body(SERIES_ACCOUNT('      - { id: T-1, status: resolved }\n      - { id: T-404, status: closed }\n'));
    w = await world(config, { ...SIM, seeds: { serieshr: [{ id: 'T-1', status: 'open' }] } });
    const [text, md] = await Promise.all([
      statusform(['plan', '--detailed-exitcode']),
      statusform(['plan', '--format', 'markdown', '--detailed-exitcode']),
    ]);
    expectIncomplete(text, 'Error: 1 of 2 accounts could not be planned (helpdesk); the plan below is incomplete.', 'plan');
    expect(text.stdout).toContain('~ helpdesk.tickets["T-1"]');
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(
      'Incomplete plan: 1 to create, 0 to update, 0 to delete, 1 ticket transition; 1 of 2 accounts could not be planned.',
    );
    expectIncomplete(md, '### statusform plan: 1 of 2 accounts could not be planned (helpdesk)', 'plan --format markdown', 1);
  });
});
