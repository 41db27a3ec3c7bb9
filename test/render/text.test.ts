// The text plan and apply report: notes that repeat on every run are a count, adoptions are named and counted.

import { describe, expect, it } from 'vitest';
import { summarise, type Plan } from '../../src/engine/plan.js';
import { renderApplyText, renderPlanText } from '../../src/render/text.js';

function plan(): Plan {
  return {
    config_digest: 'sha256:x',
    state: { accounts: {} },
    options: { accounts: [], refresh_all: false },
    accounts: [
      {
        name: 'estate',
        vendor: 'propertydeck',
        collection: 'statuses',
        read: 'list',
        live_digest: 'sha256:y',
        adopt: [{ address: 'estate.statuses["contact:A"]', key: 'contact:A', id: 'u1', fields: {} }],
        forget: [],
        owned: 0,
        safety: { max_update_percent: 30, max_delete_percent: 30, min_owned: 10 },
      },
    ],
    actions: [],
    notes: [
      ...Array.from({ length: 12 }, (_, i) => ({
        address: `estate.statuses["contact:U${i}"]`,
        kind: 'unmanaged' as const,
        message: 'exists at the vendor but is not managed by statusform; left untouched',
      })),
      { address: 'estate.statuses["contact:Old"]', kind: 'orphan', message: 'no longer in the configuration; kept because prune is off' },
      {
        address: 'salon.statuses',
        kind: 'warning',
        message: 'first customisation: shared defaults will no longer be offered',
        side_effect: true,
      },
    ],
    errors: [],
    rules: [],
    thresholds: [],
    summary: summarise([], [{ adopt: [{ address: 'estate.statuses["contact:A"]', key: 'contact:A', id: 'u1', fields: {} }] }]),
  };
}

describe('the text plan says everything once', () => {
  it('counts unmanaged items in one line per account, keeps the notes that matter one by one, and --verbose lists them all', () => {
    const text = renderPlanText(plan());
    expect(text).toContain('  • estate: 12 items at the vendor are not managed by statusform (--verbose lists them)\n');
    expect(text).not.toContain('contact:U0');
    expect(text).toContain('  • estate.statuses["contact:Old"]: no longer in the configuration; kept because prune is off');
    expect(text).toContain('  ! salon.statuses: side effect at the vendor — first customisation');
    const verbose = renderPlanText(plan(), undefined, { verbose: true });
    expect(verbose).toContain(
      '  • estate: 12 items at the vendor are not managed by statusform; left untouched:\n' +
        '      estate.statuses["contact:U0"]: unmanaged\n',
    );
    expect(verbose.match(/: unmanaged$/gm)).toHaveLength(12);
  });

  it('names every adoption by its address and vendor id, with changes or without', () => {
    const line =
      '  = estate.statuses["contact:A"] will be adopted (found at the vendor as declared, id "u1"; recorded as owned, nothing written)\n';
    const alone = renderPlanText(plan());
    expect(alone).toContain(`statusform will adopt the following items (nothing is written at the vendor):\n\n${line}`);
    const p = plan();
    p.actions = [
      {
        address: 'estate.statuses["contact:B"]',
        account: 'estate',
        collection: 'statuses',
        key: 'contact:B',
        action: 'create',
        id: null,
        before: null,
        after: { label: 'B' },
        changes: [],
        depends_on: [],
        destructive: false,
        reason: 'config',
        phase: 1,
      },
    ];
    p.summary = summarise(p.actions, p.accounts);
    const text = renderPlanText(p);
    expect(text).toContain('statusform will perform the following actions:\n');
    expect(text.indexOf(line)).toBeGreaterThan(text.indexOf('+ estate.statuses["contact:B"]'));
    expect(text).toContain('Plan: 1 to create, 0 to update, 0 to deactivate, 0 to delete, 0 ticket transitions, 1 to adopt.');
  });

  it('says what a plan without changes adopts, and the apply summary counts adoptions', () => {
    expect(renderPlanText(plan())).toContain(
      'No changes. Live state matches the configuration.\n1 to adopt: a declared item was found at the vendor as declared; ' +
        'apply records it as owned in the state file, writing nothing at the vendor.\n',
    );
    expect(renderApplyText({ outcomes: [], done: 3, failed: 0, skipped: 0, adopted: 2 })).toBe(
      'Apply complete: 3 done, 0 failed, 0 skipped, 2 adopted.\n',
    );
    expect(renderApplyText({ outcomes: [], done: 3, failed: 0, skipped: 0 })).toBe('Apply complete: 3 done, 0 failed, 0 skipped.\n');
  });
});
