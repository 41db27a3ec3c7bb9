// Vendor and config text is inert in every output. A Property Deck that answers with hostile
// labels and error messages (line breaks before `::warning`, `::add-mask::`, `::stop-commands::`,
// `##[…]`, ANSI and OSC escapes, markdown headings, fences, @mentions, links, HTML) is planned,
// shown and applied in GitHub Actions; every output — text, markdown, JSON, the job summary,
// `show` of saved plans and of apply logs, apply output, annotations — is checked: no line the
// runner would obey, no control character, and markdown (rendered by a GFM renderer) with no
// heading, link, mention or HTML but statusform's own, its structure intact.

import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { marked } from 'marked';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDefaultAgent } from '../../src/http/client.js';
import { world, type World } from '../e2e/fixtures.js';
import { cli, tree, type CliRun } from '../helpers.js';
import { BREAKOUTS, HOSTILE, liveMarkdown, unsafeIn } from './inert-checks.js';
import { hostile, json, type HostileVendor } from './proxy.js';

let w: World | undefined;
const vendors: HostileVendor[] = [];
afterEach(async () => {
  for (const v of vendors.splice(0)) await v.close();
  await w?.close();
  await closeDefaultAgent();
  w = undefined;
});

const BIN = new URL('../../bin/statusform.js', import.meta.url).pathname;

/** A label the configuration declares, with a line break, a fence, a heading, a mention and escapes in it. */
const DECLARED = 'Evil\n```\n# Heading @octocat ##[warning]x \x1b[31mred\x1b]8;;https://evil.example/\x07';

const config = `version: 1
state: statusform.state.json
accounts:
  estate:
    vendor: propertydeck
    base_url: \${PROPERTYDECK_URL}
    token: \${PROPERTYDECK_TOKEN}
    rate_limit: { requests: 200, seconds: 1 }
    statuses:
      - { label: Hot Lead, type: contact, maps_to: open }
      - { label: Renamed Me, type: property, maps_to: open }
      - { label: Declared Later, type: property, maps_to: pending }
  broken:
    vendor: propertydeck
    base_url: \${BROKEN_URL}
    token: \${PROPERTYDECK_TOKEN}
    rate_limit: { requests: 200, seconds: 1 }
    statuses:
      - { label: Hot Lead, type: contact, maps_to: open }
`;

const render = (md: string) => marked.parse(md, { gfm: true, async: false });

/** How many <details> blocks the markdown itself opens (at the start of a line, where only statusform writes). */
const ownDetails = (md: string) => md.match(/^<details>/gm)?.length ?? 0;

function expectInert(where: string, text: string, opts: { ownAnnotations?: boolean } = {}): void {
  expect(unsafeIn(text, opts), where).toEqual([]);
}

/** Inert as text, and rendered as GFM: nothing live but statusform's own, and every <details> it opens closed. */
function expectInertMarkdown(where: string, md: string, opts: { tables?: number } = {}): string {
  expectInert(where, md);
  const html = render(md);
  expect(liveMarkdown(html, { details: ownDetails(md), ...opts }), where).toEqual([]);
  return html;
}

/**
 * A world in GitHub Actions: Property Deck seeded with a status for each breakout (unmanaged),
 * `estate` behind a vendor that refuses every create with all of them in its error message, and
 * `broken` behind one that refuses every read the same way. "Renamed Me" is created, then
 * renamed at the vendor to all of them at once (drift: the plan shows the hostile label).
 */
