// `statusform shards`: the CI matrix for --shard K/N, only the changed shards with
// --changed-since, and never more jobs than GitHub runs.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shardTable } from '../../src/engine/shard.js';
import { cli, tree } from '../helpers.js';

const account = (name: string, label = 'Alpha') =>
  `  ${name}:\n    vendor: thalamus\n    token: \${THALAMUS_TOKEN}\n` +
  `    status_variants:\n      - { id: a, label: "${label}", maps_to: open }\n`;
const config = (names: string[]) => `version: 1\naccounts:\n${names.map((n) => account(n)).join('')}`;
const NAMES = Array.from({ length: 12 }, (_, i) => `acct-${i}`);

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

  it('refuses a matrix over 256 jobs and says which --count fits', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => `a${i}`);
    const accounts = many.map((n) => `  ${n}: { vendor: thalamus, token: t, status_variants: [] }\n`).join('');
    const dir = tree({ 'statusform.yaml': `version: 1\naccounts:\n${accounts}` });
    const r = await cli(['shards', '--count', '400'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /the matrix would have \d+ jobs, and GitHub Actions runs at most 256 from one matrix: use --count 256 or less \(1000 accounts: about 4 per shard at --count 256\)/,
    );
    expect((await cli(['shards', '--count', '256'], { cwd: dir })).code).toBe(0);
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
