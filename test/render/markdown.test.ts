// The PR comment, rendered by a real GFM renderer (marked) and checked for structure and size.

import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { summarise, type Plan, type PlanAction } from '../../src/engine/plan.js';
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT, renderPlanMarkdown } from '../../src/render/markdown.js';
import { annotations, problemsSummary } from '../../src/render/github.js';

function action(i: number, kind: PlanAction['action'] = 'create', account = 'estate'): PlanAction {
  const key = `property:Status ${i} ${'x'.repeat(40)}`;
  return {
    address: `${account}.statuses[${JSON.stringify(key)}]`,
    account,
    collection: 'statuses',
    key,
    action: kind,
    id: kind === 'create' ? null : `u${i}`,
    before: kind === 'create' ? null : { type: 'property', label: `Old ${i}` },
    after: kind === 'delete' ? null : { type: 'property', label: `Status ${i}` },
    changes: [],
    depends_on: [],
    destructive: kind === 'delete' || kind === 'deactivate',
    reason: i % 7 === 0 ? 'drift' : 'config',
    phase: kind === 'create' ? 1 : 3,
  };
}

function plan(actions: PlanAction[], accounts = ['estate']): Plan {
  return {
    config_digest: 'sha256:x',
    state: { accounts: { estate: { lineage: 'l', serial: 1 } } },
    options: { accounts: [], refresh_all: false },
    accounts: accounts.map((name) => ({
      name,
      vendor: 'propertydeck',
      collection: 'statuses',
      read: 'list',
      live_digest: 'sha256:y',
      adopt: [],
      forget: [],
      owned: 0,
      safety: { max_update_percent: 30, max_delete_percent: 30, min_owned: 10 },
    })),
    actions,
    notes: [
      {
        address: 'estate.statuses["contact:Archived"]',
        kind: 'unmanaged',
        message: 'exists at the vendor but is not managed by statusform; left untouched',
      },
    ],
    errors: [],
    rules: [],
    thresholds: [],
    summary: summarise(actions),
  };
}

describe('the markdown PR comment', () => {
  it('renders as GFM with the marker, the summary first, destructive changes on top and details per account', () => {
    const md = renderPlanMarkdown(plan([action(1), action(2, 'delete'), action(3, 'create', 'other')], ['estate', 'other']));
    expect(md.split('\n')[0]).toBe(COMMENT_MARKER);
    const html = marked.parse(md, { gfm: true, async: false });
    expect(html).toMatch(/^<!-- statusform-plan -->\s*<h3>statusform plan: 2 to create, 0 to update, 1 to delete\.<\/h3>/);
    const warning = html.indexOf('will be <strong>deleted</strong>');
    expect(warning).toBeGreaterThan(0);
    expect(warning).toBeLessThan(html.indexOf('<details>'));
    // One block per account, and the unmanaged items collapsed in one more.
    expect(html.match(/<details>/g)).toHaveLength(3);
    expect(html).toContain('<details><summary>1 item at the vendor is not managed by statusform; left untouched</summary>');
    expect(html).toContain('<code class="language-diff">');
    expect(html).toContain('<summary><b>other</b> (propertydeck): 1 create</summary>');
  });

  it('never exceeds the 65,536-character limit, and says how much it cut', () => {
    const many = Array.from({ length: 3000 }, (_, i) => action(i));
    const md = renderPlanMarkdown(plan(many));
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    const cut = /Cut to fit GitHub's 65,536-character comment limit: (\d+) changes not shown/.exec(md);
    expect(cut).not.toBeNull();
    const shown = (md.match(/^[+~-] estate\.statuses/gm) ?? []).length;
    expect(shown + Number(cut![1])).toBe(3000);
    // Still valid markdown: the code fence is closed before the details end.
    const html = marked.parse(md, { gfm: true, async: false });
    expect(html).toContain('</code></pre>');
  });

  it('says when notes are cut too, and that an account without a read API cannot show drift', () => {
    const p = plan(Array.from({ length: 1200 }, (_, i) => action(i)));
    p.notes = Array.from({ length: 2000 }, (_, i) => ({
      address: `estate.statuses["contact:U${i}"]`,
      kind: 'orphan' as const,
      message: 'no longer in the configuration; left as it is (prune is off)',
    }));
    p.accounts.push({ ...p.accounts[0]!, name: 'nerds', vendor: 'thalamus', read: 'none' });
    const md = renderPlanMarkdown(p);
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md).toMatch(/_… \d+ more notes not shown \(comment size limit\)\._/);
    expect(md).toContain('_nerds (thalamus) has no read API: live state is taken from the state file, and drift there cannot be seen._');
  });

  it('keeps a label with backticks from breaking out of the diff block', () => {
    const a = action(1);
    a.after = { type: 'property', label: 'evil ``` label' };
    const html = marked.parse(renderPlanMarkdown(plan([a])), { gfm: true, async: false });
    expect(html.match(/<pre>/g)).toHaveLength(1);
  });
});