async function hostileWorld(): Promise<{ summary: () => string; drift: () => void }> {
  w = await world(config, {
    rateLimits: { propertydeck: false },
    seeds: {
      propertydeck: {
        statuses: [{ label: 'Hot Lead', type: 'contact' }, ...BREAKOUTS.map((label) => ({ label, type: 'property' as const }))],
      },
    },
  });
  const error = json(422, { message: HOSTILE, errors: { label: [`${HOSTILE} (again)`] } });
  let refuseCreates = false;
  const estate = await hostile(w.env['PROPERTYDECK_URL']!, (ex) =>
    refuseCreates && ex.method === 'POST' && ex.path.endsWith('/statuses') ? error : undefined,
  );
  const broken = await hostile(w.env['PROPERTYDECK_URL']!, () => json(403, { message: HOSTILE }));
  vendors.push(estate, broken);
  w.env['PROPERTYDECK_URL'] = estate.url;
  w.env['BROKEN_URL'] = broken.url;
  // "Renamed Me" is made while the vendor still takes creates; then it drifts.
  const made = await w.run('apply', '--auto-approve', '--account', 'estate');
  expect(made.code, made.stderr).toBe(0);
  refuseCreates = true;
  // Declared now, so its create is refused with the vendor's hostile message.
  const path = join(w.dir, 'statusform.yaml');
  writeFileSync(path, readFileSync(path, 'utf8').replace('Declared Later', JSON.stringify(DECLARED)));
  const sim = w.sandbox.simulators.propertydeck;
  const drift = () => {
    for (const s of sim.store.statuses.values()) if (s.label === 'Renamed Me' || s.label === HOSTILE) s.label = HOSTILE;
  };
  drift();
  w.env['GITHUB_ACTIONS'] = 'true';
  let n = 0;
  const next = () => {
    const path = join(w!.dir, `summary-${++n}.md`);
    writeFileSync(path, '');
    w!.env['GITHUB_STEP_SUMMARY'] = path;
  };
  next();
  return {
    summary: () => {
      const text = readFileSync(w!.env['GITHUB_STEP_SUMMARY']!, 'utf8');
      next();
      return text;
    },
    drift,
  };
}

type WirePlan = { notes: { address: string }[]; actions: { before: { label?: string } | null }[] };

/** The label "Renamed Me" has at the vendor, as a JSON plan gives it. */
const driftedLabel = (wire: WirePlan) => wire.actions.find((a) => a.before?.label?.includes('pwned'))?.before?.label;

/** Runs a command and checks its stdout, stderr and job summary; returns them. */
async function inertRun(summary: () => string, ...args: string[]): Promise<CliRun & { summary: string }> {
  const r = await w!.run(...args);
  const where = `statusform ${args.join(' ')}`;
  expectInert(`${where}: stdout`, r.stdout);
  expectInert(`${where}: stderr`, r.stderr);
  const md = summary();
  if (md !== '') expectInertMarkdown(`${where}: the job summary`, md);
  return { ...r, summary: md };
}

