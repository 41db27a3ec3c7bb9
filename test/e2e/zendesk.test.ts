// Zendesk custom ticket statuses over real HTTP: an OAuth client's token obtained and renewed,
// the category pushed as status_category, renames keeping the id (both labels in every PUT, and a
// note when requesters keep the old label), prune deactivating, built-in statuses never written,
// defaults relabelled but never retired, On-hold off refused before any write, limits refused
// before any request, and Zendesk's refusals in its own words. The simulator runs on its own here.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/server.js';
import {
  ZENDESK_SANDBOX_AGENT_EMAIL,
  ZENDESK_SANDBOX_API_TOKEN,
  ZENDESK_SANDBOX_CLIENT_ID,
  ZENDESK_SANDBOX_CLIENT_SECRET,
  ZENDESK_SANDBOX_EMAIL,
  ZENDESK_SANDBOX_OAUTH_TOKEN,
  ZENDESK_SANDBOX_READ_TOKEN,
  startZendeskSimulator,
  type ZendeskOAuthOptions,
  type ZendeskSeed,
  type ZendeskStore,
} from '../../src/vendors/zendesk/simulator.js';
import { hostile, json, type HostileVendor } from '../hostile/proxy.js';
import { cli, tree, type CliRun } from '../helpers.js';

interface ZdWorld {
  sim: RunningSimulator<ZendeskStore>;
  dir: string;
  env: NodeJS.ProcessEnv;
  run(...args: string[]): Promise<CliRun>;
  write(config: string): void;
  state(): { accounts: Record<string, { items: Record<string, { id: unknown; active: boolean; fields: Record<string, unknown> }> }> };
}

let sim: RunningSimulator<ZendeskStore> | undefined;
let extra: Server | undefined;
let vendor: HostileVendor | undefined;
afterEach(async () => {
  await vendor?.close();
  vendor = undefined;
  await sim?.close();
  sim = undefined;
  await new Promise<void>((r) => (extra ? extra.close(() => r()) : r()));
  extra = undefined;
});

const OAUTH_CLIENT = '    client_id: ${ZENDESK_CLIENT_ID}\n    client_secret: ${ZENDESK_CLIENT_SECRET}\n';
const API_TOKEN = '    email: ${ZENDESK_EMAIL}\n    api_token: ${ZENDESK_API_TOKEN}\n';

const ZD_ACCOUNT = (statuses: string, more = '', auth = OAUTH_CLIENT) => `version: 1
accounts:
  support:
    vendor: zendesk
    base_url: \${ZENDESK_URL}
${auth}    rate_limit: { requests: 200, seconds: 1 }
${more}    statuses:${statuses === '' ? ' []' : ''}
${statuses}`;

const st = (agentLabel: string, category: string, more = '') =>
  `      - { agent_label: ${JSON.stringify(agentLabel)}, maps_to: ${category}${more} }\n`;

async function zdWorld(config: string, seed: ZendeskSeed = {}, env: NodeJS.ProcessEnv = {}, oauth?: ZendeskOAuthOptions): Promise<ZdWorld> {
  sim = await startZendeskSimulator({ seed, rateLimit: false, ...(oauth ? { oauth } : {}) });
  const s = sim;
  const dir = tree({ 'statusform.yaml': config });
  const e = {
    ZENDESK_URL: s.url,
    ZENDESK_CLIENT_ID: ZENDESK_SANDBOX_CLIENT_ID,
    ZENDESK_CLIENT_SECRET: ZENDESK_SANDBOX_CLIENT_SECRET,
    ZENDESK_EMAIL: ZENDESK_SANDBOX_EMAIL,
    ZENDESK_API_TOKEN: ZENDESK_SANDBOX_API_TOKEN,
    ...env,
  };
  return {
    sim: s,
    dir,
    env: e,
    run: (...args) => cli(args, { cwd: dir, env: e }),
    write: (c) => writeFileSync(join(dir, 'statusform.yaml'), c),
    state: () => JSON.parse(readFileSync(join(dir, 'statusform.state', 'support.json'), 'utf8')),
  };
}

