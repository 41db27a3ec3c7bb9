// Issue 11, item 1: a command line that helps — per-command help, did you mean, Terraform's
// single-dash forms, durations, version, colour switches and completion scripts, all from the
// one command table (src/cli/command-table.ts), run through the built binary.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, FLAGS, duration } from '../../src/cli/command-table.js';
import { colorEnabled } from '../../src/render/style.js';
import { tree } from '../helpers.js';

const bin = new URL('../../bin/statusform.js', import.meta.url).pathname;
const example = new URL('../../examples/quickstart', import.meta.url).pathname;

function run(args: string[], env: NodeJS.ProcessEnv = {}, cwd = tree({})): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the command line helps', () => {
  it('gives each command its own help: its flags, one line each, and an example', () => {
    for (const args of [
      ['plan', '--help'],
      ['help', 'plan'],
      ['plan', '-h'],
    ]) {
      const r = run(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^Usage: statusform plan \[-c PATH\]/);
      for (const f of [
        '--config PATH',
        '--out FILE',
        '--format text|markdown|json',
        '--detailed-exitcode',
        '--max-wait DURATION',
        '--no-color',
      ])
        expect(r.stdout).toContain(f);
      expect(r.stdout).not.toContain('--auto-approve');
      expect(r.stdout).toContain('Example:\n  statusform plan -c examples/quickstart --out plan.json');
    }
    for (const c of COMMANDS) {
      const r = run(['help', ...c.name.split(' ')]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: statusform ${c.name}`);
      expect(r.stdout).toContain(c.example);
      for (const f of c.flags) expect(r.stdout).toContain(`--${f}`);
    }
    expect(run(['help', 'mappings']).stdout).toContain('--format text|markdown ');
    const all = run(['--help']);
    for (const c of COMMANDS) expect(all.stdout).toContain(`  ${c.name} `);
  });

  it('says "did you mean" for unknown commands and flags, and which command takes a misplaced flag', () => {
    expect(run(['plna']).stderr).toContain('unknown command "plna": did you mean `plan`?');
    expect(run(['vaildate']).stderr).toContain('did you mean `validate`?');
    expect(run(['help', 'aply']).stderr).toContain('did you mean `apply`?');
    const r = run(['plan', '--ouput', 'x.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown option "--ouput": did you mean `--out`?');
    expect(run(['apply', '--auto-aprove']).stderr).toContain('did you mean `--auto-approve`?');
    expect(run(['validate', '--port', '1']).stderr).toContain('validate does not take --port (sandbox does)');
    expect(run(['plan', '--format', 'markdwn']).stderr).toContain(
      '--format must be text, markdown or json (got "markdwn"): did you mean `markdown`?',
    );
    expect(run(['plan', '--out']).stderr).toContain('--out needs a value (FILE)');
    expect(run(['completion']).stderr).toContain('completion needs bash, zsh or fish');
  });

  it("accepts Terraform's single-dash forms, or names the statusform way in one line", () => {
    expect(run(['-version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(
      run(['validate', '-no-color', `-config=${example}`], {
        THALAMUS_TOKEN: 'x',
        PROPERTYDECK_TOKEN: 'x',
        THALAMUS_URL: 'http://127.0.0.1:1',
        PROPERTYDECK_URL: 'http://127.0.0.1:2',
      }).stderr,
    ).not.toContain('unknown option');
    expect(run(['plan', '-auto-approve']).stderr).toContain('plan does not take --auto-approve (apply does)');
    expect(run(['apply', '-out=plan.json']).stderr).toContain('apply does not take --out');
    // -target is --target (reached the configuration, which this directory lacks); -json is apply's --json.
    const target = run(['plan', '-target=estate']);
    expect(target.code).toBe(1);
    expect(target.stderr).toContain('no configuration at');
    expect(run(['plan', '-json']).stderr).toContain('plan does not take --json (apply does)');
    expect(run(['plan', '-var', 'x=1']).stderr).toContain('the configuration reads ${VAR} from the environment');
    expect(run(['plan', '-detailed-exit']).stderr).toContain('did you mean `--detailed-exitcode`?');
  });

  it('reads durations as seconds or with a unit', () => {
    expect(duration('max-wait', '90')).toBe(90);
    expect(duration('max-wait', '5s')).toBe(5);
    expect(duration('max-wait', '2m')).toBe(120);
    expect(duration('max-wait', '1m30s')).toBe(90);
    expect(duration('max-wait', '500ms')).toBe(0.5);
    expect(duration('max-wait', '0')).toBe(0);
    expect(() => duration('max-wait', '5x')).toThrow('--max-wait must be a duration such as 30, 5s, 2m or 1m30s');
    expect(() => duration('lock-timeout', '-1s')).toThrow('--lock-timeout must be a duration');
    expect(run(['plan', '--max-wait', 'soon']).stderr).toContain('--max-wait must be a duration');
  });

  it('prints the version as a command and as a flag', () => {
    const v = run(['version']).stdout;
    expect(v).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(run(['--version']).stdout).toBe(v);
    expect(run(['-v']).stdout).toBe(v);
  });

  it('colours by --no-color, NO_COLOR (only when non-empty) and FORCE_COLOR', () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    const esc = '\u001b[';
    const dir = tree({ 'statusform.yaml': 'version: 1\naccounts:\n  x: { vendor: thalamus }\n' });
    expect(run(['validate'], { FORCE_COLOR: '1' }, dir).stderr).toContain(esc);
    expect(run(['validate'], {}, dir).stderr).not.toContain(esc);
    expect(run(['validate', '--no-color'], { FORCE_COLOR: '1' }, dir).stderr).not.toContain(esc);
    expect(run(['validate'], { FORCE_COLOR: '1', NO_COLOR: '1' }, dir).stderr).not.toContain(esc);
    expect(run(['validate'], { FORCE_COLOR: '1', NO_COLOR: '' }, dir).stderr).toContain(esc);
  });

  it('prints completion scripts for bash, zsh and fish; the bash one completes commands, flags and values', () => {
    const scripts = Object.fromEntries(['bash', 'zsh', 'fish'].map((s) => [s, run(['completion', s])]));
    for (const [shell, r] of Object.entries(scripts)) {
      expect(r.code, shell).toBe(0);
      for (const c of COMMANDS) expect(r.stdout, shell).toContain(c.name.split(' ')[0]!);
    }
    expect(scripts['zsh']!.stdout).toMatch(/^#compdef statusform/);
    expect(scripts['fish']!.stdout).toContain(
      "complete -c statusform -n '__fish_seen_subcommand_from plan' -l format -x -a 'text markdown json'",
    );
    const dir = tree({});
    writeFileSync(join(dir, 'sf.bash'), scripts['bash']!.stdout);
    const complete = (...words: string[]) => {
      const script =
        `source ./sf.bash; COMP_WORDS=(statusform ${words.map((w) => `'${w}'`).join(' ')}); ` +
        `COMP_CWORD=${words.length}; _statusform; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const r = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8' });
      expect(r.stderr).toBe('');
      return r.stdout.trim().split('\n').sort();
    };
    expect(complete('pl')).toEqual(['plan']);
    expect(complete('plan', '--det')).toEqual(['--detailed-exitcode']);
    expect(complete('plan', '--format', 'm')).toEqual(['markdown']);
    expect(complete('completion', 'z')).toEqual(['zsh']);
    expect(complete('apply', '--auto')).toEqual(['--auto-approve']);
    for (const shell of ['zsh', 'fish']) {
      const check = spawnSync(shell, ['-n'], { input: scripts[shell]!.stdout, encoding: 'utf8' });
      if (check.error) continue; // that shell is not installed here
      expect(check.status, check.stderr).toBe(0);
    }
  });

  it('has every flag described and used by some command', () => {
    const used = new Set(COMMANDS.flatMap((c) => c.flags));
    for (const [name, f] of Object.entries(FLAGS)) {
      expect(f.description.length, name).toBeGreaterThan(5);
      if (!['help', 'version', 'no-color'].includes(name)) expect(used.has(name), name).toBe(true);
    }
  });
});
