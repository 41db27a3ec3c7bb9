// Property Deck over real HTTP: paging, guarded hard deletes, pacing to its limit, and no
// duplicate create when the outcome of a POST is unknown.

import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigWithState } from '../../src/state/config-with-state.js';
import { applyPlan, loadState, makePlan } from '../../src/engine/manager.js';
import { closeDefaultAgent } from '../../src/http/client.js';
import { acquireLock } from '../../src/state/lock.js';
import { PD_ACCOUNT, arrivalSpanMs, expectPaced, world, type World } from './fixtures.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const FAST = '    rate_limit: { requests: 100, seconds: 1 }\n';
const FAST_SIM = { rateLimits: { propertydeck: { limit: 100, windowMs: 1000 } } };
const status = (label: string, type = 'property', extra = '') => `      - { label: "${label}", type: ${type}, maps_to: open${extra} }\n`;
const writes = (w: World) => w.sandbox.simulators.propertydeck.requests.filter((r) => r.method !== 'GET');

describe('Property Deck, end to end', () => {
  it('reads every page of a large account with the fewest requests', async () => {
    const seed = Array.from({ length: 250 }, (_, i) => ({ label: `S${String(i).padStart(3, '0')}`, type: 'contact' as const }));
    w = await world(PD_ACCOUNT(status('S007', 'contact'), FAST), { ...FAST_SIM, seeds: { propertydeck: { statuses: seed } } });
    const r = await w.run('plan');
    expect(r.code).toBe(0);
    const gets = w.sandbox.simulators.propertydeck.requests.filter((q) => q.method === 'GET');
    expect(gets.map((g) => g.query)).toEqual(['?page=1&per_page=100', '?page=2&per_page=100', '?page=3&per_page=100']);
    // Unmanaged statuses are one line per account; --verbose lists them.
    expect(r.stdout).toContain('estate: 249 items at the vendor are not managed by statusform (--verbose lists them)');
    expect(r.stdout.match(/unmanaged/g)).toBeNull();

    // A vendor whose next links drop per_page (Laravel's default) is still read in full pages, once each.
    w.sandbox.simulators.propertydeck.store.linksKeepPerPage = false;
    w.sandbox.simulators.propertydeck.resetRequests();
    const again = await w.run('plan', '--verbose');
    expect(again.stdout).toContain('estate: 249 items at the vendor are not managed by statusform; left untouched:');
    expect(again.stdout.match(/: unmanaged/g)).toHaveLength(249);
    expect(again.stdout).not.toContain('share this type and label');
    expect(w.sandbox.simulators.propertydeck.requests.map((q) => q.query)).toEqual([
      '?page=1&per_page=100',
      '?page=2&per_page=100',
      '?page=3&per_page=100',
    ]);
  });

  it('refuses a hard delete without allow_delete: the plan shows it blocked and apply exits 3 before any write', async () => {
    w = await world(PD_ACCOUNT(status('Keep') + status('Drop'), `${FAST}    prune: true\n`), FAST_SIM);
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    writeFileSync(join(w.dir, 'statusform.yaml'), PD_ACCOUNT(status('Keep') + status('New'), `${FAST}    prune: true\n`));
    w.sandbox.simulators.propertydeck.resetRequests();

    const plan = await w.run('plan');
    expect(plan.stdout).toContain('will be DELETED (hard delete)');
    expect(plan.stdout).toContain('✗ blocked: a hard delete needs allow_delete: true');
    const apply = await w.run('apply', '--auto-approve', '--allow-destroy');
    expect(apply.code).toBe(3);
    expect(apply.stderr).toContain('estate.statuses["property:Drop"]: delete refused');
    expect(writes(w)).toEqual([]); // not even the unrelated create went out
  });

  it('deletes only with allow_delete: true and --allow-destroy, and strips the status from records as the vendor does', async () => {
    const config = (s: string) => PD_ACCOUNT(s, `${FAST}    prune: true\n    allow_delete: true\n`);
    w = await world(config(status('Keep') + status('Drop')), {
      ...FAST_SIM,
      seeds: { propertydeck: { statuses: [{ label: 'Drop', type: 'property' }], records: [{ kind: 'property', statusLabel: 'Drop' }] } },
    });
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    writeFileSync(join(w.dir, 'statusform.yaml'), config(status('Keep')));
    w.sandbox.simulators.propertydeck.resetRequests();

    const without = await w.run('apply', '--auto-approve');
    expect(without.code).toBe(3);
    expect(without.stderr).toContain('needs --allow-destroy');
    expect(writes(w)).toEqual([]);

    const withFlag = await w.run('apply', '--auto-approve', '--allow-destroy');
    expect(withFlag.code).toBe(0);
    expect(withFlag.stdout).toContain('will be DELETED (hard delete)');
    expect(withFlag.stdout).not.toContain('needs --allow-destroy'); // it was given
    const store = w.sandbox.simulators.propertydeck.store;
    expect([...store.statuses.values()].map((s) => s.label)).toEqual(['Keep']);
    expect(store.records[0]!.status).toBeNull();
    expect(Object.keys(w.state().accounts['estate']!.items)).toEqual(['property:Keep']);
  });

  it('renames in place when only the case of a label changes, since the vendor counts both as one label', async () => {
    const config = (s: string) => PD_ACCOUNT(s, `${FAST}    prune: true\n    allow_delete: true\n`);
    w = await world(config(status('Under offer')), {
      ...FAST_SIM,
      seeds: {
        propertydeck: {
          statuses: [{ label: 'Under offer', type: 'property' }],
          records: [{ kind: 'property', statusLabel: 'Under offer' }],
        },
      },
    });
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const uuid = [...w.sandbox.simulators.propertydeck.store.statuses.keys()];
    writeFileSync(join(w.dir, 'statusform.yaml'), config(status('Under OFFER')));
    w.sandbox.simulators.propertydeck.resetRequests();

    const plan = await w.run('plan');
    expect(plan.stdout).toContain('Plan: 0 to create, 1 to update, 0 to delete');
    expect(plan.stdout).toMatch(/~ label +: "Under offer" → "Under OFFER"/);
    expect(plan.stdout).toContain('will be renamed in place from "property:Under offer"');
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    expect(writes(w).map((r) => `${r.method} ${r.path}`)).toEqual([`PUT /statuses/${uuid[0]}`]);
    expect([...w.sandbox.simulators.propertydeck.store.statuses.values()].map((x) => x.label)).toEqual(['Under OFFER']);
    expect(Object.keys(w.state().accounts['estate']!.items)).toEqual(['property:Under OFFER']);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);

    // Declared as a rename from its own case twin, an unmanaged status is renamed, not re-created.
    w.sandbox.simulators.propertydeck.store.statuses.set('arch-1', {
      uuid: 'arch-1',
      created_at: '',
      updated_at: '',
      label: 'Archived',
      type: { code: 1, name: 'Contact' },
    });
    writeFileSync(
      join(w.dir, 'statusform.yaml'),
      config(status('Under OFFER') + status('ARCHIVED', 'contact', ', renamed_from: [Archived]')),
    );
    const own = await w.run('plan');
    expect(own.stdout).toContain('estate.statuses["contact:ARCHIVED"] will be renamed in place from "contact:Archived"');
    expect(own.stdout).not.toContain('likely refuse');

    writeFileSync(join(w.dir, 'statusform.yaml'), config(status('Under OFFER') + status('under offer')));
    const twice = await w.run('validate');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain(
      'estate.statuses["property:under offer"] is declared twice as estate.statuses["property:Under OFFER"], ' +
        'which propertydeck counts as the same (it ignores case)',
    );
  });

  it('never deletes a status it did not make, even when one with the same label took the place of its own', async () => {
    const config = (s: string) => PD_ACCOUNT(s, `${FAST}    prune: true\n    allow_delete: true\n`);
    w = await world(config(status('Keep') + status('Drop')), FAST_SIM);
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const sim = w.sandbox.simulators.propertydeck;
    // At the vendor, someone deletes statusform's "Drop" and makes their own, used by a record.
    const ours = [...sim.store.statuses.values()].find((x) => x.label === 'Drop')!;
    sim.store.statuses.delete(ours.uuid);
    sim.store.statuses.set('theirs-1', { ...ours, uuid: 'theirs-1' });
    sim.store.records.push({ id: 'r1', kind: 'property', status: 'theirs-1' });
    writeFileSync(join(w.dir, 'statusform.yaml'), config(status('Keep')));
    sim.resetRequests();

    const r = await w.run('apply', '--auto-approve', '--allow-destroy');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `the item statusform made (id ${ours.uuid}) is gone; the one now at this key (id theirs-1) is not statusform's and is left untouched`,
    );
    expect(writes(w)).toEqual([]);
    expect(sim.store.records[0]!.status).toBe('theirs-1');
    expect(Object.keys(w.state().accounts['estate']!.items)).toEqual(['property:Keep']);
    expect((await w.run('plan', '--verbose')).stdout).toContain('estate.statuses["property:Drop"]: unmanaged');
  });

  it('a label edited without renamed_from is hinted with the exact YAML to add, which then renames it in place', async () => {
    w = await world(PD_ACCOUNT(status('Under Offer'), FAST), FAST_SIM);
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const uuid = w.state().accounts['estate']!.items['property:Under Offer']!.id;
    writeFileSync(join(w.dir, 'statusform.yaml'), PD_ACCOUNT(status('Under Offer (agreed)'), FAST));
    const hinted = await w.run('plan');
    expect(hinted.stdout).toContain('Plan: 1 to create, 0 to update, 0 to delete');
    expect(hinted.stdout).toContain(
      'estate.statuses["property:Under Offer (agreed)"]: possible rename — ' +
        'looks like a rename of "property:Under Offer": did you mean `renamed_from: ["Under Offer"]`?',
    );
    const md = await w.run('plan', '--format', 'markdown');
    // Escaped for markdown: GitHub shows it as written.
    expect(md.stdout).toContain('did you mean \\`renamed\\_from: \\["Under Offer"\\]\\`?');

    // The YAML the hint names, added as it says: a rename in place, keeping the uuid.
    writeFileSync(
      join(w.dir, 'statusform.yaml'),
      PD_ACCOUNT(status('Under Offer (agreed)', 'property', ', renamed_from: ["Under Offer"]'), FAST),
    );
    const renamed = await w.run('plan');
    expect(renamed.stdout).toContain('will be renamed in place from "property:Under Offer"');
    expect(renamed.stdout).not.toContain('possible rename');
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    expect(w.state().accounts['estate']!.items['property:Under Offer (agreed)']!.id).toBe(uuid);
  });

  it('adopts declared statuses found as declared, and says so in the plan and the apply summary', async () => {
    w = await world(PD_ACCOUNT(status('Let') + status('Sold'), FAST), {
      ...FAST_SIM,
      seeds: { propertydeck: { statuses: [{ label: 'Let', type: 'property' }] } },
    });
    const plan = await w.run('plan');
    expect(plan.stdout).toContain('Plan: 1 to create, 0 to update, 0 to delete, 1 to adopt.');
    const json = JSON.parse((await w.run('plan', '--format', 'json')).stdout) as { summary: { adopt: number } };
    expect(json.summary.adopt).toBe(1);
    const apply = await w.run('apply', '--auto-approve');
    expect(apply.stdout).toContain('Apply complete: 1 done, 0 failed, 0 skipped, 1 adopted.');
    expect(Object.keys(w.state().accounts['estate']!.items).sort()).toEqual(['property:Let', 'property:Sold']);
  });

  it('shows a type change as a new status, and the old one goes only by a guarded hard delete', async () => {
    w = await world(PD_ACCOUNT(status('Viewing'), FAST), FAST_SIM);
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    writeFileSync(join(w.dir, 'statusform.yaml'), PD_ACCOUNT(status('Viewing', 'contact'), FAST));
    const kept = await w.run('plan');
    expect(kept.stdout).toContain('Plan: 1 to create, 0 to update, 0 to delete');
    expect(kept.stdout).toContain('estate.statuses["property:Viewing"]: no longer in the configuration; kept because prune is off');
    expect(kept.stdout).toContain(
      'estate.statuses["contact:Viewing"]: possible rename — looks like a type change of "property:Viewing": ' +
        "propertydeck cannot change an item's type, so this creates a new one; " +
        'the old one goes only with prune, allow_delete and --allow-destroy (a hard delete)',
    );

    writeFileSync(join(w.dir, 'statusform.yaml'), PD_ACCOUNT(status('Viewing', 'contact'), `${FAST}    prune: true\n`));
    w.sandbox.simulators.propertydeck.resetRequests();
    const pruned = await w.run('apply', '--auto-approve', '--allow-destroy');
    expect(pruned.code).toBe(3);
    expect(pruned.stderr).toContain('estate.statuses["property:Viewing"]: delete refused');
    expect(writes(w)).toEqual([]);
  });

  it('refuses to apply without a terminal or --auto-approve (exit 3), and when another apply holds the lock', async () => {
    w = await world(PD_ACCOUNT(status('A'), FAST), FAST_SIM);
    const noTty = await w.run('apply');
    expect(noTty.code).toBe(3);
    expect(noTty.stderr).toContain('--auto-approve');
    mkdirSync(join(w.dir, 'statusform.state'), { recursive: true }); // a new config's state: a directory, one lock per account
    const release = acquireLock(join(w.dir, 'statusform.state', 'estate.json'), 'statusform apply (another run)');
    try {
      const locked = await w.run('apply', '--auto-approve');
      expect(locked.code).toBe(3);
      expect(locked.stderr).toMatch(/the state of account estate \(.*estate\.json\) is locked by pid \d+/);
      expect(locked.stderr).toContain('statusform unlock --account estate');
      // The configuration as the user named it, quoted for a shell where it must be.
      cpSync(join(w.dir, 'statusform.yaml'), join(w.dir, "Bob's config.yaml"));
      const named = await w.run('apply', '-c', "Bob's config.yaml", '--auto-approve');
      expect(named.code).toBe(3);
      expect(named.stderr).toContain(`statusform unlock -c 'Bob'\\''s config.yaml' --account estate`);
    } finally {
      release();
    }
    expect(writes(w)).toEqual([]);
  });

  it('waits for the lock with --lock-timeout, then applies once the other run is done', async () => {
    w = await world(PD_ACCOUNT(status('A'), FAST), FAST_SIM);
    mkdirSync(join(w.dir, 'statusform.state'));
    const release = acquireLock(join(w.dir, 'statusform.state', 'estate.json'), 'statusform apply (another run)');
    setTimeout(release, 300);
    const started = Date.now();
    const r = await w.run('apply', '--auto-approve', '--lock-timeout', '5');
    expect(r.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(w.sandbox.simulators.propertydeck.store.statuses.size).toBe(1);
  });

  it('applies what is independent when one change fails, and a re-plan shows just what is left', async () => {
    // An unmanaged "taken" exists; the vendor compares labels case-insensitively, so creating "Taken" is refused.
    w = await world(PD_ACCOUNT(status('Taken') + status('Fresh'), FAST), {
      ...FAST_SIM,
      seeds: { propertydeck: { statuses: [{ label: 'taken', type: 'property' }] } },
    });
    const r = await w.run('apply', '--auto-approve');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/estate\.statuses\["property:Taken"\]: create failed: 422 The label has already been taken\./);
    expect(r.stdout).toContain('Apply incomplete: 1 done, 1 failed, 0 skipped.');
    expect((await w.run('plan')).stdout).toContain(
      'propertydeck already has "property:taken" (not managed by statusform), which it counts as the same',
    );
    expect(Object.keys(w.state().accounts['estate']!.items)).toEqual(['property:Fresh']);
    const again = await w.run('plan');
    expect(again.stdout).toContain('Plan: 1 to create, 0 to update, 0 to delete.');
    expect(again.stdout).toContain('+ estate.statuses["property:Taken"]');
  });
});

