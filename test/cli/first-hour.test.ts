// Issue 22's proof: the first hour of a new user, from the release tarball installed into a prefix
// of its own (as the install test does), in an empty directory outside the checkout — `init`,
// `validate` without a credential, the sandbox, then plan → apply → plan saying "No changes"; and
// the quick start's example as the package ships it. Every page the README links to is packed.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { installGlobally, listing, packRelease, root } from './release-package.js';

/** The README, the changelog and docs/, as the pages a user reads. */
function pages(): string[] {
  const docs = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? docs(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
    );
  return ['README.md', 'CHANGELOG.md', ...docs('docs')];
}

/** Every file or folder a page links to by a relative path, as a path in the package. */
function linkTargets(page: string): string[] {
  const text = readFileSync(join(root, page), 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/\]\(([^)\s#]+)(#[^)]*)?\)/g)]
    .map((m) => m[1]!)
    .filter((t) => !/^[a-z]+:/.test(t))
    .map((t) => normalize(join(dirname(page), t)).replace(/\/$/, ''));
}

/** Starts `statusform sandbox` as a user does in a second shell, and reads the export lines it prints. */
async function sandbox(bin: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; vars: Record<string, string> }> {
  const port = 12000 + Math.floor(Math.random() * 15000);
  const child = spawn(bin, ['sandbox', '--port', String(port)], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  await new Promise<void>((done, fail) => {
    child.stdout!.on('data', (b: Buffer) => {
      text += b.toString();
      if (text.includes('Press Ctrl-C')) done();
    });
    child.on('exit', (code) => fail(new Error(`statusform sandbox ended (${code}): ${text}`)));
  });
  const vars = Object.fromEntries([...text.matchAll(/^\s*export (\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  return { child, vars };
}

describe('the first hour, from the packed tarball', () => {
  it('init in an empty directory, validate without secrets, the sandbox, plan → apply → plan with no changes; the quick start likewise', {
    timeout: 300_000,
  }, async () => {
    const out = tempDir('statusform-first-hour-');
    const tarball = packRelease(out);
    const files = listing(tarball);
    const packed = (path: string) => files.includes(`package/${path}`) || files.some((f) => f.startsWith(`package/${path}/`));
    for (const page of pages()) {
      expect(packed(page), page).toBe(true);
      for (const target of linkTargets(page)) expect(packed(target), `${page} links to ${target}`).toBe(true);
    }

    const prefix = join(out, 'prefix');
    const bin = installGlobally(tarball, prefix);
    const base = { PATH: `${join(prefix, 'bin')}:${process.env['PATH'] ?? ''}`, HOME: out };
    const dir = tempDir('statusform-empty-');
    const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      spawnSync(bin, args, { cwd: dir, env: { ...base, ...env }, encoding: 'utf8' });

    // README: "statusform init --vendor propertydeck (one --vendor per vendor you use) … statusform validate -c statusform".
    const init = run(['init', '--vendor', 'propertydeck', '--vendor', 'zendesk']);
    expect(init.status, init.stderr).toBe(0);
    expect(readdirSync(join(dir, 'statusform', 'accounts')).sort()).toEqual(['estate.yaml', 'support.yaml']);
    const valid = run(['validate', '-c', 'statusform']);
    expect(valid.status, valid.stderr).toBe(0);
    expect(valid.stdout).toContain('The configuration is valid: 2 accounts');

    const { child, vars } = await sandbox(bin, dir, base);
    try {
      // docs/getting-started.md: to try it against the simulators, Zendesk takes base_url: ${ZENDESK_URL} instead of subdomain.
      const support = join(dir, 'statusform', 'accounts', 'support.yaml');
      writeFileSync(support, readFileSync(support, 'utf8').replace(/^subdomain: .*$/m, 'base_url: ${ZENDESK_URL}'));
      const plan = run(['plan', '-c', 'statusform'], vars);
      expect(plan.status, plan.stderr).toBe(0);
      expect(plan.stdout).toContain('+ support.statuses["Waiting on supplier"]');
      const apply = run(['apply', '-c', 'statusform', '--auto-approve'], vars);
      expect(apply.status, apply.stderr).toBe(0);
      const again = run(['plan', '-c', 'statusform', '--detailed-exitcode'], vars);
      expect(again.status, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).toContain('No changes.');

      // README's quick start by hand, on the example the package ships (copied: the install stays as it is).
      cpSync(join(prefix, 'lib', 'node_modules', 'statusform', 'examples', 'quickstart'), join(dir, 'quickstart'), { recursive: true });
      const first = run(['plan', '-c', 'quickstart'], vars);
      expect(first.status, first.stderr).toBe(0);
      expect(first.stdout).toContain('will be renamed in place from "property:Sold Subject To Contract"');
      expect(run(['apply', '-c', 'quickstart', '--auto-approve'], vars).status).toBe(0);
      const clean = run(['plan', '-c', 'quickstart', '--detailed-exitcode'], vars);
      expect(clean.status, clean.stdout + clean.stderr).toBe(0);
      expect(clean.stdout).toContain('No changes.');
    } finally {
      const ended = new Promise((done) => child.on('exit', done));
      child.kill('SIGTERM');
      await ended;
    }
  });
});
