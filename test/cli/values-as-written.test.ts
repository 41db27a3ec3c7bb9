// Issue 20: a value is taken as the text written — a credential that reads as a number reaches the
// vendor unchanged — and a base_url that would swallow the request paths is refused where it is written.

import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { startThalamusSimulator, type ThalamusStore } from '../../src/vendors/thalamus/simulator.js';
import { cli, tree } from '../helpers.js';

let sim: RunningSimulator<ThalamusStore> | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const variant = '  - { id: waiting, label: Waiting, maps_to: pending }\n';

describe('a credential written as a plain number-like scalar', () => {
  it('is sent as written: leading zeros kept, a long number not rounded, a hex number not converted', async () => {
    const tokens = ['0012345', '12345678901234567890', '0x1F'];
    // The simulator lets in these partner tokens alone, and keeps each partner's variants apart.
    sim = await startThalamusSimulator({ tokens });
    const accounts = Object.fromEntries(
      tokens.map((token, i) => [
        `accounts/partner${i}.yaml`,
        `vendor: thalamus\nbase_url: ${sim!.url}\ntoken: ${token}\nstatus_variants:\n${variant}`,
      ]),
    );
    const dir = tree({ 'statusform.yaml': 'version: 1\n', ...accounts });

    const r = await cli(['apply', '--auto-approve'], { cwd: dir });
    expect(r.stderr).not.toContain('refused the credentials');
    expect(r.code).toBe(0);
    for (const token of tokens) expect([...sim.store.variants.get(token)!.keys()], `variants of partner ${token}`).toEqual(['waiting']);
  });
});

describe('a base_url with a query or a fragment', () => {
  it('is a validation error at its file:line:col, and plan sends nothing', async () => {
    sim = await startThalamusSimulator();
    const account = (url: string) => `vendor: thalamus\ntoken: t\nbase_url: ${url}\nstatus_variants:\n${variant}`;
    const dir = tree({
      'statusform.yaml': 'version: 1\n',
      'accounts/query.yaml': account(`${sim.url}/api?x=1`),
      'accounts/fragment.yaml': account(`${sim.url}/api#top`),
    });

    const v = await cli(['validate'], { cwd: dir });
    expect(v.code).toBe(1);
    expect(v.stderr).toContain('accounts/query.yaml:3:11: accounts.query.base_url: base_url must not have a query (?…) or a fragment (#…)');
    expect(v.stderr).toContain(
      'accounts/fragment.yaml:3:11: accounts.fragment.base_url: base_url must not have a query (?…) or a fragment (#…)',
    );

    expect((await cli(['apply', '--auto-approve'], { cwd: dir })).code).toBe(1);
    expect(sim.requests).toEqual([]);
  });
});