describe('a Property Deck maps_to, which statusform keeps (Property Deck has no such field)', () => {
  const mapped = (label: string, category: string) => `      - { label: "${label}", type: property, maps_to: ${category} }\n`;
  const configure = (w: World, category: string) =>
    writeFileSync(join(w.dir, 'statusform.yaml'), PD_ACCOUNT(mapped('Alpha', category) + mapped('Beta', 'open'), FAST));
  const recordedCategory = (w: World) => (w.state().accounts['estate']!.items['property:Alpha'] as { category?: string }).category;

  it('a changed maps_to is a plan line of its own; apply records it without a request to the vendor, and the next plan is empty', async () => {
    w = await world(PD_ACCOUNT(mapped('Alpha', 'open') + mapped('Beta', 'open'), FAST), FAST_SIM);
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    expect(recordedCategory(w)).toBe('open');
    configure(w, 'pending');
    w.sandbox.simulators.propertydeck.resetRequests();

    const plan = await w.run('plan', '--detailed-exitcode');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(
      '# estate.statuses["property:Alpha"] will be updated in the state file only (nothing is sent to the vendor)',
    );
    expect(plan.stdout).toContain('~ estate.statuses["property:Alpha"]');
    expect(plan.stdout).toContain('~ maps_to : "open" → "pending" (kept by statusform; the vendor has no such field)');
    expect(plan.stdout).toContain('Plan: 0 to create, 1 to update, 0 to delete.');
    const json = JSON.parse((await w.run('plan', '--format', 'json')).stdout) as { actions: { address: string; changes: unknown[] }[] };
    expect(json.actions).toEqual([
      expect.objectContaining({
        address: 'estate.statuses["property:Alpha"]',
        action: 'update',
        changes: [{ field: 'maps_to', before: 'open', after: 'pending', kept: true }],
      }),
    ]);
    const markdown = (await w.run('plan', '--format', 'markdown')).stdout;
    expect(markdown).toContain('+     maps_to = "pending" (kept by statusform; the vendor has no such field)');
    const mappings = (await w.run('mappings')).stdout;
    expect(mappings).toMatch(/pending\s+\S*property:Alpha/);

    const apply = await w.run('apply', '--auto-approve');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/estate\.statuses\["property:Alpha"\]: update done/);
    expect(writes(w)).toEqual([]);
    expect(recordedCategory(w)).toBe('pending');
    expect((await w.run('plan', '--detailed-exitcode')).stdout).toContain('No changes.');
  });

  it('a state recorded before maps_to was kept shows no change, and learns it with the next apply', async () => {
    w = await world(PD_ACCOUNT(mapped('Alpha', 'open') + mapped('Beta', 'open'), FAST), FAST_SIM);
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    const file = join(w.dir, 'statusform.state', 'estate.json');
    const older = JSON.parse(readFileSync(file, 'utf8')) as { accounts: { estate: { items: Record<string, { category?: string }> } } };
    for (const item of Object.values(older.accounts.estate.items)) delete item.category;
    writeFileSync(file, JSON.stringify(older));

    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
    w.sandbox.simulators.propertydeck.resetRequests();
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    expect(writes(w)).toEqual([]);
    expect(recordedCategory(w)).toBe('open');
    configure(w, 'hold');
    expect((await w.run('plan')).stdout).toContain('~ maps_to : "open" → "hold"');
  });
});

