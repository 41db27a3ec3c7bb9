// The README and docs/ are what a user copies from: the config reference must validate as written,
// the CLI reference must match the command table, every `statusform …` line must be a command the
// table knows with flags that command takes, and every relative link must lead to a file and heading.

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { tree } from '../helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const readme = read('README.md');

function markdownFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
  );
}
const pages = ['README.md', 'CHANGELOG.md', ...markdownFiles('docs')];

describe('README', () => {
  it('fits on a screen or five: at most 250 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(250);
  });

  it('links every page of docs/', () => {
    for (const page of markdownFiles('docs')) expect(readme, page).toContain(`](${page})`);
  });
});

describe('the config reference (docs/configuration.md)', () => {
  it('validates as written', () => {
    const block = [...read('docs/configuration.md').matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .find((b) => b.includes('version: 1') && b.includes('accounts:'));
    expect(block).toBeDefined();
    const names = [...block!.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]!);
    const env = Object.fromEntries(names.map((n) => [n, `value-of-${n.toLowerCase()}`]));
    const dir = tree({ 'statusform.yaml': block!, 'schemas/statusform.schema.json': '{}' });
    const r = loadConfig('statusform.yaml', { cwd: dir, env });
    expect(r.problems.map((p) => `${p.position.line}:${p.position.col}: ${p.message}`)).toEqual([]);
    expect(r.config!.accounts.map((a) => a.vendor).sort()).toEqual([
      'propertydeck',
      'serieshr',
      'spacebring',
      'thalamus',
      'timetap',
      'zendesk',
    ]);
  });
});

describe('the CLI reference (docs/cli.md)', () => {
  const cli = read('docs/cli.md');
  const section = cli.slice(0, cli.indexOf('## Plan semantics'));

  it('shows the synopsis --help is made from (src/cli/command-table.ts)', async () => {
    const { referenceBlock } = await import('../../src/cli/help.js');
    const { COMMANDS } = await import('../../src/cli/command-table.js');
    const block = /```\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBe(referenceBlock(COMMANDS));
  });

  it('explains every flag and command of the table', async () => {
    const { COMMANDS, FLAGS } = await import('../../src/cli/command-table.js');
    const list = section.slice(section.indexOf('```', section.indexOf('```') + 3));
    for (const name of Object.keys(FLAGS)) expect(list, `--${name}`).toMatch(new RegExp(`\`--${name}[ \`]`));
    for (const c of COMMANDS.filter((c) => !['validate', 'plan', 'apply'].includes(c.name))) expect(list, c.name).toContain(`\`${c.name}`);
  });
});

/** A shell line's words, quotes removed (enough for the command lines the docs show). */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

/** Every `statusform …` line of a ```sh block, a comment after it cut off, with where it is. */
function commandLines(): { where: string; line: string }[] {
  return pages.flatMap((page) =>
    [...read(page).matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
      m[1]!
        .split('\n')
        .map((l) => l.replace(/\s+#\s.*$/, '').trim())
        .filter((l) => /^(npx )?statusform /.test(l))
        .map((line) => ({ where: page, line })),
    ),
  );
}

describe('every statusform command line in README.md, CHANGELOG.md and docs/', () => {
  const lines = commandLines();

  it('finds the command lines the pages show', () => {
    expect(lines.length).toBeGreaterThan(10);
  });

  it('names a command of the table, with flags that command takes', async () => {
    const { COMMANDS, FLAGS, GLOBAL_FLAGS, findCommand } = await import('../../src/cli/command-table.js');
    const shorts = new Map<string, string>();
    for (const [name, f] of Object.entries(FLAGS) as [string, { short?: string }][]) if (f.short) shorts.set(f.short, name);
    for (const { where, line } of lines) {
      const argv = words(line.replace(/^npx /, '')).slice(1);
      const flags = argv.filter((w) => w.startsWith('-'));
      const positionals = argv.filter((w) => !w.startsWith('-'));
      const names = flags.map((f) => (f.startsWith('--') ? f.slice(2).split('=')[0]! : (shorts.get(f.slice(1)) ?? f)));
      if (positionals.length === 0 || argv[0]!.startsWith('-')) {
        for (const n of names) expect(GLOBAL_FLAGS, `${where}: ${line}`).toContain(n);
        continue;
      }
      const found = findCommand(positionals);
      expect(found, `${where}: ${line}`).toBeDefined();
      const allowed = [...found!.spec.flags, ...GLOBAL_FLAGS];
      for (const n of names) expect(allowed, `${where}: ${line}: ${n}`).toContain(n);
      expect(COMMANDS).toContain(found!.spec);
    }
  });
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[^\p{L}\p{N}\- ]/gu, '')
    .replace(/ /g, '-');
}

function anchors(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
}

describe('links in README.md, CHANGELOG.md and docs/', () => {
  it.each(pages)('%s: every relative link leads to a file, and every anchor to a heading', (page) => {
    const text = read(page).replace(/```[\s\S]*?```/g, '');
    const broken: string[] = [];
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/.test(target)) continue;
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const file = path === '' ? join(root, page) : resolve(dirname(join(root, page)), path);
      if (!existsSync(file)) {
        broken.push(`${target} (no ${relative(root, file)})`);
        continue;
      }
      if (anchor !== undefined && (statSync(file).isDirectory() || !anchors(file).has(anchor))) broken.push(`${target} (no heading)`);
    }
    expect(broken).toEqual([]);
  });
});

describe('docs/ stays about using statusform', () => {
  it.each(pages)('%s names no engine internals (V8 flags, parser timings)', (page) => {
    expect(read(page)).not.toMatch(/liftoff|semi-space|TurboFan|setFlagsFromString/i);
  });
});
