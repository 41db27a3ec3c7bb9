// The executor's ordering and failure semantics, with an in-memory session standing in for a
// vendor (what is under test is the scheduling, not HTTP: that is covered over real HTTP elsewhere).

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { diffAccount } from '../../src/engine/diff/diff-account.js';
import { executePlan } from '../../src/engine/execute.js';
import { summarise, type Plan } from '../../src/engine/plan.js';
import { StateRecorder } from '../../src/state/recorder.js';
import { emptyState } from '../../src/state/state-file.js';
import type { VendorSession } from '../../src/vendors/adapter.js';
import type { AccountConfig, DesiredItem, WriteRequest } from '../../src/model.js';
import { thalamus } from '../../src/vendors/thalamus/adapter.js';
import { tempDir } from '../helpers.js';
import { openStateStore, type Snapshot } from '../../src/state/store.js';
import type { State } from '../../src/state/state-file.js';

/** The recorder's view of a state file's contents. */
const snapshotOf = (state: State): Snapshot => ({ accounts: state.accounts, versions: {} });

const pos = { file: 'f', line: 1, col: 1 };
const it_ = (key: string, deps: string[] = []): DesiredItem => ({
  key,
  fields: { label: key, mapped_status: 'open' },
  dependsOn: deps,
  renamedFrom: [],
  position: pos,
});

function planFor(items: DesiredItem[]): Plan {
  const acc: AccountConfig = {
    name: 'acc',
    vendor: 'thalamus',
    baseUrl: 'https://x',
    rateLimit: { requests: 1, seconds: 1 },
    prune: false,
    safety: { max_update_percent: 30, max_delete_percent: 30, min_owned: 10 },
    settings: {},
    items,
    position: pos,
  };
  const d = diffAccount(acc, thalamus, { items: [], warnings: [], errors: [] }, {});
  return {
    config_digest: 'x',
    state: { accounts: { acc: { lineage: 'l', serial: 0 } } },
    options: { accounts: [], refresh_all: false },
    accounts: [d.account],
    actions: d.actions,
    notes: [],
    errors: [],
    rules: [],
    thresholds: [],
    summary: summarise(d.actions),
  };
}

function session(failKeys: string[], log: string[], delayMs = 5): VendorSession {
  return {
    read: async () => ({ items: [], warnings: [], errors: [] }),
    write: async (req: WriteRequest) => {
      log.push(`start ${req.key}`);
      await new Promise((r) => setTimeout(r, delayMs));
      if (failKeys.includes(req.key)) throw new Error(`vendor said no to ${req.key}`);
      log.push(`end ${req.key}`);
      return { id: `id-${req.key}`, fields: req.after ?? {} };
    },
  };
}

