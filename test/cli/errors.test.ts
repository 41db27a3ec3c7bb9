// Every failure a user can cause or meet is one sentence about their situation: never a raw
// errno, an undici error retried six times, or "Cannot read properties of null".

import { createServer, type Server } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { report } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { PD_ACCOUNT, world, type World } from '../e2e/fixtures.js';
import { cli, tree } from '../helpers.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const oneStatus = PD_ACCOUNT('      - { label: A, type: contact, maps_to: open }\n', '    rate_limit: { requests: 100, seconds: 1 }\n');

describe('what a user meets', () => {
  it('a second sandbox on a port in use names the port and suggests --port', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = await cli(['sandbox', '--port', String(port)], { cwd: tree({}) });
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(
        `Error: port ${port} is already in use (another statusform sandbox?), ` +
          `and the simulators need ports ${port} to ${port + 5}; stop what uses it, or choose other ports with --port N`,
      );
    } finally {
      busy.close();
    }
  });

  it('a credential with a line break in it is a config error at its position, found before any request', async () => {
    w = await world(oneStatus, { rateLimits: { propertydeck: false } });
    const env = { ...w.env, PROPERTYDECK_TOKEN: `${w.env['PROPERTYDECK_TOKEN']}\n` };
    for (const args of [['validate'], ['plan'], ['apply', '--auto-approve']]) {
      const r = await cli(args, { cwd: w.dir, env });
      expect(r.code, args[0]).toBe(1);
      expect(r.stderr).toContain(
        'statusform.yaml:6:12: accounts.estate.token: contains a line break (U+000A); a credential is sent in an HTTP header, ' +
          'which must be one line of printable characters (check the environment variable or file it comes from)',
      );
      expect(r.stderr).not.toContain(w.env['PROPERTYDECK_TOKEN']);
    }
    const wide = await cli(['validate'], { cwd: w.dir, env: { ...w.env, PROPERTYDECK_TOKEN: 'tok€n' } });
    expect(wide.stderr).toContain('accounts.estate.token: contains the character U+20AC, which an HTTP header cannot carry');
    expect(w.sandbox.simulators.propertydeck.requests).toEqual([]);
  });

  it('a state file of the wrong shape is named with what is wrong, before any request', async () => {
    w = await world(oneStatus, { rateLimits: { propertydeck: false } });
    const state = join(w.dir, 'statusform.state.json');
    const cases: [unknown, string][] = [
      [null, '"accounts" is null, not an object of accounts by name'],
      [{ estate: { vendor: 'propertydeck', items: null } }, 'accounts.estate.items is null, not an object of items by key'],
      [
        { estate: { vendor: 'propertydeck', items: { 'contact:A': { id: 'x', active: true } } } },
        'accounts.estate.items["contact:A"].fields is missing, not an object of fields',
      ],
      [
        { estate: { vendor: 'propertydeck', items: { 'contact:A': 3 } } },
        'accounts.estate.items["contact:A"] is the number 3, not an item',
      ],
    ];
    for (const [accounts, what] of cases) {
      writeFileSync(state, JSON.stringify({ version: 1, lineage: 'l', serial: 1, accounts }));
      for (const args of [['plan'], ['apply', '--auto-approve'], ['import', '--account', 'estate']]) {
        const r = await w.run(...args);
        expect(r.code, `${args[0]} ${what}`).toBe(1);
        expect(r.stderr.trim()).toBe(
          `Error: the state file ${state} is damaged: ${what}; restore it from version control (or fix that part by hand)`,
        );
      }
    }
    expect(w.sandbox.simulators.propertydeck.requests).toEqual([]);
  });

  it('a state directory that does not exist is named when apply takes the lock', async () => {
    w = await world(oneStatus.replace('version: 1\n', 'version: 1\nstate: states/estate.json\n'), { rateLimits: { propertydeck: false } });
    const r = await w.run('apply', '--auto-approve');
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `Error: cannot lock the state file ${join(w.dir, 'states', 'estate.json')}: ` +
        `the directory ${join(w.dir, 'states')} does not exist (create it, or change "state" in the configuration)`,
    );
    expect(w.sandbox.simulators.propertydeck.requests).toEqual([]);
  });

  it('YAML merge keys work, and a problem in a merged value is reported where it is written', async () => {
    const shared = `version: 1
accounts:
  estate: &estate
    vendor: propertydeck
    base_url: \${PROPERTYDECK_URL}
    token: \${PROPERTYDECK_TOKEN}
    rate_limit: { requests: 100, seconds: 1 }
    statuses:
      - { label: A, type: contact, maps_to: open }
  staging:
    <<: *estate
    statuses:
      - { label: B, type: contact, maps_to: open }
`;
    w = await world(shared, { rateLimits: { propertydeck: false } });
    const ok = await w.run('validate');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('The configuration is valid: 2 accounts, 2 items.');
    const plan = await w.run('plan');
    expect(plan.stdout).toContain('+ staging.statuses["contact:B"]');

    writeFileSync(
      join(w.dir, 'statusform.yaml'),
      shared.replace('seconds: 1 }', 'seconds: "1" }').replace('    <<: *estate\n', '    <<: *estate\n    colour: blue\n'),
    );
    const bad = await w.run('validate');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('statusform.yaml:7:43: accounts.staging.rate_limit.seconds: must be a number (got the text "1")');
    expect(bad.stderr).toContain('statusform.yaml:7:43: accounts.estate.rate_limit.seconds: must be a number (got the text "1")');
    expect(bad.stderr).toContain('statusform.yaml:12:5: accounts.staging: unknown field "colour"');
  });
});

describe('an error nobody expected', () => {
  function io(): Io & { text: () => string } {
    const stderr = new PassThrough();
    let text = '';
    stderr.on('data', (d: Buffer) => (text += d.toString()));
    return { cwd: '/', env: {}, stdout: new PassThrough(), stderr, stdin: new PassThrough(), text: () => text };
  }

  it('is one sentence that says it is a bug and what to do, never a stack', async () => {
    const out = io();
    let thrown: unknown;
    try {
      (null as unknown as { x: number }).x;
    } catch (err) {
      thrown = err;
    }
    expect(await report(thrown, out)).toBe(1);
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Error \(unexpected\): statusform stopped on an internal error \(TypeError: Cannot read properties of null \(reading 'x'\)\)\. This is a bug in statusform, not in your configuration: please report it with the command you ran; run it again with --verbose to see the requests made before it\.$/,
    );
    expect(out.text()).not.toContain('    at ');
  });

  it('from the file system names the file and the reason', async () => {
    const out = io();
    let thrown: unknown;
    try {
      readFileSync('/nonexistent/statusform-file');
    } catch (err) {
      thrown = err;
    }
    expect(await report(thrown, out)).toBe(1);
    expect(out.text().trim()).toBe('Error: cannot open /nonexistent/statusform-file: no such file or directory (ENOENT)');
  });
});