describe('hostile vendor text is inert in every output', () => {
  it('plan: text (--verbose), markdown and JSON on stdout and stderr, and the job summary', async () => {
    const { summary } = await hostileWorld();
    const text = await inertRun(summary, 'plan', '--verbose');
    expect(text.code).toBe(1); // broken could not be read
    // The hostile text is there, as text: the drifted label (its white space normalised), the unmanaged labels, the vendor's message.
    expect(text.stdout).toContain('\\n::warning title=pwned::');
    expect(text.stdout).toContain('will be renamed in place from "property:x ::warning title=pwned::');
    expect(text.stdout).toContain('estate.statuses["property:\\u001b]8;;https://evil.example/\\u0007an OSC 8 link');
    expect(text.stderr).toMatch(/^Error: broken\.statuses: cannot read live state: 403 x\\n::warning .*\\r::add-mask::statusform/m);
    expect(text.summary).toContain('<!-- statusform-plan -->');

    const md = await inertRun(summary, 'plan', '--format', 'markdown');
    const html = expectInertMarkdown('plan --format markdown', md.stdout);
    expect(html).toContain('<b>estate</b>');
    expect(html).toContain('<li><code>broken.statuses</code>: cannot read live state: 403 x\\n::warning');
    expect(html).toMatch(/<h3>statusform plan: 1 of 2 accounts could not be planned/);
    expect(md.stdout.trimEnd().split('\n').at(-1)).toBe('</details>');
    expect(html.match(/<pre>/g)).toHaveLength(1); // estate's changes, in one diff block whatever the labels hold

    const plan = await inertRun(summary, 'plan', '--format', 'json');
    // JSON keeps every value as it was: the guard's escapes are JSON's own.
    const wire = JSON.parse(plan.stdout) as WirePlan;
    expect(wire.notes.map((n) => n.address)).toContain(`estate.statuses[${JSON.stringify(`property:${BREAKOUTS[7]}`)}]`);
    expect(driftedLabel(wire)).toContain(BREAKOUTS[7]);
  });

  it('show of a saved plan: text, markdown and JSON', async () => {
    const { summary } = await hostileWorld();
    await inertRun(summary, 'plan', '--out', 'plan.json');
    await inertRun(summary, 'show', 'plan.json');
    const md = await inertRun(summary, 'show', 'plan.json', '--format', 'markdown');
    expectInertMarkdown('show --format markdown', md.stdout);
    expect(md.stdout.trimEnd().split('\n').at(-1)).toBe('</details>');
    const shown = await inertRun(summary, 'show', 'plan.json', '--format', 'json');
    expect(driftedLabel(JSON.parse(shown.stdout) as WirePlan)).toContain(BREAKOUTS[7]);
  });

  it('apply: text, --json events, the job summary, and show of the apply log as text and as the results comment', async () => {
    const { summary, drift } = await hostileWorld();
    const events = await inertRun(summary, 'apply', '--auto-approve', '--json');
    expect(events.code).toBe(1);
    const lines = events.stdout.trimEnd().split('\n');
    for (const line of lines) JSON.parse(line);
    expect(events.stdout).toContain('"type":"action_failed"');
    writeFileSync(join(w!.dir, 'apply.jsonl'), events.stdout);

    const report = await inertRun(summary, 'show', 'apply.jsonl');
    expect(report.stdout).toContain('broken: failed');
    const comment = await inertRun(summary, 'show', 'apply.jsonl', '--format', 'markdown');
    const html = expectInertMarkdown('show apply.jsonl --format markdown', comment.stdout);
    expect(html).toContain('<!-- statusform-apply -->');
    expect(html).toMatch(/<h3>statusform apply: 2 failed/);
    expect(comment.stdout.trimEnd().split('\n').at(-1)).toBe('</details>');

    drift();
    const applied = await inertRun(summary, 'apply', '--auto-approve');
    expect(applied.code).toBe(1);
    expect(applied.stdout).toMatch(/✗ estate\.statuses\[.*create failed: 422 x\\n::warning/);
    expect(applied.stdout).toContain('update done');
    expect(applied.summary).toContain('### statusform apply');
    expect(render(applied.summary).match(/<pre>/g)).toHaveLength(1); // the apply's text, in one block whatever the vendor said
  });
});

describe('hostile vendor text in YAML', () => {
  it('import: the YAML on stdout is inert, and still holds each label as the vendor has it', async () => {
    const { summary } = await hostileWorld();
    const r = await inertRun(summary, 'import', '--account', 'estate');
    expect(r.code, r.stderr).toBe(0);
    const doc = parse(r.stdout) as { accounts: { estate: { statuses: { label: string }[] } } };
    const labels = doc.accounts.estate.statuses.map((s) => s.label);
    // Property Deck's adapter folds a line break to a space; every other character is kept, escapes and all.
    for (const b of BREAKOUTS.filter((x) => !/[\r\n]/.test(x))) expect(labels, JSON.stringify(b)).toContain(b);
  });
});

describe('hostile config text is inert too', () => {
  it('a key with a line break: problem lines, annotations and the job summary', async () => {
    const dir = tree({
      'statusform.yaml':
        'version: 1\naccounts:\n  estate:\n    vendor: propertydeck\n    base_url: https://crm.example.com\n    token: t\n' +
        `    ${JSON.stringify(`nope ${HOSTILE}`)}: 1\n    statuses: []\n`,
    });
    const env = { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(dir, 'summary.md') };
    writeFileSync(env.GITHUB_STEP_SUMMARY, '');
    const r = await cli(['validate'], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expectInert('validate: stderr', r.stderr, { ownAnnotations: true });
    const annotations = r.stderr.split('\n').filter((l) => l.startsWith('::'));
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toMatch(
      /^::error file=statusform\.yaml,line=7,col=5,title=statusform::accounts\.estate: unknown field "nope x%0A::warning/,
    );
    expect(r.stderr).toMatch(/^statusform\.yaml:7:5: accounts\.estate: unknown field "nope x\\n::warning title=pwned::/m);
    const md = readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8');
    const html = expectInertMarkdown('validate: the job summary', md, { tables: 1 });
    expect(html.match(/<tr>/g)).toHaveLength(2); // the header and the one problem: no row or table of the key's own
  });

  it('--verbose never prints the user:password@ of a base_url, nor does any error', async () => {
    w = await world(config.replace(/ {2}broken:[\s\S]*$/, ''), { rateLimits: { propertydeck: false } });
    w.env['PROPERTYDECK_URL'] = w.env['PROPERTYDECK_URL']!.replace('://', '://deploy:hunter2pass@');
    const r = await w.run('plan', '--verbose');
    expect(r.stderr).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/\S*statuses\S* → 200/);
    expect(`${r.stdout}${r.stderr}`).not.toContain('hunter2pass');
    w.env['PROPERTYDECK_URL'] = 'http://deploy:hunter2pass@crm.example.com/api';
    const refused = await w.run('plan');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('http://[redacted]@crm.example.com/api');
    expect(`${refused.stdout}${refused.stderr}`).not.toContain('hunter2pass');
  });

  it('no error message quotes a config value whole that may hold a secret', async () => {
    const dir = tree({
      'statusform.yaml':
        'version: 1\nstate: { backend: postgres, uri: "postgres://admin:S3cretPassw0rd@db.example.com/statusform" }\n' +
        'accounts:\n  salon:\n    vendor: timetap\n    api_key: ${TT_KEY}\n    private_key: k\n    business_id: ${TT_KEY}\n' +
        '    statuses: []\n',
    });
    const env = { TT_KEY: 'tt-live-9f8e7d6c5b4a' };
    const runs = await Promise.all(
      [['validate'], ['plan'], ['state', 'list'], ['unlock', '--account', 'salon']].map((a) => cli(a, { cwd: dir, env })),
    );
    for (const r of runs) {
      expect(r.code).toBe(1);
      expect(`${r.stdout}${r.stderr}`).not.toContain('S3cretPassw0rd');
      expect(`${r.stdout}${r.stderr}`).not.toContain('tt-live-9f8e7d6c5b4a');
    }
    expect(runs[0]!.stderr).toContain('state: unknown field "uri"');
    expect(runs[0]!.stderr).toContain('accounts.salon.business_id: must be a whole number (got the text "${TT_KEY}")');
    expect(runs[2]!.stderr).toContain('state: unknown field "uri" (known: backend, url, schema)');
  });
});

describe('the real binary', () => {
  /** Runs `node bin/statusform.js ARGS | head -1` in bash; the reader closes after the first line. */
  function headOne(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ first: string; stderr: string; code: number }> {
    return new Promise((resolve, reject) => {
      const quoted = args.map((a) => `'${a}'`).join(' ');
      // stdin not a socket: bash would take itself for a remote shell and read ~/.bashrc.
      const child = spawn('bash', ['-c', `node '${BIN}' ${quoted} | head -1; echo "exit=\${PIPESTATUS[0]}" >&2`], {
        cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env['PATH'], ...env },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', () => {
        const m = /exit=(\d+)\n$/.exec(err);
        resolve({ first: out, stderr: err.replace(/exit=\d+\n$/, ''), code: Number(m?.[1] ?? -1) });
      });
    });
  }

  it('statusform state list | head -1 ends quietly: no EPIPE, no stack trace, exit 0', async () => {
    const items = Object.fromEntries(
      Array.from({ length: 6000 }, (_, i) => [`contact:Status number ${i}`, { id: `u${i}`, active: true, fields: { label: `S ${i}` } }]),
    );
    const dir = tree({
      'statusform.yaml': 'version: 1\nstate: statusform.state.json\naccounts: {}\n',
      'statusform.state.json': JSON.stringify({
        version: 1,
        lineage: 'l',
        serial: 1,
        accounts: { estate: { vendor: 'propertydeck', items } },
      }),
    });
    const r = await headOne(['state', 'list'], dir, {});
    expect(r.first).toBe('estate.statuses["contact:Status number 0"]\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('plan in GitHub Actions, as a workflow runs it: stdout and stderr inert', async () => {
    const { summary } = await hostileWorld();
    const r = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'plan', '--verbose'], {
        cwd: w!.dir,
        env: { PATH: process.env['PATH'], ...w!.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', () => resolve({ stdout, stderr }));
    });
    expectInert('the binary: stdout', r.stdout);
    expectInert('the binary: stderr', r.stderr);
    expect(r.stdout).toContain('::add-mask::statusform'); // shown, inside a line, as text
    expectInertMarkdown('the binary: the job summary', summary());
  });
});