describe('executor', () => {
  it('runs dependencies first, skips dependents of a failure, and continues independent work', async () => {
    const plan = planFor([it_('c', ['b']), it_('b', ['a']), it_('a'), it_('z'), it_('y', ['x']), it_('x')]);
    const log: string[] = [];
    const statePath = join(tempDir(), 'state.json');
    const state = emptyState();
    const recorder = new StateRecorder(snapshotOf(state), openStateStore({ layout: 'file', path: statePath }), () => ({
      vendor: 'thalamus',
      origin: 'https://thalamus.nerds.nl',
    }));
    const result = await executePlan(plan, {
      sessions: new Map([['acc', session(['x'], log)]]),
      recorder,
      parallelism: 3,
      scrub: (t) => t,
    });

    expect(log.indexOf('end a')).toBeLessThan(log.indexOf('start b'));
    expect(log.indexOf('end b')).toBeLessThan(log.indexOf('start c'));
    expect(result.outcomes.find((o) => o.address.includes('"y"'))).toMatchObject({ status: 'skipped', detail: 'acc.status_variants["x"]' });
    expect(result).toMatchObject({ done: 4, failed: 1, skipped: 1 });

    const saved = JSON.parse(readFileSync(statePath, 'utf8'));
    expect(Object.keys(saved.accounts.acc.items).sort()).toEqual(['a', 'b', 'c', 'z']);
    expect(saved.serial).toBeGreaterThan(0);
  });

  it('starts nothing more once the state file cannot be written, and says why', async () => {
    const plan = planFor(Array.from({ length: 12 }, (_, i) => it_(`k${i}`)));
    const log: string[] = [];
    const statePath = join(tempDir(), 'gone', 'state.json'); // its folder does not exist
    const recorder = new StateRecorder(snapshotOf(emptyState()), openStateStore({ layout: 'file', path: statePath }), () => ({
      vendor: 'thalamus',
      origin: 'https://thalamus.nerds.nl',
    }));
    // The first write's record fails: the executor waits for it before starting another, so exactly one write happened.
    const result = await executePlan(plan, {
      sessions: new Map([['acc', session([], log, 1)]]),
      recorder,
      parallelism: 1,
      scrub: (t) => t,
    });
    expect(log.filter((l) => l.startsWith('start'))).toEqual(['start k0']);
    expect(result).toMatchObject({ done: 1, skipped: 11, stateFailure: 'no such file or directory (ENOENT)' });
    expect(result.outcomes[1]).toMatchObject({
      status: 'skipped',
      because: 'unrecordable',
      detail: 'the state file could not be written: no such file or directory (ENOENT)',
    });
    expect(recorder.failed).toMatch(/^the state file could not be written: no such file or directory \(ENOENT\)/);
  });

  it('after the state file fails, lets only the writes already in flight finish', async () => {
    const plan = planFor(Array.from({ length: 12 }, (_, i) => it_(`k${i}`)));
    const log: string[] = [];
    const recorder = new StateRecorder(
      snapshotOf(emptyState()),
      openStateStore({ layout: 'file', path: join(tempDir(), 'gone', 'state.json') }),
      () => ({ vendor: 'thalamus', origin: 'https://thalamus.nerds.nl' }),
    );
    const result = await executePlan(plan, {
      sessions: new Map([['acc', session([], log, 5)]]),
      recorder,
      parallelism: 3,
      scrub: (t) => t,
    });
    expect(log.filter((l) => l.startsWith('start'))).toEqual(['start k0', 'start k1', 'start k2']);
    expect(result).toMatchObject({ done: 3, skipped: 9 });
  });

  it('on a stop request starts nothing new, lets what runs finish, and reports the rest as interrupted', async () => {
    const plan = planFor(Array.from({ length: 8 }, (_, i) => it_(`k${i}`)));
    const log: string[] = [];
    const stop = new AbortController();
    const statePath = join(tempDir(), 'state.json');
    const recorder = new StateRecorder(snapshotOf(emptyState()), openStateStore({ layout: 'file', path: statePath }), () => ({
      vendor: 'thalamus',
      origin: 'https://thalamus.nerds.nl',
    }));
    const s = session([], log, 20);
    const watched: VendorSession = {
      ...s,
      write: async (req) => {
        if (log.length === 0) setTimeout(() => stop.abort(), 5);
        return s.write(req);
      },
    };
    const result = await executePlan(plan, {
      sessions: new Map([['acc', watched]]),
      recorder,
      parallelism: 2,
      scrub: (t) => t,
      stop: stop.signal,
    });
    expect(log).toEqual(['start k0', 'start k1', 'end k0', 'end k1']);
    expect(result).toMatchObject({ done: 2, failed: 0, skipped: 6, interrupted: true });
    expect(result.outcomes.slice(2).every((o) => o.because === 'interrupted')).toBe(true);
    expect(Object.keys(JSON.parse(readFileSync(statePath, 'utf8')).accounts.acc.items)).toEqual(['k0', 'k1']);
  });

  it('after a stop request waits for changes in flight only as long as the grace period, and calls them unknown', async () => {
    const plan = planFor([it_('slow'), it_('next')]);
    const stop = new AbortController();
    const statePath = join(tempDir(), 'state.json');
    const recorder = new StateRecorder(snapshotOf(emptyState()), openStateStore({ layout: 'file', path: statePath }), () => ({
      vendor: 'thalamus',
      origin: 'https://thalamus.nerds.nl',
    }));
    let answer: (() => void) | undefined;
    const hanging: VendorSession = {
      read: async () => ({ items: [], warnings: [], errors: [] }),
      write: (req) => new Promise((resolve) => (answer = () => resolve({ id: 'late', fields: req.after ?? {} }))),
    };
    setTimeout(() => stop.abort(), 5);
    const started = Date.now();
    const result = await executePlan(plan, {
      sessions: new Map([['acc', hanging]]),
      recorder,
      parallelism: 1,
      scrub: (t) => t,
      stop: stop.signal,
      graceMs: 50,
    });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result.outcomes[0]).toMatchObject({
      status: 'failed',
      detail: expect.stringContaining('still in flight when the run was interrupted'),
    });
    expect(result.outcomes[1]).toMatchObject({ status: 'skipped', because: 'interrupted' });
    answer!(); // the vendor answers after the run ended: nothing is recorded any more
    await new Promise((r) => setTimeout(r, 20));
    expect(recorder.state.accounts['acc']?.items['slow']).toBeUndefined();
  });

  it('never runs more than `parallelism` writes at once', async () => {
    const plan = planFor(Array.from({ length: 12 }, (_, i) => it_(`k${i}`)));
    let inFlight = 0;
    let peak = 0;
    const s: VendorSession = {
      read: async () => ({ items: [], warnings: [], errors: [] }),
      write: async (req) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 3));
        inFlight--;
        return { id: null, fields: req.after ?? {} };
      },
    };
    const recorder = new StateRecorder(
      snapshotOf(emptyState()),
      openStateStore({ layout: 'file', path: join(tempDir(), 's.json') }),
      () => ({ vendor: 'thalamus', origin: 'https://thalamus.nerds.nl' }),
    );
    const result = await executePlan(plan, { sessions: new Map([['acc', s]]), recorder, parallelism: 3, scrub: (t) => t });
    expect(result.done).toBe(12);
    expect(peak).toBe(3);
  });
});