describe('the markdown PR comment says everything once', () => {
  const update: PlanAction = {
    ...action(1, 'update'),
    before: { type: 'property', label: 'Old 1', sort_order: 1 },
    after: { type: 'property', label: 'New 1', sort_order: 1 },
    changes: [{ field: 'label', before: 'Old 1', after: 'New 1' }],
    phase: 2,
  };

  it('puts +, - and ! in column 0 of every changed line of the diff blocks, so GitHub colours them', () => {
    const md = renderPlanMarkdown(plan([action(1), update, action(3, 'delete')]));
    const block = /```diff\n([\s\S]*?)\n```/.exec(md)![1]!.split('\n');
    // Every line is a comment, a change at column 0, or an indented remark GitHub leaves plain.
    for (const line of block) expect(line).toMatch(/^(# |[+!-] | {6})/);
    expect(block).toContain('+     label = "Status 1"');
    // An update: a red before and a green after for each changed field, under an orange header.
    const at = block.indexOf(`! ${update.address}`);
    expect(at).toBeGreaterThan(0);
    expect(block.slice(at + 1, at + 3)).toEqual(['-     label      = "Old 1"', '+     label      = "New 1"']);
    expect(block).toContain('-     label = "Old 3"');
    const html = marked.parse(md, { gfm: true, async: false });
    expect(html).toContain('\n! estate.statuses');
    expect(html).not.toMatch(/\n\s+[~]/);
  });

  it('collapses unmanaged items into one block per account, and lists at most 50 of them', () => {
    const p = plan([action(1)]);
    p.notes = [
      ...Array.from({ length: 60 }, (_, i) => ({
        address: `estate.statuses["contact:U${i}"]`,
        kind: 'unmanaged' as const,
        message: 'exists at the vendor but is not managed by statusform; left untouched',
      })),
      { address: 'estate.statuses["contact:Gone"]', kind: 'orphan' as const, message: 'no longer in the configuration' },
    ];
    const md = renderPlanMarkdown(p);
    expect(md).toContain('- `estate.statuses["contact:Gone"]` orphan: no longer in the configuration');
    expect(md).toContain('<details><summary>60 items at the vendor are not managed by statusform; left untouched</summary>');
    expect(md).toContain('- … and 10 more (`statusform plan --verbose` lists them all)');
    expect(md.match(/- `estate\.statuses\["contact:U/g)).toHaveLength(50);
    const html = marked.parse(md, { gfm: true, async: false });
    expect(html.match(/<details>/g)).toHaveLength(2);
    expect(html).toContain('<li><code>estate.statuses[&quot;contact:U0&quot;]</code></li>');
  });

  it('puts a warning with side effects at the vendor in the top warning block, beside destructive changes, and only there', () => {
    const p = plan([action(1), action(2, 'delete')]);
    const message =
      "first customisation: creates this business's own statuses; " +
      'the vendor then shows only those, so these shared defaults will no longer be offered: NOSHOW';
    p.notes.push(
      { address: 'estate.statuses', kind: 'warning', message, side_effect: true },
      { address: 'estate.statuses', kind: 'warning', message: 'an ordinary warning' },
    );
    const md = renderPlanMarkdown(p);
    const top = md.slice(0, md.indexOf('<details>'));
    expect(top).toContain('> [!WARNING]\n> **1 destructive change:**');
    expect(top).toContain('> **A side effect at the vendor** (beyond the changes below):\n> - `estate.statuses`: first customisation');
    expect(md.match(/first customisation/g)).toHaveLength(1);
    expect(md.indexOf('an ordinary warning')).toBeGreaterThan(md.indexOf('<details>'));
    const html = marked.parse(md, { gfm: true, async: false });
    expect(html.indexOf('shared defaults will no longer be offered')).toBeLessThan(html.indexOf('<details>'));
  });

  it('counts adoptions in the summary, and says so when they are all the plan does', () => {
    const p = plan([action(1)]);
    p.accounts[0]!.adopt = [
      { address: 'estate.statuses["contact:A"]', key: 'contact:A', id: 'u1', fields: {} },
      { address: 'estate.statuses["contact:B"]', key: 'contact:B', id: 'u2', fields: {} },
    ];
    p.summary = summarise(p.actions, p.accounts);
    const md = renderPlanMarkdown(p);
    expect(md).toContain('### statusform plan: 1 to create, 0 to update, 0 to delete, 2 to adopt.');
    expect(md).toContain('<summary><b>estate</b> (propertydeck): 1 create, 2 to adopt</summary>');
    // Each adoption is a line of its account's diff block, after the changes, naming its address.
    const block = md.slice(md.indexOf('```diff'), md.indexOf('```', md.indexOf('```diff') + 3));
    expect(block.trimEnd().split('\n').slice(-2)).toEqual([
      '= estate.statuses["contact:A"] will be adopted (found at the vendor as declared, id "u1"; recorded as owned, nothing written)',
      '= estate.statuses["contact:B"] will be adopted (found at the vendor as declared, id "u2"; recorded as owned, nothing written)',
    ]);
    const none = plan([]);
    none.accounts[0]!.adopt = p.accounts[0]!.adopt;
    none.summary = summarise([], none.accounts);
    expect(renderPlanMarkdown(none)).toContain(
      '### statusform plan: No changes. Live state matches the configuration.\n\n' +
        '2 to adopt: declared items were found at the vendor as declared; apply records them as owned in the state file, ' +
        'writing nothing at the vendor.',
    );
  });
});

describe('GitHub Actions annotations', () => {
  it('escapes workflow-command data and properties, and stops at 10 with a count of the rest', () => {
    const problems = Array.from({ length: 12 }, (_, i) => ({
      position: { file: 'conf,ig:/a.yaml', line: i + 1, col: 3 },
      message: `100% wrong\non line ${i + 1}`,
    }));
    const lines = annotations(problems);
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('::error file=conf%2Cig%3A/a.yaml,line=1,col=3,title=statusform::100%25 wrong%0Aon line 1');
    expect(lines[10]).toBe('::error title=statusform::2 more problems in the configuration; see the job summary');
    expect(problemsSummary(problems)).toContain('| `conf,ig:/a.yaml:12:3` | 100% wrong on line 12 |');
  });
});
