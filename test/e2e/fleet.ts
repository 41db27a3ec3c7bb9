// The fleet of the sharded tests: 200 accounts over all six vendors, each declaring items no other
// account has, in one configuration whose simulators run in this process, and `statusform` run as
// its own process per shard, as a CI job runs it. The state is the configuration's: `stateSetting`
// picks the backend.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { sandboxEnv } from '../../src/sandbox/demo-data.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { startTimeTapSimulator, type TimeTapStore } from '../../src/vendors/timetap/simulator.js';
import { tree, type CliRun } from '../helpers.js';

export const ACCOUNTS = 200;
export const SHARDS = 8;
export const VENDORS = ['thalamus', 'propertydeck', 'timetap', 'serieshr', 'spacebring', 'zendesk'] as const;
const BIN = fileURLToPath(new URL('../../bin/statusform.js', import.meta.url));

export const name = (i: number) => `site-${String(i).padStart(3, '0')}`;
export const vendorOf = (i: number) => VENDORS[i % VENDORS.length]!;
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
export function statusform(args: string[], cwd: string, env: Record<string, string>): Promise<CliRun> {
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

export const shards = Array.from({ length: SHARDS }, (_, k) => k + 1);
export const names = Array.from({ length: ACCOUNTS }, (_, i) => name(i));

export interface Fleet {
  sandbox: Sandbox;
  dir: string;
  env: Record<string, string>;
  run(...args: string[]): Promise<CliRun>;
  close(): Promise<void>;
}

/** Starts the simulators (one TimeTap per account: a TimeTap simulator holds one business) and writes the configuration. */
export async function startFleet(stateSetting = '', extraEnv: Record<string, string> = {}): Promise<Fleet> {
  const off = Object.fromEntries(VENDORS.map((v) => [v, false])) as Record<(typeof VENDORS)[number], false>;
  const ticketAccounts = (v: string) => names.map((_, i) => i).filter((i) => vendorOf(i) === v);
  const sandbox = await startSandbox({
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
  const timetaps: RunningSimulator<TimeTapStore>[] = await Promise.all(ttIndex.map(() => startTimeTapSimulator({ rateLimit: false })));
  const ttUrl = (i: number) => timetaps[ttIndex.indexOf(i)]!.url;
  const dir = tree({ 'statusform.yaml': `version: 1\n${stateSetting}accounts:\n${names.map((_, i) => account(i, ttUrl)).join('')}` });
  const env = { ...sandboxEnv(sandbox.simulators), ...extraEnv };
  return {
    sandbox,
    dir,
    env,
    run: (...args) => statusform(args, dir, env),
    close: async () => {
      await Promise.all([sandbox.close(), ...timetaps.map((t) => t.close())]);
    },
  };
}

/** Converged: the unsharded re-plan is empty, and every change reached its vendor exactly once. */
export async function expectConverged(fleet: Fleet): Promise<void> {
  const replan = await fleet.run('plan', '--detailed-exitcode');
  expect(replan.code, replan.stdout + replan.stderr).toBe(0);
  const sims = fleet.sandbox.simulators;
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
}
