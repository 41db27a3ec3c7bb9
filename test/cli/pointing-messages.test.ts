// Issue 22: messages that point the right way — each says what is really wrong, where it is, and a
// way out that works as written.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { shardOf } from '../../src/engine/shard.js';
import { cli, tree } from '../helpers.js';
import { world, type World } from '../e2e/fixtures.js';

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
  it('names the credential fields the account has, where they are written: a variable, or a position in its own file', async () => {
    w = await world(
      'version: 1\n',
      {},
      {
        'accounts/support.yaml':
          'vendor: zendesk\nbase_url: ${ZENDESK_URL}\nemail: agent@example.com\napi_token: not-the-token\n' +
          'statuses:\n  - { agent_label: Waiting, maps_to: pending }\n',
      },
    );
    const r = await w.run('plan');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('refused the credentials');
    expect(r.stderr).toContain('check api_token (accounts/support.yaml:4:12)');
    expect(r.stderr).not.toMatch(/check [^;]*\btoken \(/);
  });
});
