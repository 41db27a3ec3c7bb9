// Issue 22: messages that point the right way — each says what is really wrong, where it is, and a
// way out that works as written.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { shardOf } from '../../src/engine/shard.js';
import { cli, tree } from '../helpers.js';
import { ZENDESK_SANDBOX_API_TOKEN, ZENDESK_SANDBOX_EMAIL } from '../../src/vendors/zendesk/sandbox-credentials.js';
import { SPACEBRING_ACCOUNT, world, type World } from '../e2e/fixtures.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const pdAccount = 'vendor: propertydeck\nbase_url: https://pd.example\ntoken: t\nstatuses: []\n';

describe('a ${VAR} unquoted inside { … } or [ … ]', () => {
  it('says to quote it, at the variable, in a file of accounts and in an account file', async () => {
    const single = tree({
      'statusform.yaml':
        'version: 1\naccounts:\n  estate:\n    vendor: propertydeck\n    base_url: https://pd.example\n    token: t\n' +
        '    statuses:\n      - { label: ${L}, type: contact, maps_to: open }\n',
    });
    const r = await cli(['validate'], { cwd: single, env: { L: 'x' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('statusform.yaml:8:18: ${L} inside { … } or [ … ] must be quoted: write "${L}"');
    expect(r.stderr).not.toContain('indentation');

    const layout = tree({
      'statusform.yaml': 'version: 1\n',
      'accounts/estate.yaml':
        'vendor: propertydeck\nbase_url: https://pd.example\ntoken: t\nstatuses: [{ label: ${L}, type: contact, maps_to: open }]\n',
    });
    const a = await cli(['validate'], { cwd: layout, env: { L: 'x' } });
    expect(a.stderr).toContain('accounts/estate.yaml:4:21: ${L} inside { … } or [ … ] must be quoted: write "${L}"');
  });
});

describe('--account with --shard', () => {
  it('names the shard an account is in, instead of calling it unknown', async () => {
    const names = ['alpha', 'beta', 'gamma', 'delta'];
    const dir = tree({
      'statusform.yaml': 'version: 1\n',
      ...Object.fromEntries(names.map((n) => [`accounts/${n}.yaml`, pdAccount])),
    });
    const other = shardOf('alpha', 2) === 1 ? 2 : 1;
    const r = await cli(['plan', '--account', 'alpha', '--shard', `${other}/2`], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `no account named is in shard ${other}/2: alpha is in shard ${3 - other}/2 (statusform shards --count 2 lists each shard's accounts)`,
    );
    expect(r.stderr).not.toContain('unknown account');
  });

  it("applies only the shard's share of the accounts named, and says where each is when none of them is in the shard", async () => {
    const names = ['alpha', 'beta', 'gamma', 'delta'];
    const here = names.find((n) => shardOf(n, 2) === 1)!;
    const away = names.filter((n) => shardOf(n, 2) === 2);
    const account = (n: string) =>
      'vendor: propertydeck\nbase_url: ${PROPERTYDECK_URL}\ntoken: ${PROPERTYDECK_TOKEN}\n' +
      `statuses:\n  - { label: Listed by ${n}, type: property, maps_to: open }\n`;
    w = await world('version: 1\n', {}, Object.fromEntries(names.map((n) => [`accounts/${n}.yaml`, account(n)])));

    const r = await w.run('apply', '--account', away[0]!, '--account', here, '--shard', '1/2', '--auto-approve');
    expect(r.stderr).not.toContain('unknown account');
    expect(r.code).toBe(0);
    expect(Object.keys(w.state().accounts)).toEqual([here]);
    const labels = [...w.sandbox.simulators.propertydeck.store.statuses.values()].map((s) => s.label);
    expect(labels).toContain(`Listed by ${here}`);
    expect(labels).not.toContain(`Listed by ${away[0]}`);

    const none = await w.run('apply', ...away.flatMap((n) => ['--account', n]), '--shard', '1/2', '--auto-approve');
    expect(none.code).toBe(1);
    const where = away.map((n) => `${n} is in shard 2/2`).join(', ');
    expect(none.stderr).toContain(`no account named is in shard 1/2: ${where} (statusform shards --count 2 lists each shard's accounts)`);
    expect(none.stderr).not.toContain('unknown account');
  });
});

describe('plan --out naming a directory', () => {
  it('suggests a file it would accept: never one inside the state directory', async () => {
    const dir = tree({ 'statusform.yaml': `version: 1\naccounts:\n  estate:\n${pdAccount.replace(/^(?=.)/gm, '    ')}` });
    mkdirSync(join(dir, 'statusform.state'));
    const r = await cli(['plan', '--out', 'statusform.state/'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('give a file outside it, such as plan.json');
    expect(r.stderr).not.toContain('statusform.state/plan.json');
    mkdirSync(join(dir, 'plans'));
    expect((await cli(['plan', '--out', 'plans'], { cwd: dir })).stderr).toContain('such as plans/plan.json');
  });
});

describe('a refused login', () => {
  it('names every credential field the account has (an email and its API token), where each is written: a variable, or a position in its own file', async () => {
    w = await world(
      'version: 1\n',
      {},
      {
        'accounts/support.yaml':
          `vendor: zendesk\nbase_url: \${ZENDESK_URL}\nemail: ${ZENDESK_SANDBOX_EMAIL}\napi_token: \${ZENDESK_API_TOKEN}\n` +
          'statuses:\n  - { agent_label: Waiting, maps_to: pending }\n',
      },
    );
    // The sandbox's own email, with a token it never issued.
    const r = await cli(['plan'], { cwd: w.dir, env: { ...w.env, ZENDESK_API_TOKEN: 'not-the-token' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("refused the credentials (401 Couldn't authenticate you)");
    expect(r.stderr).toContain('; check email (accounts/support.yaml:3:8) and api_token ($ZENDESK_API_TOKEN)');
    expect(r.stderr).not.toMatch(/check [^;]*\b(token|client_id|client_secret) \(/);
    // The same email with the token the sandbox issued is let in: only the token was wrong.
    expect((await cli(['plan'], { cwd: w.dir, env: { ...w.env, ZENDESK_API_TOKEN: ZENDESK_SANDBOX_API_TOKEN } })).code).toBe(0);
  });

  it('names the client id beside the secret when a Basic-auth client is refused', async () => {
    w = await world(SPACEBRING_ACCOUNT('      - { id: sb-1, status: new }\n'));
    const r = await cli(['plan'], { cwd: w.dir, env: { ...w.env, SPACEBRING_CLIENT_SECRET: 'not-the-secret' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('refused the credentials');
    expect(r.stderr).toContain('; check client_id ($SPACEBRING_CLIENT_ID) and client_secret ($SPACEBRING_CLIENT_SECRET)');
  });
});
