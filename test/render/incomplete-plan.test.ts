// A plan that could not read or plan every account says so first, in every output, and never
// claims "No changes" or that live state matches: not in text, markdown, JSON or apply's events.

import { describe, expect, it } from 'vitest';
import { summarise, type AccountPlan, type Plan, type PlanAction, type PlanError } from '../../src/engine/plan.js';
import { toWire } from '../../src/plan-file/wire.js';
import { planEvent, summaryEvent } from '../../src/render/apply-events.js';
import { renderPlanMarkdown } from '../../src/render/markdown.js';
import { NO_CHANGES, renderApplyText, renderPlanText } from '../../src/render/text.js';
import { expectWirePlan } from '../helpers.js';

const CLAIMS = ['No changes', 'Live state matches'];

function account(name: string, vendor = 'propertydeck'): AccountPlan {
  return {
    name,
    vendor,
    collection: vendor === 'serieshr' ? 'tickets' : 'statuses',
    read: 'list',
    live_digest: `sha256:${'0'.repeat(64)}`,
    adopt: [],
    forget: [],
    owned: 0,
    safety: { max_update_percent: 30, max_delete_percent: 30, min_owned: 10 },
  };
}

function transition(key: string): PlanAction {
  return {
    address: `helpdesk.tickets[${JSON.stringify(key)}]`,
    account: 'helpdesk',
    collection: 'tickets',
    key,
    action: 'transition',
    id: key,
    before: { status: 'open' },
    after: { status: 'resolved' },
    changes: [{ field: 'status', before: 'open', after: 'resolved' }],
    depends_on: [],
    destructive: false,
    reason: 'config',
    phase: 2,
  };
}

/** A plan of the accounts it could read, with these errors (an account missing from `planned` was not read). */
function plan(planned: AccountPlan[], errors: PlanError[], actions: PlanAction[] = []): Plan {
  return {
    config_digest: `sha256:${'a'.repeat(64)}`,
    state: { accounts: {} },
    options: { accounts: [], refresh_all: false },
    accounts: planned,
    actions,
    notes: [],
    errors,
    rules: [],
    thresholds: [],
    summary: summarise(actions),
  };
}

const unread = (name: string): PlanError => ({
  address: `${name}.statuses`,
  message: 'cannot read live state: 127.0.0.1:1 refused the credentials (401 Unauthenticated.)',
  unread: true,
});

/** estate could not be read; nerds and salon were planned and have nothing to change. */
const oneUnread = () => plan([account('nerds', 'thalamus'), account('salon', 'timetap')], [unread('estate')]);

function expectNoClaim(text: string): void {
  for (const claim of CLAIMS) expect(text).not.toContain(claim);
}

describe('the text plan of an account that could not be read', () => {
  it('says first how many accounts could not be planned, and closes with incomplete counts, never "No changes"', () => {
    const text = renderPlanText(oneUnread());
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('Error: 1 of 3 accounts could not be planned (estate); the plan below is incomplete.');
    expect(lines.at(-1)).toBe('Incomplete plan: 0 to create, 0 to update, 0 to delete; 1 of 3 accounts could not be planned.');
    expectNoClaim(text);
  });

  it('says so when the only account could not be read', () => {
    const text = renderPlanText(plan([], [unread('estate')]));
    expect(text.split('\n')[0]).toBe('Error: 1 of 1 account could not be planned (estate); the plan below is incomplete.');
    expectNoClaim(text);
  });

  it('counts an account with one item that could not be planned as not planned, beside its other changes', () => {
    const p = plan(
      [account('estate'), account('helpdesk', 'serieshr')],
      [{ address: 'helpdesk.tickets["T-404"]', message: 'ticket not found at series.hr (404 Ticket not found)' }],
      [transition('T-1')],
    );
    const lines = renderPlanText(p).trimEnd().split('\n');
    expect(lines[0]).toBe('Error: 1 of 2 accounts could not be planned (helpdesk); the plan below is incomplete.');
    expect(lines.at(-1)).toBe(
      'Incomplete plan: 0 to create, 0 to update, 0 to delete, 1 ticket transition; 1 of 2 accounts could not be planned.',
    );
    expect(renderPlanMarkdown(p)).toContain('<summary><b>helpdesk</b> (serieshr): 1 transition, 1 error</summary>');
  });

  it('names at most five accounts, and counts the rest', () => {
    const names = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'];
    const text = renderPlanText(plan([account('ok')], names.map(unread)));
    expect(text.split('\n')[0]).toBe(
      'Error: 7 of 8 accounts could not be planned (a1, a2, a3, a4, a5 and 2 more); the plan below is incomplete.',
    );
  });

  it('still says "No changes" when every account was planned in full and nothing changes', () => {
    const text = renderPlanText(plan([account('estate'), account('salon', 'timetap')], []));
    expect(text.split('\n')[0]).toBe(NO_CHANGES);
  });
});

describe('the markdown comment of an account that could not be read', () => {
  it('heads the comment with how many accounts could not be planned, and gives the counts as incomplete', () => {
    const md = renderPlanMarkdown(oneUnread());
    const lines = md.split('\n');
    expect(lines[1]).toBe('### statusform plan: 1 of 3 accounts could not be planned (estate)');
    expect(lines[3]).toBe('Incomplete plan: 0 to create, 0 to update, 0 to delete.');
    expect(md).toContain('> **1 error in the plan:**');
    expectNoClaim(md);
  });

  it('keeps an account name inert in the headline', () => {
    const md = renderPlanMarkdown(plan([], [unread('site_1')]));
    expect(md.split('\n')[1]).toBe('### statusform plan: 1 of 1 account could not be planned (site\\_1)');
  });
});

describe('the JSON plan and apply events of an account that could not be read', () => {
  it("counts the accounts covered and those that could not be planned in `summary`, and names each error's account", () => {
    const wire = toWire(oneUnread());
    expect(wire.summary).toMatchObject({ accounts: 3, errored_accounts: 1 });
    expect(wire.errors).toEqual([expect.objectContaining({ address: 'estate.statuses', account: 'estate' })]);
    expectWirePlan(JSON.stringify(wire), 'the wire plan');
    expectNoClaim(JSON.stringify(wire));
    expect(toWire(plan([account('estate')], [])).summary).toMatchObject({ accounts: 1, errored_accounts: 0 });
  });

  it('counts them in the plan event, and an apply that left such an account untouched is incomplete', () => {
    const at = () => '2026-01-01T00:00:00.000Z';
    expect(planEvent(oneUnread(), at)).toMatchObject({
      summary: { accounts: 3, errored_accounts: 1 },
      errors: [{ address: 'estate.statuses', account: 'estate' }],
    });
    const result = { outcomes: [], done: 2, failed: 0, skipped: 0 };
    const failed = { account: 'estate', outcome: 'failed' as const, reasons: ['cannot read live state'], done: 0, failed: 0, skipped: 0 };
    expect(summaryEvent(result, at, [failed])).toMatchObject({ outcome: 'incomplete', accounts: { failed: 1 } });
    expect(summaryEvent(result, at)).toMatchObject({ outcome: 'complete' });
    expect(renderApplyText(result, undefined, ['estate'])).toBe('Apply incomplete: 2 done, 0 failed, 0 skipped.\n');
  });
});