/** Writes to the API (a token grant is not one). */
const writes = (w: ZdWorld) => w.sim.requests.filter((r) => r.method !== 'GET' && r.path.startsWith('/api/'));
const grants = (w: ZdWorld) => w.sim.requests.filter((r) => r.path === '/oauth/tokens');
const byLabel = (w: ZdWorld, l: string) => [...w.sim.store.statuses.values()].find((s) => s.agent_label === l);

describe('Zendesk, end to end', () => {
  it('creates statuses with their category pushed as status_category (201), and the plan after is empty', async () => {
    const w = await zdWorld(
      ZD_ACCOUNT(
        st('Waiting on vendor', 'pending', ', end_user_label: In progress') + st('Escalated', 'open', ', description: Sent to tier 2'),
      ),
    );
    const plan = await w.run('plan');
    expect(plan.stdout).toContain('support.statuses["Waiting on vendor"] will be created');
    expect(plan.stdout).toContain('linked to no ticket form');
    const r = await w.run('apply', '--auto-approve');
    expect(r.code, r.stderr).toBe(0);
    const posts = writes(w).map((q) => [q.method, q.path, q.status, q.body]);
    expect(posts).toHaveLength(2);
    expect(posts).toEqual(
      expect.arrayContaining([
        [
          'POST',
          '/api/v2/custom_statuses',
          201,
          { custom_status: { status_category: 'pending', agent_label: 'Waiting on vendor', end_user_label: 'In progress', active: true } },
        ],
        [
          'POST',
          '/api/v2/custom_statuses',
          201,
          { custom_status: { status_category: 'open', agent_label: 'Escalated', description: 'Sent to tier 2', active: true } },
        ],
      ]),
    );
    expect(byLabel(w, 'Waiting on vendor')).toMatchObject({ status_category: 'pending', active: true, default: false });
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
    // statusform mappings shows the categories Zendesk holds (pushed from maps_to).
    const m = await w.run('mappings');
    expect(m.stdout).toMatch(/pending\s+Waiting on vendor/);
  });

  it('renames with a PUT keeping the id, both labels in the body, and says when requesters keep the old end-user label', async () => {
    const w = await zdWorld(ZD_ACCOUNT(st('Waiting on vendor', 'pending', ', end_user_label: On its way')));
    await w.run('apply', '--auto-approve');
    const id = byLabel(w, 'Waiting on vendor')!.id;
    w.sim.resetRequests();
    // The end-user label is no longer declared: the live one goes back in the PUT, unchanged, and the plan says so.
    w.write(ZD_ACCOUNT(st('Waiting on supplier', 'pending', ', renamed_from: [Waiting on vendor]')));
    const plan = await w.run('plan');
    expect(plan.stdout).toContain(
      'support.statuses["Waiting on supplier"]: renamed for agents only: requesters keep seeing the end-user label "On its way"',
    );
    expect(plan.stdout).not.toContain('ticket form'); // a rename keeps the status's id, and its form links with it
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    expect(writes(w).map((q) => [q.method, q.path, q.body])).toEqual([
      ['PUT', `/api/v2/custom_statuses/${id}`, { custom_status: { agent_label: 'Waiting on supplier', end_user_label: 'On its way' } }],
    ]);
    w.sim.resetRequests();
    w.write(ZD_ACCOUNT(st('waiting on SUPPLIER', 'pending')));
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    expect(writes(w).map((q) => [q.method, q.path])).toEqual([['PUT', `/api/v2/custom_statuses/${id}`]]);
    expect(w.sim.store.statuses.get(id)!.agent_label).toBe('waiting on SUPPLIER');
    expect([...w.sim.store.creates.values()]).toEqual([1]);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('prunes by deactivating (active: false, never DELETE), and reactivates the same id when the status returns', async () => {
    const both = ZD_ACCOUNT(st('Escalated', 'open') + st('Waiting', 'pending'), '    prune: true\n');
    const w = await zdWorld(both);
    await w.run('apply', '--auto-approve');
    const id = byLabel(w, 'Waiting')!.id;
    w.sim.resetRequests();
    w.write(ZD_ACCOUNT(st('Escalated', 'open'), '    prune: true\n'));
    const r = await w.run('apply', '--auto-approve');
    expect(r.code, r.stderr).toBe(0);
    // Both labels ride along, as in every PUT.
    expect(writes(w).map((q) => [q.method, q.path, q.body])).toEqual([
      ['PUT', `/api/v2/custom_statuses/${id}`, { custom_status: { agent_label: 'Waiting', end_user_label: 'Waiting', active: false } }],
    ]);
    expect(w.sim.store.statuses.get(id)!.active).toBe(false);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
    w.sim.resetRequests();
    w.write(both);
    expect((await w.run('apply', '--auto-approve')).stdout).toContain('support.statuses["Waiting"] will be reactivated');
    expect(writes(w).map((q) => [q.method, q.body])).toEqual([
      ['PUT', { custom_status: { agent_label: 'Waiting', end_user_label: 'Waiting', active: true } }],
    ]);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('never writes a built-in status: declaring one is a plan error saying why, and unmanaged ones stay untouched', async () => {
    const w = await zdWorld(ZD_ACCOUNT(st('Open', 'open') + st('New label', 'solved')), {
      statuses: [{ agent_label: 'Theirs', status_category: 'pending' }],
    });
    const plan = await w.run('plan');
    expect(plan.code).toBe(1);
    expect(plan.stdout + plan.stderr).toMatch(
      /support\.statuses\["Open"\].*Zendesk's built-in open status \(\{\{zd\.status_open\}\}; no public source shows one relabelled through the API\), which statusform never writes/,
    );
    expect((await w.run('apply', '--auto-approve')).code).toBe(1);
    expect(writes(w)).toEqual([]);
    expect(byLabel(w, 'Theirs')!.active).toBe(true);
  });

  it('relabels a default status: its labels and descriptions are managed like any other, keeping the id and the default', async () => {
    const w = await zdWorld(ZD_ACCOUNT(st('Quick', 'solved')));
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const quick = byLabel(w, 'Quick')!;
    // An admin makes it the solved category's default (the bulk default call, D).
    for (const s of w.sim.store.statuses.values()) if (s.status_category === 'solved') s.default = s.id === quick.id;
    w.sim.resetRequests();
    w.write(ZD_ACCOUNT(st('Quickly solved', 'solved', ', renamed_from: [Quick], end_user_label: Solved, description: Answered at once')));
    const r = await w.run('apply', '--auto-approve');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(writes(w).map((q) => [q.method, q.path, q.body])).toEqual([
      [
        'PUT',
        `/api/v2/custom_statuses/${quick.id}`,
        { custom_status: { agent_label: 'Quickly solved', end_user_label: 'Solved', description: 'Answered at once' } },
      ],
    ]);
    expect(w.sim.store.statuses.get(quick.id)).toMatchObject({ agent_label: 'Quickly solved', default: true, active: true });
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('refuses to retire a default status: a plan error saying what to change first, and no write', async () => {
    const w = await zdWorld(ZD_ACCOUNT(st('Quick', 'solved') + st('Slow', 'solved'), '    prune: true\n'));
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const quick = byLabel(w, 'Quick')!;
    for (const s of w.sim.store.statuses.values()) if (s.status_category === 'solved') s.default = s.id === quick.id;
    w.sim.resetRequests();
    w.write(ZD_ACCOUNT(st('Slow', 'solved'), '    prune: true\n'));
    const plan = await w.run('plan');
    expect(plan.code).toBe(1);
    expect(plan.stdout + plan.stderr).toContain(
      'support.statuses["Quick"]: no longer in the configuration, but it cannot be removed: it is the default status of the solved ' +
        "category, and Zendesk keeps every category's default active; make another solved status the default first",
    );
    expect((await w.run('apply', '--auto-approve')).code).toBe(1);
    expect(writes(w)).toEqual([]);
    expect(w.sim.store.statuses.get(quick.id)!.active).toBe(true);
    // Without prune it is only reported, as any owned status that left the configuration.
    w.write(ZD_ACCOUNT(st('Slow', 'solved')));
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('refuses a category change at plan time with the reason, before any write', async () => {
    const w = await zdWorld(ZD_ACCOUNT(st('Waiting', 'pending')), { hold: true });
    await w.run('apply', '--auto-approve');
    w.sim.resetRequests();
    w.write(ZD_ACCOUNT(st('Waiting', 'hold')));
    const plan = await w.run('plan');
    expect(plan.code).toBe(1);
    expect(plan.stdout + plan.stderr).toMatch(
      /support\.statuses\["Waiting"\]: Zendesk cannot change status_category \(a status's category, pushed from maps_to, is fixed at creation\): "Waiting" \(id \d+\) has status_category pending \(declared hold\)/,
    );
    expect(plan.stdout + plan.stderr).toContain('Declare a new item under another key for the new value and let prune retire this one');
    expect((await w.run('apply', '--auto-approve')).code).toBe(1);
    expect(writes(w)).toEqual([]);
  });

  it('refuses labels over 48 characters, the new category and the limits at validate, with positions and no request', async () => {
    const many = Array.from({ length: 101 }, (_, i) => st(`S${i}`, 'pending')).join('');
    const w = await zdWorld(ZD_ACCOUNT(st('x'.repeat(49), 'open') + st('Fresh', 'new') + many));
    for (const cmd of ['validate', 'plan']) {
      const r = await w.run(cmd);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^statusform\.yaml:10:24: accounts\.support\.statuses\[0\]\.agent_label: agent_label is 49 characters; Zendesk allows at most 48$/m,
      );
      expect(r.stderr).toMatch(
        /^statusform\.yaml:11:\d+: accounts\.support\.statuses\[1\]\.maps_to: Zendesk's new category holds only its built-in status/m,
      );
      expect(r.stderr).toMatch(
        /^statusform\.yaml:112:9: support\.statuses\["[^"]+"\]: more than 100 statuses in the pending category: Zendesk allows 100 per category$/m,
      );
    }
    expect(w.sim.requests).toEqual([]);
  });

  it('refuses creates that would pass the account limit, counting the rows already there, before any write', async () => {
    const seed = Array.from({ length: 95 }, (_, i) => ({ agent_label: `Old ${i}`, status_category: 'pending', active: false }));
    const w = await zdWorld(ZD_ACCOUNT(Array.from({ length: 6 }, (_, i) => st(`New ${i}`, 'pending')).join('')), { statuses: seed });
    const plan = await w.run('plan');
    expect(plan.code).toBe(1);
    expect(plan.stdout + plan.stderr).toMatch(
      /support\.statuses\["New 5"\].*would make 101 statuses in the pending category at Zendesk \(inactive ones count too\); the limit is 100 per category/,
    );
    expect((await w.run('apply', '--auto-approve')).code).toBe(1);
    expect(writes(w)).toEqual([]);
  });

  it('says which credentials Zendesk refused (401), and tells both kinds of 403 apart: a permission and a missing scope', async () => {
    const w = await zdWorld(ZD_ACCOUNT(st('Waiting', 'pending'), '', API_TOKEN), {}, { ZENDESK_API_TOKEN: 'wrong' });
    const r = await w.run('plan');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "refused the credentials (401 Couldn't authenticate you); check email ($ZENDESK_EMAIL) and api_token ($ZENDESK_API_TOKEN)",
    );
    // Only the credentials the account gives are named.
    expect(r.stderr).not.toMatch(/client_secret|token \(statusform\.yaml/);
    expect(r.stderr + r.stdout).not.toContain(ZENDESK_SANDBOX_API_TOKEN);

    const agent = { ...w.env, ZENDESK_EMAIL: ZENDESK_SANDBOX_AGENT_EMAIL, ZENDESK_API_TOKEN: ZENDESK_SANDBOX_API_TOKEN };
    const a = await cli(['apply', '--auto-approve'], { cwd: w.dir, env: agent });
    expect(a.code).toBe(1);
    expect(a.stdout + a.stderr).toMatch(/403 Forbidden: You do not have access to this page.*admins only/);

    // A token without the write scope reads, plans, and is refused at the first write in Zendesk's words.
    w.write(ZD_ACCOUNT(st('Waiting', 'pending'), '', '    token: ${ZENDESK_OAUTH}\n'));
    const scoped = await cli(['apply', '--auto-approve'], { cwd: w.dir, env: { ...w.env, ZENDESK_OAUTH: ZENDESK_SANDBOX_READ_TOKEN } });
    expect(scoped.code).toBe(1);
    expect(scoped.stdout + scoped.stderr).toContain(
      '403 Forbidden; You are missing the following required scopes: write — the OAuth token lacks a scope: statusform needs "read write"',
    );
    expect(writes(w).filter((q) => q.status !== 403)).toEqual([]);
  });

  it('gets one OAuth token per run by the client-credentials grant, never prints it, and warns at validate about API tokens', async () => {
    const w = await zdWorld(ZD_ACCOUNT(st('Waiting', 'pending') + st('Escalated', 'open')));
    const r = await w.run('apply', '--auto-approve', '--verbose');
    expect(r.code, r.stderr).toBe(0);
    expect(grants(w).map((q) => [q.method, q.body])).toEqual([
      [
        'POST',
        {
          grant_type: 'client_credentials',
          client_id: ZENDESK_SANDBOX_CLIENT_ID,
          client_secret: ZENDESK_SANDBOX_CLIENT_SECRET,
          scope: 'read write',
        },
      ],
    ]);
    const tokens = [...w.sim.store.oauth.tokens.keys()];
    const seen = r.stdout + r.stderr + readFileSync(join(w.dir, 'statusform.state', 'support.json'), 'utf8');
    for (const secret of [...tokens, ZENDESK_SANDBOX_CLIENT_SECRET]) expect(seen).not.toContain(secret);
    expect(r.stderr).toContain('POST http://127.0.0.1');

    const v = await w.run('validate');
    expect(v.code).toBe(0);
    expect(v.stderr).toBe('');
    w.write(ZD_ACCOUNT(st('Waiting', 'pending'), '', API_TOKEN));
    const old = await w.run('validate');
    expect(old.code).toBe(0);
    expect(old.stderr).toMatch(
      /^statusform\.yaml:7:16: warning: accounts\.support\.api_token: Zendesk deactivates every API token on 30 April 2027 .*give client_id and client_secret instead of email and api_token/m,
    );
  });

  it('renews a token that expires mid-apply: the apply completes with one new token and no write sent twice', async () => {
    const labels = ['One', 'Two', 'Three', 'Four'];
    // Each token authenticates three API requests: the plan's two reads and the first create.
    const w = await zdWorld(ZD_ACCOUNT(labels.map((l) => st(l, 'open')).join('')), {}, {}, { requestsPerToken: 3 });
    const r = await w.run('apply', '--auto-approve', '--parallelism', '4');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(grants(w)).toHaveLength(2);
    expect(w.sim.requests.filter((q) => q.status === 401).length).toBeGreaterThan(0);
    expect([...w.sim.store.creates.values()]).toEqual([1, 1, 1, 1]);
    expect(writes(w).filter((q) => q.status === 201)).toHaveLength(4);
  });

  it('a revoked OAuth client is one clear error naming the client and the scope, with no retry and no write', async () => {
    const w = await zdWorld(ZD_ACCOUNT(st('Waiting', 'pending')));
    w.sim.store.oauth.revoked = true;
    const plan = await w.run('plan');
    expect(plan.code).toBe(1);
    const all = plan.stdout + plan.stderr;
    const line = `OAuth client "${ZENDESK_SANDBOX_CLIENT_ID}" got no access token (client-credentials grant at /oauth/tokens, scope "read write")`;
    // The plan lists it among its errors, and the run ends with it: one error, said once on stderr.
    expect(plan.stderr.split(line)).toHaveLength(2);
    expect(all).toContain('401 invalid_client');
    expect(all).toContain('the client must exist, not be revoked, and be confidential');
    expect(grants(w)).toHaveLength(1);
    expect((await w.run('apply', '--auto-approve')).code).toBe(1);
    expect(grants(w)).toHaveLength(2); // one per run
    expect(w.sim.requests.filter((q) => q.path.startsWith('/api/'))).toEqual([]);
  });

  it('a token refused again right after it was obtained: re-obtained once, then an error naming the client and the scope', async () => {
    const w = await zdWorld(ZD_ACCOUNT(st('Waiting', 'pending')), {}, {}, { requestsPerToken: 0 });
    const r = await w.run('plan');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `Zendesk refused a fresh access token of OAuth client "${ZENDESK_SANDBOX_CLIENT_ID}" (scope "read write") as well`,
    );
    expect(r.stderr).toContain('invalid_token');
    expect(grants(w)).toHaveLength(2);
  });

  it("refuses maps_to: hold while the account's On-hold category is off, naming the setting, with no write", async () => {
    const config = ZD_ACCOUNT(st('Parked', 'hold') + st('Waiting', 'pending'));
    const w = await zdWorld(config);
    const plan = await w.run('plan');
    expect(plan.code).toBe(1);
    expect(plan.stdout + plan.stderr).toContain(
      'support.statuses["Parked"]: maps_to: hold needs Zendesk\'s On-hold category, which is off on this account ' +
        '(GET /api/v2/account/settings: tickets.status_hold is false): an admin turns on the On-hold status first',
    );
    expect((await w.run('apply', '--auto-approve')).code).toBe(1);
    expect(writes(w)).toEqual([]);
    // Once it is on, the same configuration applies.
    w.sim.store.holdEnabled = true;
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    expect(byLabel(w, 'Parked')).toMatchObject({ status_category: 'hold', active: true });
  });

  it('never prints the API token or the Basic credential, even with --verbose', async () => {
    const w = await zdWorld(ZD_ACCOUNT(st('Waiting', 'pending'), '', API_TOKEN));
    const r = await w.run('apply', '--auto-approve', '--verbose');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('POST http://127.0.0.1');
    const basic = Buffer.from(`${ZENDESK_SANDBOX_EMAIL}/token:${ZENDESK_SANDBOX_API_TOKEN}`).toString('base64');
    for (const secret of [ZENDESK_SANDBOX_API_TOKEN, basic, basic.slice(0, 24)])
      expect(r.stdout + r.stderr + readFileSync(join(w.dir, 'statusform.state', 'support.json'), 'utf8')).not.toContain(secret);
  });

  it('authenticates with a fixed OAuth token as Bearer', async () => {
    const w = await zdWorld(
      ZD_ACCOUNT(st('Waiting', 'pending'), '', '    token: ${ZENDESK_OAUTH}\n'),
      {},
      { ZENDESK_OAUTH: ZENDESK_SANDBOX_OAUTH_TOKEN },
    );
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    expect(byLabel(w, 'Waiting')).toBeDefined();
    expect(grants(w)).toEqual([]);
  });

  it("shows Zendesk's 422 in its own words: a label taken outside statusform", async () => {
    const w = await zdWorld(ZD_ACCOUNT(st('Waiting', 'pending')));
    // Taken at Zendesk in another category, after the plan was read.
    w.sim.store.statuses.set(99, {
      id: 99,
      status_category: 'hold',
      agent_label: 'waiting ',
      raw_agent_label: 'waiting ',
      active: true,
      default: false,
    });
    const r = await w.run('apply', '--auto-approve');
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain(
      '422 RecordInvalid; Record validation errors; agent_label: Agent label: has already been taken (DuplicateValue)',
    );
  });

  it("shows an error body in the OpenAPI description's {errors: [{code, title}]} shape in Zendesk's own words", async () => {
    const w = await zdWorld(ZD_ACCOUNT(st('Waiting', 'pending')));
    vendor = await hostile(w.sim.url, (ex) =>
      ex.method === 'POST' && ex.path === '/api/v2/custom_statuses'
        ? json(422, { errors: [{ code: 'InvalidValue', title: 'Agent label is reserved', detail: 'pick another' }] })
        : undefined,
    );
    w.env['ZENDESK_URL'] = vendor.url;
    const r = await w.run('apply', '--auto-approve');
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('422 InvalidValue: Agent label is reserved (pick another)');
  });

  it('refuses to plan when custom statuses are not activated (features pre-flight), before reading the list', async () => {
    const w = await zdWorld(ZD_ACCOUNT(st('Waiting', 'pending')));
    w.sim.store.featureEnabled = false;
    const r = await w.run('plan');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('custom ticket statuses are not activated on this Zendesk account');
    expect(w.sim.requests.map((q) => q.path)).toEqual(['/oauth/tokens', '/api/v2/account/features']);
  });

  it('stops on an answer of the wrong shape, naming the request, and never plans from it', async () => {
    let body = '{"custom_statuses": [{"id": "11", "agent_label": "Open"}]}';
    extra = createServer((req, res) => {
      if (req.url?.startsWith('/api/v2/account/features')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"features": {}}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((r) => extra!.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(extra.address() as AddressInfo).port}`;
    const dir = tree({ 'statusform.yaml': ZD_ACCOUNT(st('Waiting', 'pending'), '', API_TOKEN) });
    const env = { ZENDESK_URL: url, ZENDESK_EMAIL: 'a@b.c', ZENDESK_API_TOKEN: 't' };
    const r = await cli(['plan'], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /support\.statuses: cannot read live state: GET \/api\/v2\/custom_statuses answered 200, but it is not a list of Zendesk custom statuses: \/custom_statuses\/0 lacks "status_category"/,
    );
    body = '<html>Maintenance</html>';
    const h = await cli(['plan'], { cwd: dir, env });
    expect(h.code).toBe(1);
    expect(h.stderr).toContain('the body is an HTML page, not JSON');
  });

  it('resolves a create answered 201 without an id by re-reading: one status, its real id recorded', async () => {
    const w = await zdWorld(ZD_ACCOUNT(st('Fresh', 'open')));
    vendor = await hostile(w.sim.url, async (ex, forward) => {
      if (ex.method !== 'POST' || ex.path === '/oauth/tokens') return undefined;
      const real = (await forward()).json() as { custom_status: Record<string, unknown> };
      return json(201, { custom_status: { ...real.custom_status, id: undefined } });
    });
    w.env['ZENDESK_URL'] = vendor.url;
    const r = await w.run('apply', '--auto-approve');
    expect(r.code, r.stderr).toBe(0);
    const made = [...w.sim.store.statuses.values()].filter((s) => s.agent_label === 'Fresh');
    expect(made).toHaveLength(1);
    expect(vendor.writes().filter((q) => q.path.startsWith('/api/'))).toHaveLength(1);
    expect(w.state().accounts['support']!.items['Fresh']!.id).toBe(made[0]!.id);
  });

  it('never records a rename answered about another status', async () => {
    const w = await zdWorld(ZD_ACCOUNT(st('Waiting', 'pending')));
    let lying = false;
    vendor = await hostile(w.sim.url, async (ex, forward) => {
      if (!lying || ex.method !== 'PUT') return undefined;
      const real = (await forward()).json() as { custom_status: Record<string, unknown> };
      return json(200, { custom_status: { ...real.custom_status, id: 12 } });
    });
    w.env['ZENDESK_URL'] = vendor.url;
    await w.run('apply', '--auto-approve');
    lying = true;
    w.write(ZD_ACCOUNT(st('Waiting on you', 'pending', ', renamed_from: [Waiting]')));
    const r = await w.run('apply', '--auto-approve');
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/answered with another status \(id 12\)/);
    expect(Object.keys(w.state().accounts['support']!.items)).toEqual(['Waiting']);
  });

  it('imports the live custom statuses with their real categories, leaving built-in ones out', async () => {
    const w = await zdWorld(ZD_ACCOUNT(''), {
      statuses: [{ agent_label: 'Waiting on vendor', status_category: 'pending', end_user_label: 'In progress' }],
    });
    const r = await w.run('import', '--account', 'support', '--out', 'statusform.yaml');
    expect(r.code, r.stderr).toBe(0);
    const config = readFileSync(join(w.dir, 'statusform.yaml'), 'utf8');
    expect(config).toMatch(/agent_label: Waiting on vendor/);
    expect(config).toMatch(/maps_to: pending/);
    expect(config).not.toMatch(/zd\.status|agent_label: Open/);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });
});