describe('Property Deck under its rate limit and faults', () => {
  it('paces itself to the limit so the vendor never has to answer 429', async () => {
    const statuses = Array.from({ length: 12 }, (_, i) => status(`P${i}`)).join('');
    w = await world(PD_ACCOUNT(statuses, '    rate_limit: { requests: 20, seconds: 1 }\n'), {
      rateLimits: { propertydeck: { limit: 20, windowMs: 1000 } },
    });
    const r = await w.run('apply', '--auto-approve', '--parallelism', '8');
    expect(r.code).toBe(0);
    const sim = w.sandbox.simulators.propertydeck;
    expectPaced(sim.requests);
    expect(sim.store.statuses.size).toBe(12);
    expect([...sim.store.creates.values()].every((n) => n === 1)).toBe(true);
    // 13 requests at 20/s reach the vendor over at least 600 ms.
    expect(arrivalSpanMs(sim.requests)).toBeGreaterThanOrEqual(550);
  });

  it('honours 429 and Retry-After when the config claims more than the vendor allows', async () => {
    const statuses = Array.from({ length: 6 }, (_, i) => status(`Q${i}`)).join('');
    w = await world(PD_ACCOUNT(statuses, FAST), { rateLimits: { propertydeck: { limit: 4, windowMs: 400 } } });
    const r = await w.run('apply', '--auto-approve', '--parallelism', '6');
    expect(r.code).toBe(0);
    const sim = w.sandbox.simulators.propertydeck;
    expect(sim.requests.some((q) => q.status === 429)).toBe(true);
    expect(sim.store.statuses.size).toBe(6);
    expect([...sim.store.creates.values()].every((n) => n === 1)).toBe(true);
  });

  it('never creates a duplicate when a create times out or fails after the vendor processed it', async () => {
    const statuses = Array.from({ length: 8 }, (_, i) => status(`F${i}`)).join('');
    w = await world(PD_ACCOUNT(statuses, FAST), FAST_SIM);
    const sim = w.sandbox.simulators.propertydeck;
    sim.faults = { errorAfterProcessRate: 0.3, resetAfterProcessRate: 0.2, hangAfterProcessRate: 0.1, errorRate: 0.1, seed: 7 };
    const loaded = loadConfigWithState('.', { cwd: w.dir, env: w.env });
    const config = loaded.config!;
    for (let run = 0; run < 3; run++) {
      const state = await loadState(config);
      // A read may exhaust its retries under these faults: the next run tries again, as a user would.
      const planned = await makePlan(config, state, { timeoutMs: 1000, retry: { attempts: 6, baseDelayMs: 5, maxDelayMs: 20 } }).catch(
        () => undefined,
      );
      if (!planned) continue;
      if (planned.plan.actions.length === 0) break;
      await applyPlan(config, state, planned, { parallelism: 4 });
    }
    sim.faults = {};
    await closeDefaultAgent();
    expect(
      sim.requests.some(
        (q) => q.faulted === 'error-after-process' || q.faulted === 'reset-after-process' || q.faulted === 'hang-after-process',
      ),
    ).toBe(true);
    expect(sim.store.statuses.size).toBe(8);
    expect([...sim.store.creates.values()]).toEqual(Array(8).fill(1));
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });
});
