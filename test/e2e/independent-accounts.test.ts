// One account never blocks another: in one apply, an account refused for any reason (a guard, a
// held lock, a stale saved plan) or one that cannot be read is that account's outcome, and every
// other account applies. Exit 3 when some were refused and none failed, 1 when any failed.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/state/lock.js';
import { PD_ACCOUNT, TH_ACCOUNT, TT_ACCOUNT, world, type World } from './fixtures.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const FAST = '    rate_limit: { requests: 200, seconds: 1 }\n';
const DELETABLE = `${FAST}    prune: true\n    allow_delete: true\n`;
const pd = (label: string) => `      - { label: "${label}", type: property, maps_to: open }\n`;
const th = (label: string) => `      - { id: a, label: "${label}", maps_to: open }\n`;
const body = (config: string) => config.replace('version: 1\naccounts:\n', '');

/** estate (Property Deck, hard deletes allowed) and nerds (Thalamus). */
const two = (estate: string, nerds: string) => PD_ACCOUNT(estate, DELETABLE) + body(TH_ACCOUNT(nerds, FAST));

const writesTo = (w: World) => ({
  estate: w.sandbox.simulators.propertydeck.requests.filter((r) => r.method !== 'GET').length,
  nerds: w.sandbox.simulators.thalamus.requests.filter((r) => r.method !== 'GET').length,
});

function resetRequests(w: World): void {
  w.sandbox.simulators.propertydeck.resetRequests();
  w.sandbox.simulators.thalamus.resetRequests();
}

async function appliedWorld(): Promise<World> {
  const made = await world(two(pd('For Sale') + pd('Sold'), th('Alpha')), { rateLimits: { propertydeck: false } });
  expect((await made.run('apply', '--auto-approve')).code).toBe(0);
  resetRequests(made);
  return made;
}

