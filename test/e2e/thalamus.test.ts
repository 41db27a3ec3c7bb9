// Thalamus over real HTTP: no read API, so the state file is the record; upserts, soft delete, reactivation, refresh.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { THALAMUS_SANDBOX_TOKEN } from '../../src/vendors/thalamus/simulator.js';
import { TH_ACCOUNT, world, type World } from './fixtures.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const FAST = '    rate_limit: { requests: 200, seconds: 1 }\n';
const variant = (id: string, label: string, mapsTo = 'open') => `      - { id: ${id}, label: "${label}", maps_to: ${mapsTo} }\n`;
const stored = (w: World) => w.sandbox.simulators.thalamus.store.variants.get(THALAMUS_SANDBOX_TOKEN)!;
const posts = (w: World) => w.sandbox.simulators.thalamus.requests.filter((r) => r.method === 'POST');

describe('Thalamus, end to end', () => {
  it('creates by upsert, remembers what it wrote, and plans nothing after', async () => {
    w = await world(TH_ACCOUNT(variant('a', 'Alpha') + variant('b', 'Beta', 'pending'), FAST));
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    expect(stored(w).get('b')).toMatchObject({ label: 'Beta', mapped_status: 'pending', status: 'active', writes: 1 });
    expect(w.state().accounts['nerds']!.items['a']).toMatchObject({ id: stored(w).get('a')!.uuid, active: true });
    w.sandbox.simulators.thalamus.resetRequests();
    const plan = await w.run('plan', '--detailed-exitcode');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('has no read API');
    expect(w.sandbox.simulators.thalamus.requests).toEqual([]); // nothing to read at the vendor
  });

  it('deactivates a variant that left the list only with prune, and reactivates it when it returns', async () => {
    w = await world(TH_ACCOUNT(variant('a', 'Alpha') + variant('b', 'Beta'), FAST));
    await w.run('apply', '--auto-approve');
    writeFileSync(join(w.dir, 'statusform.yaml'), TH_ACCOUNT(variant('a', 'Alpha'), FAST));
    const kept = await w.run('plan');
    expect(kept.stdout).toContain('nerds.status_variants["b"]: no longer in the configuration; kept because prune is off');
    expect(kept.stdout).toContain('No changes.');

    writeFileSync(join(w.dir, 'statusform.yaml'), TH_ACCOUNT(variant('a', 'Alpha'), `${FAST}    prune: true\n`));
    expect((await w.run('apply', '--auto-approve')).code).toBe(0);
    expect(stored(w).get('b')!.status).toBe('inactive');
    expect(w.state().accounts['nerds']!.items['b']!.active).toBe(false);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);

    writeFileSync(
      join(w.dir, 'statusform.yaml'),
      TH_ACCOUNT(variant('a', 'Alpha') + variant('b', 'Beta again'), `${FAST}    prune: true\n`),
    );
    const back = await w.run('apply', '--auto-approve');
    expect(back.stdout).toContain('# nerds.status_variants["b"] will be reactivated');
    expect(stored(w).get('b')).toMatchObject({ status: 'active', label: 'Beta again' });
    expect(stored(w).size).toBe(2);
  });

  it('re-sends every declared variant with --refresh-all, since drift cannot be seen', async () => {
    w = await world(TH_ACCOUNT(variant('a', 'Alpha') + variant('b', 'Beta'), FAST));
    await w.run('apply', '--auto-approve');
    // Someone edits a variant in Thalamus's own UI: statusform cannot see it...
    stored(w).get('a')!.label = 'Edited elsewhere';
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
    // ...but --refresh-all puts the declared state back.
    const plan = await w.run('plan', '--refresh-all');
    expect(plan.stdout).toContain('will be re-sent (--refresh-all)');
    expect(plan.stdout).toContain('Plan: 0 to create, 2 to update');
    w.sandbox.simulators.thalamus.resetRequests();
    expect((await w.run('apply', '--auto-approve', '--refresh-all')).code).toBe(0);
    expect(posts(w)).toHaveLength(2);
    expect(stored(w).get('a')!.label).toBe('Alpha');
  });

  it('retries an upsert through faults — re-sending is safe, it never duplicates', async () => {
    const variants = Array.from({ length: 10 }, (_, i) => variant(`v${i}`, `V ${i}`)).join('');
    w = await world(TH_ACCOUNT(variants, FAST));
    w.sandbox.simulators.thalamus.faults = { errorRate: 0.2, errorAfterProcessRate: 0.2, resetAfterProcessRate: 0.1, seed: 3 };
    const r = await w.run('apply', '--auto-approve');
    expect(r.code).toBe(0);
    expect(stored(w).size).toBe(10);
    expect(w.sandbox.simulators.thalamus.requests.some((q) => q.faulted)).toBe(true);
    expect((await w.run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('names the address and the vendor message when the token is refused, and writes nothing to the state', async () => {
    w = await world(TH_ACCOUNT(variant('a', 'Alpha'), FAST));
    w.env['THALAMUS_TOKEN'] = 'nerds_live_not_the_right_one';
    const r = await w.run('apply', '--auto-approve');
    expect(r.code).toBe(1);
    // Which account and item, which host, the status, the vendor's words, and the variable to check.
    expect(r.stdout).toMatch(
      /nerds\.status_variants\["a"\]: create failed: 127\.0\.0\.1:\d+ refused the credentials \(401 Unauthenticated\.\); check token \(\$THALAMUS_TOKEN\)/,
    );
    expect(r.stdout + r.stderr).not.toContain('nerds_live_not_the_right_one');
  });
});

describe('safety thresholds', () => {
  it('refuses to deactivate more than 30% of at least 10 owned variants, naming the counts, until --allow-bulk', async () => {
    const all = Array.from({ length: 10 }, (_, i) => variant(`v${i}`, `V ${i}`)).join('');
    w = await world(TH_ACCOUNT(all, `${FAST}    prune: true\n`));
    await w.run('apply', '--auto-approve');
    const kept = Array.from({ length: 6 }, (_, i) => variant(`v${i}`, `V ${i}`)).join('');
    writeFileSync(join(w.dir, 'statusform.yaml'), TH_ACCOUNT(kept, `${FAST}    prune: true\n`));
    w.sandbox.simulators.thalamus.resetRequests();
    const refused = await w.run('apply', '--auto-approve');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('nerds: 4 of 10 owned items would be deactivated or deleted (40%, more than max_delete_percent 30%)');
    expect(posts(w)).toEqual([]);

    writeFileSync(join(w.dir, 'statusform.yaml'), TH_ACCOUNT(kept, `${FAST}    prune: true\n    safety: { max_delete_percent: 50 }\n`));
    expect((await w.run('plan')).stdout).not.toContain('Safety threshold');
    writeFileSync(join(w.dir, 'statusform.yaml'), TH_ACCOUNT(kept, `${FAST}    prune: true\n`));
    expect((await w.run('apply', '--auto-approve', '--allow-bulk')).code).toBe(0);
    expect(posts(w)).toHaveLength(4);
  });
});
