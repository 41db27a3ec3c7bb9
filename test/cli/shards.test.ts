// `statusform shards`: the CI matrix for --shard K/N, only the changed shards with
// --changed-since, and never more jobs than GitHub runs.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { shardOf, shardTable } from '../../src/engine/shard.js';
import { cli, tree } from '../helpers.js';

const account = (name: string, label = 'Alpha') =>
  `  ${name}:\n    vendor: thalamus\n    token: \${THALAMUS_TOKEN}\n` +
  `    status_variants:\n      - { id: a, label: "${label}", maps_to: open }\n`;
const config = (names: string[]) => `version: 1\naccounts:\n${names.map((n) => account(n)).join('')}`;
const NAMES = Array.from({ length: 12 }, (_, i) => `acct-${i}`);
const BIN = fileURLToPath(new URL('../../bin/statusform.js', import.meta.url));

/** The installed command in a process of its own, as a workflow step runs it, with `env` as its whole environment. */
function statusform(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const started = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - started };
}

/** `dir` as a git repository with everything in it committed. */
function committed(dir: string): string {
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, stdio: 'pipe' });
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'fleet');
  return dir;
}

describe('statusform shards', () => {
  it('prints a GitHub matrix of the non-empty shards, and the same data as JSON; no credentials needed', async () => {
    const dir = tree({ 'statusform.yaml': config(NAMES) });
    const r = await cli(['shards', '--count', '4'], { cwd: dir });
    expect(r.code).toBe(0);
    const expected = shardTable(NAMES, 4)
      .filter((t) => t.accounts.length > 0)
      .map((t) => ({ shard: `${t.shard.index}/4`, accounts: t.accounts }));
    expect(JSON.parse(r.stdout)).toEqual({ include: expected });
    expect(r.stdout.trim().split('\n')).toHaveLength(1); // one line, for $GITHUB_OUTPUT
    const json = await cli(['shards', '--count', '4', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toEqual({ count: 4, shards: expected });
  });

  it('refuses a --count over 256, the jobs GitHub Actions runs from one matrix', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => `a${i}`);
    const accounts = many.map((n) => `  ${n}: { vendor: thalamus, token: t, status_variants: [] }\n`).join('');
    const dir = tree({ 'statusform.yaml': `version: 1\naccounts:\n${accounts}` });
    const r = await cli(['shards', '--count', '257'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--count must be at most 256: GitHub Actions runs at most 256 jobs from one matrix (got 257)');
    const most = await cli(['shards', '--count', '256'], { cwd: dir });
    expect(most.code).toBe(0);
    expect(JSON.parse(most.stdout).include.length).toBeLessThanOrEqual(256);
  });

  it('--changed-since with account files: a changed file is its account, a changed statusform.yaml is every account', async () => {
    const files = Object.fromEntries(NAMES.map((n) => [`config/accounts/${n}.yaml`, 'vendor: thalamus\ntoken: t\nstatus_variants: []\n']));
    const dir = tree({ 'config/statusform.yaml': 'version: 1\n', ...files });
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'fleet');
    const changed = async () => {
      const r = await cli(['shards', '-c', 'config', '--count', '3', '--changed-since', 'HEAD', '--format', 'json'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout).shards as { changed: string[] }[]).flatMap((x) => x.changed).sort();
    };
    expect(await changed()).toEqual([]);
    writeFileSync(join(dir, 'config/accounts/acct-2.yaml'), 'vendor: thalamus\ntoken: u\nstatus_variants: []\n');
    expect(await changed()).toEqual(['acct-2']);
    writeFileSync(join(dir, 'config/statusform.yaml'), 'version: 1\ncategories: [new, open, pending, hold, solved, closed]\n');
    expect(await changed()).toEqual([...NAMES].sort());
  });

  it('--changed-since lists only the shards whose accounts changed: their config block, or their state', async () => {
    const dir = tree({
      'config/a.yaml': config(NAMES.slice(0, 6)),
      'config/b.yaml': `state: ../statusform.state.json\n${config(NAMES.slice(6))}`,
      'statusform.state.json': JSON.stringify({ serial: 1, lineage: 'L', accounts: { 'acct-7': { items: {} }, 'acct-8': { items: {} } } }),
    });
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'fleet');
    const run = (...extra: string[]) => cli(['shards', '-c', 'config', '--count', '3', '--changed-since', 'HEAD', ...extra], { cwd: dir });

    expect(JSON.parse((await run()).stdout)).toEqual({ include: [] });
    // One account's block in a.yaml, and another's entry in the state file.
    writeFileSync(join(dir, 'config/a.yaml'), config(NAMES.slice(0, 6)).replace(account('acct-2'), account('acct-2', 'Beta')));
    writeFileSync(
      join(dir, 'statusform.state.json'),
      JSON.stringify({ serial: 2, lineage: 'L', accounts: { 'acct-7': { items: {} }, 'acct-8': { items: { a: {} } } } }),
    );
    const r = await run('--format', 'json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout).shards as { shard: string; accounts: string[]; changed: string[] }[];
    expect(rows.flatMap((x) => x.changed).sort()).toEqual(['acct-2', 'acct-8']);
    const table = shardTable(NAMES, 3);
    for (const row of rows) expect(row.accounts).toEqual(table[Number(row.shard.split('/')[0]) - 1]!.accounts);

    const unknown = await cli(['shards', '-c', 'config', '--count', '3', '--changed-since', 'no-such-ref'], { cwd: dir });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('--changed-since no-such-ref: git cannot tell what changed');
  });
});

describe('statusform shards, the gate of every workflow', () => {
  const broken: { what: string; file: string; text: string; problem: string }[] = [
    {
      what: 'a YAML syntax error',
      file: 'statusform.yaml',
      text: config(NAMES).replace('label: "Alpha"', 'label: "Alpha'),
      problem: 'statusform.yaml:',
    },
    {
      what: 'a misspelt accounts:',
      file: 'statusform.yaml',
      text: config(NAMES).replace('accounts:', 'acounts:'),
      problem: 'statusform.yaml:2:1: (top level): unknown field "acounts": did you mean `accounts`?',
    },
    {
      what: 'an unknown category',
      file: 'statusform.yaml',
      text: config(NAMES).replace('maps_to: open', 'maps_to: opn'),
      problem: 'statusform.yaml:7:43: acct-0.status_variants["a"]: unknown category "opn"',
    },
    {
      what: "a YAML error in one account's file of a directory",
      file: 'statusform/acct-3.yaml',
      text: `accounts:\n${account('acct-3')}      - id: b\n       label: B\n`,
      problem: 'statusform/acct-3.yaml:',
    },
  ];
  const layouts: Record<string, Record<string, string>> = {
    'statusform.yaml': { 'statusform.yaml': config(NAMES) },
    'statusform/acct-3.yaml': Object.fromEntries(NAMES.map((n) => [`statusform/${n}.yaml`, `version: 1\naccounts:\n${account(n)}`])),
  };

  for (const b of broken) {
    it(`exits 1 on ${b.what}, positioned as validate says it, with nothing on stdout (with --changed-since too)`, () => {
      const dir = committed(tree(layouts[b.file]!));
      writeFileSync(join(dir, b.file), b.text);
      const c = b.file === 'statusform.yaml' ? [] : ['-c', 'statusform'];
      const validate = statusform(['validate', ...c], dir, { THALAMUS_TOKEN: 't' });
      expect(validate.code).toBe(1);
      for (const extra of [[], ['--changed-since', 'HEAD']]) {
        const r = statusform(['shards', ...c, '--count', '4', ...extra], dir);
        expect(r.code, r.stderr).toBe(1);
        expect(r.stdout).toBe('');
        expect(r.stderr).toContain(b.problem);
        // The same problems validate prints, in the same words.
        const lines = (text: string) => text.split('\n').filter((l) => /^[\w./-]+\.yaml:\d+:\d+: /.test(l));
        expect(lines(r.stderr)).toEqual(lines(validate.stderr));
        expect(lines(r.stderr).length).toBeGreaterThan(0);
      }
    });
  }

  it('needs no credentials: unset variables in credentials and hosts still give the matrix', () => {
    const withHost = (n: string) => account(n).replace('    token:', '    base_url: ${THALAMUS_URL}\n    token:');
    const dir = tree({ 'statusform.yaml': `version: 1\naccounts:\n${NAMES.map(withHost).join('')}` });
    const r = statusform(['shards', '--count', '4'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(
      JSON.parse(r.stdout)
        .include.flatMap((x: { accounts: string[] }) => x.accounts)
        .sort(),
    ).toEqual([...NAMES].sort());
    // plan still needs them
    expect(statusform(['plan', '--shard', '1/4'], dir).stderr).toContain('environment variable THALAMUS_TOKEN is not set');
  });

  it('lists every account of the all-vendors example with no variable set (a TimeTap business_id from one is unknown, not wrong)', () => {
    const example = fileURLToPath(new URL('../../examples/all-vendors', import.meta.url));
    const names = readdirSync(join(example, 'accounts')).map((f) => f.replace(/\.yaml$/, ''));
    expect(names).toContain('salon');
    const r = statusform(['shards', '-c', example, '--count', '4'], example);
    expect(r.code, r.stderr).toBe(0);
    const listed = (JSON.parse(r.stdout).include as { accounts: string[] }[]).flatMap((x) => x.accounts);
    expect(listed.sort()).toEqual([...names].sort());
  });

  it('--changed-since refuses a state setting with an unset variable: the state changes would go unseen', () => {
    const dir = committed(tree({ 'statusform.yaml': `version: 1\nstate: \${STATE_DIR}\n${config(NAMES).slice('version: 1\n'.length)}` }));
    expect(statusform(['shards', '--count', '4'], dir).code).toBe(0);
    const r = statusform(['shards', '--count', '4', '--changed-since', 'HEAD'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('statusform.yaml:2:8: state needs the environment variable STATE_DIR set');
    expect(JSON.parse(statusform(['shards', '--count', '4', '--changed-since', 'HEAD'], dir, { STATE_DIR: 'st' }).stdout)).toEqual({
      include: [],
    });
  });

  it("--changed-since finds the account of a changed state file however its name is written: +beta.json is Beta's", () => {
    const names = ['alpha', 'Beta', 'gamma', 'DeltaX'];
    const state = (items: object) => JSON.stringify({ serial: 1, lineage: 'L', accounts: { x: { items } } });
    const dir = committed(
      tree({
        'statusform.yaml': config(names),
        'statusform.state/alpha.json': state({}),
        'statusform.state/+beta.json': state({}),
        'statusform.state/+delta+x.json': state({}),
      }),
    );
    const changed = (...more: string[]) => {
      const r = statusform(['shards', '--count', '4', '--changed-since', 'HEAD', '--format', 'json', ...more], dir);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout).shards as { changed: string[] }[]).flatMap((x) => x.changed).sort();
    };
    writeFileSync(join(dir, 'statusform.state/+beta.json'), state({ a: {} }));
    writeFileSync(join(dir, 'statusform.state/+delta+x.json.lock'), '{}'); // a lock is no change
    expect(changed()).toEqual(['Beta']);
    const r = statusform(['shards', '--count', '4', '--changed-since', 'HEAD'], dir);
    expect(JSON.parse(r.stdout).include).toEqual([
      { shard: `${shardOf('Beta', 4)}/4`, accounts: shardTable(names, 4)[shardOf('Beta', 4) - 1]!.accounts, changed: ['Beta'] },
    ]);
    // A new account's first state file, and one written in capitals by hand, are no other account's.
    mkdirSync(join(dir, 'statusform.state', 'nested'), { recursive: true });
    writeFileSync(join(dir, 'statusform.state/+delta+x.json'), state({ b: {} }));
    writeFileSync(join(dir, 'statusform.state/Gamma.json'), state({}));
    expect(changed()).toEqual(['Beta', 'DeltaX']);
  });

  it('refuses a huge --count or --shard at once, before reading any configuration', () => {
    const dir = tree({}); // no configuration at all: the limit is said first
    const runs = [
      { args: ['shards', '--count', '100000000'], says: '--count must be at most 256' },
      { args: ['plan', '--shard', '1/999999999999'], says: '--shard K/N takes N up to 1000 (got "1/999999999999")' },
      { args: ['apply', '--shard', '1/1001', '--auto-approve'], says: '--shard K/N takes N up to 1000 (got "1/1001")' },
    ];
    for (const { args, says } of runs) {
      const r = statusform(args, dir);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(says);
      expect(r.stderr).not.toContain('no configuration');
      expect(r.ms).toBeLessThan(5000); // minutes before the limits were checked first
    }
    expect(statusform(['shards', '--count', '256'], dir).stderr).toContain('no configuration at');
    expect(statusform(['plan', '--shard', '1000/1000'], dir).stderr).toContain('no configuration at');
  });
});
