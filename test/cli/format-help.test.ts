// Issue 22, item 6: help and completion give each command's own --format values and meaning.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers.js';

async function completionScript(): Promise<string> {
  return (await cli(['completion', 'bash'], { cwd: tempDir() })).stdout;
}

/** What bash completion offers after `statusform <words…>`, the last word being completed. */
function complete(script: string, words: string[]): string[] {
  const line = ['statusform', ...words].map((w) => `'${w}'`).join(' ');
  const r = spawnSync(
    'bash',
    ['-c', `${script}\nCOMP_WORDS=(${line}); COMP_CWORD=${words.length}; _statusform; printf '%s\\n' "\${COMPREPLY[@]}"`],
    { encoding: 'utf8' },
  );
  return r.stdout.split('\n').filter((l) => l !== '');
}

describe("each command's --format", () => {
  it.each([
    ['mappings', ['text', 'markdown']],
    ['shards', ['github-matrix', 'json']],
    ['plan', ['text', 'markdown', 'json']],
    ['show', ['text', 'markdown', 'json']],
  ])('bash completion after %s --format offers %j', async (command, values) => {
    expect(complete(await completionScript(), [command, '--format', ''])).toEqual(values);
  });

  it('state show --format completes text and json', async () => {
    expect(complete(await completionScript(), ['state', 'show', 'x', '--format', ''])).toEqual(['text', 'json']);
  });

  it.each([['mappings'], ['shards'], ['state', 'show']])('%s --help does not call its output the wire plan', async (...command) => {
    const r = await cli([...command, '--help'], { cwd: tempDir() });
    expect(r.code).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.trim().startsWith('--format'))!;
    expect(line).toBeDefined();
    expect(line).not.toContain('wire plan');
  });

  it('import --help: one account, and --out is the YAML', async () => {
    const r = await cli(['import', '--help'], { cwd: tempDir() });
    expect(r.stdout).toMatch(/--account NAME +the account to import \(exactly one\)/);
    expect(r.stdout).not.toMatch(/--out FILE .*JSON plan/);
  });
});

describe("each command's help describes its own flags", () => {
  it('every command with --format shows its own values in --help, and completion offers exactly those', async () => {
    const { COMMANDS, FLAGS } = await import('../../src/cli/command-table.js');
    const script = await completionScript();
    const withFormat = COMMANDS.filter((c) => c.flags.includes('format'));
    expect(withFormat.map((c) => c.name).sort()).toEqual(['mappings', 'plan', 'shards', 'show', 'state show']);
    for (const c of withFormat) {
      const values = [...(c.flagChoices?.['format'] ?? FLAGS.format.choices ?? [])];
      const help = await cli([...c.name.split(' '), '--help'], { cwd: tempDir() });
      expect(help.stdout, c.name).toContain(`--format ${values.join('|')} `);
      const words = [...c.name.split(' '), ...(c.args?.length ? ['x'] : []), '--format', ''];
      expect(complete(script, words), c.name).toEqual(values);
    }
  });

  it.each([['plan'], ['import'], ['unlock'], ['apply']])('%s --help names no other command in a flag description', async (command) => {
    const r = await cli([command, '--help'], { cwd: tempDir() });
    const options = r.stdout.slice(r.stdout.indexOf('Options:'), r.stdout.indexOf('Example:'));
    const others = ['plan', 'import', 'unlock', 'apply'].filter((o) => o !== command);
    for (const o of others) expect(options, `${command}: ${o}`).not.toMatch(new RegExp(`\\b${o}: `));
  });
});

describe('bash completion of the state subcommands', () => {
  it('offers the subcommands after state, and each one only its own flags', async () => {
    const script = await completionScript();
    expect(complete(script, ['state', ''])).toEqual(['list', 'show', 'rm', 'mv', 'migrate']);
    expect(complete(script, ['state', 'show', '--'])).toContain('--format');
    for (const sub of ['list', 'rm', 'mv', 'migrate']) expect(complete(script, ['state', sub, '--']), sub).not.toContain('--format');
    expect(complete(script, ['state', 'migrate', '--'])).toContain('--from');
    expect(complete(script, ['state', 'list', '--'])).not.toContain('--from');
  });
});
