// The text plan and apply report: notes that repeat on every run are a count, adoptions are named and counted.

import { describe, expect, it } from 'vitest';
import { summarise, type Plan } from '../../src/engine/plan.js';
import type { PlanAction } from '../../src/engine/plan.js';
import { renderPlanMarkdown } from '../../src/render/markdown.js';
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
    expect(text).toContain('Plan: 1 to create, 0 to update, 0 to delete, 1 to adopt.');
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

/** A removal of a Zendesk status whose description is empty, as the diff makes it. */
function removal(action: 'deactivate' | 'delete'): PlanAction {
  return {
    address: 'support.statuses["Waiting"]',
    account: 'support',
    collection: 'statuses',
    key: 'Waiting',
    action,
    id: 7,
    before: { agent_label: 'Waiting', description: '', end_user_label: null, maps_to: 'pending' },
    after: null,
    changes: [],
    depends_on: [],
    destructive: true,
    reason: 'config',
    phase: 3,
  };
}

describe('the plan says nothing that is not news', () => {
  it('counts create, update and delete always, and the other kinds only when there are some', () => {
    const p = plan();
    p.actions = [removal('deactivate')];
    p.summary = summarise(p.actions, p.accounts);
    expect(renderPlanText(p)).toContain('Plan: 0 to create, 0 to update, 1 to deactivate, 0 to delete, 1 to adopt.\n');
    expect(renderPlanMarkdown(p)).toContain('### statusform plan: 0 to create, 0 to update, 1 to deactivate, 0 to delete, 1 to adopt.');
    expect(renderPlanText(p)).not.toMatch(/\b0 (to deactivate|ticket transitions?|to reactivate)\b/);
  });

  it('shows a deactivated item by the fields it has: no line for an empty description', () => {
    const p = plan();
    p.actions = [removal('deactivate')];
    p.summary = summarise(p.actions, p.accounts);
    const text = renderPlanText(p);
    expect(text).toContain('- agent_label = "Waiting"');
    expect(text).not.toContain('description');
    expect(text).not.toContain('end_user_label');
    expect(renderPlanMarkdown(p)).not.toContain('description');
  });

  it('asks for --allow-destroy on a delete only when the run was not given it', () => {
    const p = plan();
    p.actions = [removal('delete')];
    p.summary = summarise(p.actions, p.accounts);
    expect(renderPlanText(p)).toContain('! needs --allow-destroy on apply');
    expect(renderPlanText(p, undefined, { allowDestroy: true })).not.toContain('--allow-destroy');
  });

  it('names note kinds in words in the PR comment: "possible rename", never possible_rename', () => {
    const p = plan();
    p.notes = [{ address: 'estate.statuses["contact:Lead"]', kind: 'possible_rename', message: 'looks like "contact:Leads" renamed' }];
    const md = renderPlanMarkdown(p);
    expect(md).toContain('possible rename: looks like');
    expect(md).not.toContain('possible_rename');
    expect(renderPlanText(p)).toContain('possible rename — looks like');
  });
});
