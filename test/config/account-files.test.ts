// The layout of account files: statusform.yaml (the settings) beside accounts/<name>.yaml, one
// account each, named by its file; and `statusform split`, which turns a single file into it.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelDigests } from '../../src/config/digests.js';
import { loadConfig } from '../../src/config/load.js';
import { splitCommand } from '../../src/cli/commands/split.js';
import { tree } from '../helpers.js';
import { PassThrough } from 'node:stream';
import type { Io } from '../../src/cli/io.js';

const env = { TH_TOKEN: 'th-secret' };
const account = (token = '${TH_TOKEN}') =>
  `vendor: thalamus\ntoken: ${token}\nstatus_variants:\n  - { id: v1, label: Open, maps_to: open }\n`;
const messages = (r: ReturnType<typeof loadConfig>) =>
  r.problems.map((p) => `${p.position.file}:${p.position.line}:${p.position.col}: ${p.message}`);

describe('account files', () => {
  it('loads each account from its own file, named by it, as a single file would', () => {
    const dir = tree({ 'statusform.yaml': 'version: 1\n', 'accounts/one.yaml': account(), 'accounts/two.yaml': account() });
    const single = tree({ 'statusform.yaml': `version: 1\naccounts:\n  one:\n${indent(account())}  two:\n${indent(account())}` });
    const r = loadConfig('.', { cwd: dir, env });
    expect(r.problems).toEqual([]);
    expect(r.config!.accounts.map((a) => a.name)).toEqual(['one', 'two']);
    expect(modelDigests(r.config!).digest).toBe(modelDigests(loadConfig('.', { cwd: single, env }).config!).digest);
    // -c statusform.yaml names the whole layout too
    expect(loadConfig('statusform.yaml', { cwd: dir, env }).config!.accounts).toHaveLength(2);
  });

  it('reads only the chosen accounts files: a broken account file does not stop another account', () => {
    const dir = tree({ 'statusform.yaml': 'version: 1\n', 'accounts/one.yaml': account(), 'accounts/two.yaml': 'vendor: [\n' });
    const r = loadConfig('.', { cwd: dir, env, select: () => ['one'] });
    expect(r.problems).toEqual([]);
    expect(r.config!.accounts.map((a) => a.name)).toEqual(['one']);
    expect(messages(loadConfig('.', { cwd: dir, env }))[0]).toMatch(/^accounts\/two\.yaml:\d+:\d+: /);
  });

  it('positions a problem in the account file, and checks the file name and what the file holds', () => {
    const dir = tree({
      'statusform.yaml': 'version: 1\n',
      'accounts/one.yaml': 'vendor: thalamus\ntoken: t\nstatus_variants:\n  - { id: v1, label: Open, maps_to: nowhere }\n',
      'accounts/9lives.yaml': account('t'),
      'accounts/full.yaml': `version: 1\n${account('t')}`,
    });
    expect(messages(loadConfig('.', { cwd: dir, env }))).toEqual([
      'accounts/9lives.yaml:1:1: an account file is named after its account, and "9lives" is no account name: rename the file to start with a letter and hold only letters, digits, - and _',
      'accounts/full.yaml:1:1: version: belongs in statusform.yaml; an account file holds the settings of its account alone, named by the file',
      expect.stringMatching(/^accounts\/one\.yaml:4:\d+: .*unknown category "nowhere"/),
    ]);
  });

  it('refuses accounts in statusform.yaml beside accounts/', () => {
    const dir = tree({ 'statusform.yaml': `version: 1\naccounts:\n  two:\n${indent(account())}`, 'accounts/one.yaml': account() });
    expect(messages(loadConfig('.', { cwd: dir, env }))).toEqual([
      'statusform.yaml:1:1: beside accounts/, statusform.yaml holds the settings only: move each account to accounts/<name>.yaml (statusform split does it)',
    ]);
  });
});

describe('statusform split', () => {
  it('writes the settings and one file per account, comments kept, describing the same accounts', async () => {
    const text = `# the fleet\nversion: 1\ncategories: [new, open, pending, hold, solved, closed]\naccounts:\n  # the first shop\n  one:\n${indent(account())}  two: # the second\n${indent(account('"0012"'))}`;
    const dir = tree({ 'statusform.yaml': text });
    const before = loadConfig('.', { cwd: dir, env }).config!;
    await splitCommand(io(dir), {});
    expect(readFileSync(join(dir, 'statusform.yaml'), 'utf8')).toBe(
      '# the fleet\nversion: 1\ncategories: [ new, open, pending, hold, solved, closed ]\n',
    );
    expect(readFileSync(join(dir, 'accounts/one.yaml'), 'utf8')).toMatch(/^# the first shop\n\nvendor: thalamus\n/);
    expect(readFileSync(join(dir, 'accounts/two.yaml'), 'utf8')).toContain('token: "0012"');
    expect(modelDigests(loadConfig('.', { cwd: dir, env }).config!).accountDigests).toEqual(modelDigests(before).accountDigests);
  });

  it('refuses a file whose accounts share settings through aliases, and changes nothing', async () => {
    const text = `version: 1\naccounts:\n  one: &a\n${indent(account())}  two: *a\n`;
    const dir = tree({ 'statusform.yaml': text });
    await expect(splitCommand(io(dir), {})).rejects.toThrow(/aliases/);
    expect(readFileSync(join(dir, 'statusform.yaml'), 'utf8')).toBe(text);
    expect(existsSync(join(dir, 'accounts'))).toBe(false);
  });
});

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => (l ? `    ${l}` : l))
    .join('\n');
}

function io(cwd: string): Io {
  return { cwd, env, stdout: new PassThrough(), stderr: new PassThrough() } as unknown as Io;
}
