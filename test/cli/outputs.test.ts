// Output flags never replace what the user has (the state file, its lock, a config file), and a
// wrong output path is one sentence about it — all found before any request to a vendor.

import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PD_ACCOUNT, world, type World } from '../e2e/fixtures.js';
import { cli } from '../helpers.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const oneStatus = PD_ACCOUNT('      - { label: A, type: contact, maps_to: open }\n', '    rate_limit: { requests: 100, seconds: 1 }\n');

describe('output flags', () => {
  it('plan --out never writes over the state file, its lock or a config file, however the path is spelled', async () => {
    w = await world(
      oneStatus,
      { rateLimits: { propertydeck: false } },
      { 'statusform.state.json': '{"version":1,"lineage":"l","serial":3,"accounts":{}}\n', 'statusform.state.json.lock': '' },
    );
    symlinkSync(join(w.dir, 'statusform.state.json'), join(w.dir, 'link.json'));
    const contentOf = (f: string) => readFileSync(join(w!.dir, f), 'utf8');
    const state = contentOf('statusform.state.json');
    const config = contentOf('statusform.yaml');
    const cases: [string, string][] = [
      ['statusform.state.json', 'it is the state file (statusform.state.json)'],
      ['./statusform.state.json', 'it is the state file (statusform.state.json)'],
      ['link.json', 'it is the state file (statusform.state.json)'],
      ['statusform.state.json.lock', "it is the state file's lock (statusform.state.json.lock)"],
      ['statusform.yaml', 'it is a file of the configuration (statusform.yaml)'],
      [join(w.dir, 'sub', '..', 'statusform.yaml'), 'it is a file of the configuration (statusform.yaml)'],
    ];
    mkdirSync(join(w.dir, 'sub'));
    for (const [out, why] of cases) {
      const r = await w.run('plan', '--out', out);
      expect(r.code, out).toBe(1);
      expect(r.stderr).toContain(
        `Error: cannot write the plan to ${out}: ${why}, which an output flag never replaces; choose another file`,
      );
    }
    expect(contentOf('statusform.state.json')).toBe(state);
    expect(contentOf('statusform.yaml')).toBe(config);
    expect(contentOf('statusform.state.json.lock')).toBe('');
    expect(w.sandbox.simulators.propertydeck.requests).toEqual([]); // refused before any request
  });

  it('plan --out never writes into the state directory (an account file, its lock, or a new file there)', async () => {
    w = await world(
      oneStatus,
      { rateLimits: { propertydeck: false } },
      { 'statusform.state/estate.json': '{"version":1,"lineage":"l","serial":3,"accounts":{}}\n' },
    );
    for (const out of ['statusform.state/estate.json', 'statusform.state/estate.json.lock', 'statusform.state/other.json']) {
      const r = await w.run('plan', '--out', out);
      expect(r.code, out).toBe(1);
      expect(r.stderr).toContain(
        `Error: cannot write the plan to ${out}: it is in the state directory (statusform.state), ` +
          'which an output flag never replaces; choose another file',
      );
    }
    expect(w.sandbox.simulators.propertydeck.requests).toEqual([]);
  });

  it('plan --out refuses every *.yaml of a config directory', async () => {
    w = await world(
      'version: 1\naccounts: {}\n',
      { rateLimits: { propertydeck: false } },
      { 'conf/a.yaml': oneStatus, 'conf/b.yaml': 'version: 1\naccounts: {}\n' },
    );
    const r = await cli(['plan', '-c', 'conf', '--out', 'conf/b.yaml'], { cwd: w.dir, env: w.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot write the plan to conf/b.yaml: it is a file of the configuration (conf/b.yaml)');
    expect(readFileSync(join(w.dir, 'conf', 'b.yaml'), 'utf8')).toBe('version: 1\naccounts: {}\n');
    expect(w.sandbox.simulators.propertydeck.requests).toEqual([]);
  });

  it('says which directory is missing, or that --out is a directory, before reading any vendor', async () => {
    w = await world(oneStatus, { rateLimits: { propertydeck: false } });
    mkdirSync(join(w.dir, 'plans'));
    const missing = await w.run('plan', '--out', 'nowhere/plan.json');
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('Error: cannot write the plan to nowhere/plan.json: the directory nowhere does not exist');
    const folder = await w.run('plan', '--out', 'plans');
    expect(folder.code).toBe(1);
    expect(folder.stderr.trim()).toBe(
      'Error: cannot write the plan to plans: it is a directory; give a file name in it, such as plans/plan.json',
    );
    const imported = await w.run('import', '--account', 'estate', '--out', 'nowhere/estate.yaml');
    expect(imported.code).toBe(1);
    expect(imported.stderr.trim()).toBe('Error: cannot write the import to nowhere/estate.yaml: the directory nowhere does not exist');
    const importDir = await w.run('import', '--account', 'estate', '--out', 'plans');
    expect(importDir.stderr.trim()).toBe(
      'Error: cannot write the import to plans: it is a directory; give a file name in it, such as plans/estate.yaml',
    );
    expect(w.sandbox.simulators.propertydeck.requests).toEqual([]);
  });

  it('import --out never writes over the state file, and replaces an unrelated file only with --force', async () => {
    const seed = { statuses: [{ label: 'Sold', type: 'property' as const }] };
    // A single state file (an existing user's): its lock is protected too.
    w = await world(
      PD_ACCOUNT('      []\n'),
      { seeds: { propertydeck: seed }, rateLimits: { propertydeck: false } },
      { 'notes.yaml': 'my notes\n', 'statusform.state.json': '{"version":1,"lineage":"l","serial":3,"accounts":{}}\n' },
    );
    const onState = await w.run('import', '--account', 'estate', '--out', 'statusform.state.json.lock');
    expect(onState.code).toBe(1);
    expect(onState.stderr).toContain("cannot write the import to statusform.state.json.lock: it is the state file's lock");

    const refused = await w.run('import', '--account', 'estate', '--out', 'notes.yaml');
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      'Error: notes.yaml exists already, and it is not the file that declares ' +
        'estate (statusform.yaml); pass --force to replace it, or write to a new file',
    );
    expect(readFileSync(join(w.dir, 'notes.yaml'), 'utf8')).toBe('my notes\n');
    expect(w.sandbox.simulators.propertydeck.requests).toEqual([]);

    const forced = await w.run('import', '--account', 'estate', '--out', 'notes.yaml', '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(w.dir, 'notes.yaml'), 'utf8')).toMatch(/- label: Sold\n\s+type: property/);
  });
});

describe("import into the account's own file, again", () => {
  it('keeps every declared item with its reviewed maps_to and comments, and adds only the new live ones, each guess marked', async () => {
    const seed = {
      statuses: [
        { label: 'Sold', type: 'property' as const },
        { label: 'Hot Lead', type: 'contact' as const },
      ],
    };
    w = await world(PD_ACCOUNT('      []\n', '    rate_limit: { requests: 100, seconds: 1 }\n'), {
      seeds: { propertydeck: seed },
      rateLimits: { propertydeck: false },
    });
    const first = await w.run('import', '--account', 'estate', '--out', 'statusform.yaml');
    expect(first.code, first.stderr).toBe(0);

    // The user reviews the guesses: a real category and a comment of their own.
    const path = join(w.dir, 'statusform.yaml');
    const reviewed = readFileSync(path, 'utf8')
      .replace(/^\s*# Review: .*\n/gm, '')
      .replace(/(- label: Sold\n\s+type: property\n\s+maps_to:) open/, '$1 solved # checked with sales');
    writeFileSync(path, reviewed);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);

    // Someone adds a status at the vendor; import runs again into the same file.
    await fetch(`${w.env['PROPERTYDECK_URL']}/statuses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.env['PROPERTYDECK_TOKEN']}`, 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'Let Agreed', type: { code: 2 } }),
    });
    const again = await w.run('import', '--account', 'estate', '--out', 'statusform.yaml');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('Imported 1 item of estate into statusform.yaml (the 2 declared already are kept as they are)');
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith(reviewed.trimEnd())).toBe(true); // everything before the new item is as it was
    expect(text).toContain('maps_to: solved # checked with sales');
    expect(text).toMatch(
      /\n\s+# Review: maps_to is a guess: Property Deck keeps no category for a status\.\n\s+- label: Let Agreed\n\s+type: property\n\s+maps_to: open\n/,
    );
    expect(text.match(/label: Sold/g)).toHaveLength(1);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);

    const nothing = await w.run('import', '--account', 'estate', '--out', 'statusform.yaml');
    expect(nothing.stderr).toContain('Nothing new to import: every live item of estate is declared in statusform.yaml already.');
    expect(readFileSync(path, 'utf8')).toBe(text);
  });
});

describe('the state setting', () => {
  it('may not name a file of the configuration, which every apply would replace', async () => {
    w = await world(
      'version: 1\nstate: b.yaml\naccounts: {}\n',
      {},
      { 'conf/a.yaml': 'version: 1\nstate: b.yaml\naccounts: {}\n', 'conf/b.yaml': 'version: 1\naccounts: {}\n' },
    );
    const r = await cli(['validate', '-c', 'conf'], { cwd: w.dir, env: w.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'conf/a.yaml:2:8: state names conf/b.yaml, a file of the configuration, ' +
        'which the state file (or its lock) would replace; give the state a file of its own',
    );
  });
});