describe('one account never blocks another', () => {
  it('a hard delete without --allow-destroy refuses its account only: the other applies, exit 3, and --allow-destroy finishes it', async () => {
    w = await appliedWorld();
    writeFileSync(join(w.dir, 'statusform.yaml'), two(pd('For Sale'), th('Alpha 2')));
    const r = await w.run('apply', '--auto-approve');
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('Refused: estate: estate.statuses["property:Sold"]: delete refused: a hard delete needs --allow-destroy');
    expect(r.stderr).toContain('Nothing is written to estate; every other account is applied.');
    expect(r.stdout).toContain('Accounts: 1 applied, 1 refused.');
    expect(writesTo(w)).toEqual({ estate: 0, nerds: 1 });
    expect(w.state().accounts['nerds']!.items['a']!.fields['label']).toBe('Alpha 2');

    const again = await w.run('apply', '--auto-approve', '--allow-destroy');
    expect(again.code, again.stderr).toBe(0);
    expect(writesTo(w)).toEqual({ estate: 1, nerds: 1 });
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('a saved plan applies the accounts that are still as reviewed, and refuses the one whose configuration changed since', async () => {
    w = await appliedWorld();
    writeFileSync(join(w.dir, 'statusform.yaml'), two(pd('For Sale') + pd('Sold') + pd('Let'), th('Alpha 2')));
    expect((await w.run('plan', '--out', 'plan.json')).code).toBe(0);
    // After review, estate's configuration changes again: its reviewed plan no longer says what would happen.
    writeFileSync(join(w.dir, 'statusform.yaml'), two(pd('For Sale') + pd('Sold') + pd('Let Agreed'), th('Alpha 2')));
    const r = await w.run('apply', 'plan.json', '--json');
    expect(r.code, r.stderr).toBe(3);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; account?: string; outcome?: string; reasons?: string[] });
    const outcome = (a: string) => events.find((e) => e.type === 'account' && e.account === a);
    expect(outcome('nerds')).toMatchObject({ outcome: 'applied', done: 1 });
    expect(outcome('estate')).toMatchObject({
      outcome: 'refused',
      reasons: [
        'the saved plan is stale (the configuration of account estate changed since the plan was made); ' +
          'make a new one with statusform plan --out FILE',
      ],
    });
    expect(writesTo(w)).toEqual({ estate: 0, nerds: 1 });
    // Said once, as a refusal: not as an account that could not be planned.
    expect(r.stderr.split('\n')[0]).toBe('Refused: 1 of 2 accounts refused before any request (estate); the plan below is incomplete.');
    // Once in the plan, once on the Refused line, once in the closing accounts block: never twice in one place.
    expect(r.stderr.match(/the configuration of account estate changed/g)).toHaveLength(3);

    // The log, as the merged pull request's results comment: refused accounts called out with why.
    writeFileSync(join(w.dir, 'apply-1.jsonl'), r.stdout);
    const md = await w.run('show', 'apply-1.jsonl', '--format', 'markdown');
    expect(md.code).toBe(3);
    expect(md.stdout.split('\n').slice(0, 2)).toEqual(['<!-- statusform-apply -->', '### statusform apply: 1 refused, 1 applied']);
    expect(md.stdout).toContain(
      '> **Refused (nothing written to them):**\n> - `estate`: the saved plan is stale (the configuration of account estate',
    );
    expect(md.stdout).toContain('- `nerds.status_variants["a"]`: update');
    const text = await w.run('show', 'apply-1.jsonl');
    expect(text.stdout).toContain('Accounts: 1 applied, 1 refused.');
    writeFileSync(join(w.dir, 'broken.jsonl'), `${r.stdout.split('\n')[0]}\n{"type":"account"}\n`);
    const broken = await w.run('show', 'broken.jsonl');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('broken.jsonl:2: the line is not a statusform apply event');
    expect((await w.run('show', 'apply-1.jsonl', 'plan.json')).stderr).toContain('saved plans or apply logs');
  });

  it('a lock held on one account refuses that account alone; the other applies', async () => {
    w = await appliedWorld();
    writeFileSync(join(w.dir, 'statusform.yaml'), two(pd('For Sale') + pd('Sold') + pd('Let'), th('Alpha 2')));
    mkdirSync(join(w.dir, 'statusform.state'), { recursive: true });
    const release = acquireLock(join(w.dir, 'statusform.state', 'estate.json'), 'statusform apply (another run)');
    try {
      const r = await w.run('apply', '--auto-approve');
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/^Refused: estate: the state of account estate .* is locked by pid \d+/m);
      expect(writesTo(w)).toEqual({ estate: 0, nerds: 1 });
      expect(w.sandbox.simulators.propertydeck.requests).toEqual([]); // not even read
    } finally {
      release();
    }
    const state = JSON.parse(readFileSync(join(w.dir, 'statusform.state', 'nerds.json'), 'utf8')) as { serial: number };
    expect(state.serial).toBeGreaterThan(1);
  });

  it('plan reports every account: one whose state is bound to another vendor instance is refused, the other planned', async () => {
    w = await appliedWorld();
    const moved = two(pd('For Sale') + pd('Sold'), th('Alpha 2')).replace('${PROPERTYDECK_URL}', 'http://localhost:9/api');
    writeFileSync(join(w.dir, 'statusform.yaml'), moved);
    const r = await w.run('plan');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('Refused: estate: the state file records this account for another vendor instance');
    expect(r.stdout).toContain('nerds.status_variants["a"]');
    const applied = await w.run('apply', '--auto-approve');
    expect(applied.code).toBe(3);
    expect(writesTo(w)).toEqual({ estate: 0, nerds: 1 });
  });

  it("a TimeTap account whose sign-in is refused is that account's failure: never an apply that looks complete", async () => {
    const tt = `      - { sub_status: LATE, status: OPEN, sort_order: 2, user_selectable: true, maps_to: open }\n`;
    w = await world(TT_ACCOUNT(tt) + body(TH_ACCOUNT(th('Alpha'), FAST)), { rateLimits: { timetap: false } });
    w.env['TIMETAP_PRIVATE_KEY'] = 'not-the-key';
    const r = await w.run('apply', '--auto-approve');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^Error: salon/m);
    expect(r.stdout).toContain('Accounts: 1 applied, 1 failed.');
    expect(w.sandbox.simulators.timetap.requests.filter((q) => q.method !== 'GET' && !q.path.includes('session'))).toEqual([]);
  });
});
