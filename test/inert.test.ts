// Vendor and config text made inert: on one line, without terminal escapes or workflow commands,
// and in markdown without a way out of its block, a mention, a reference or a link — checked on
// the functions alone here, and through every output of the CLI in test/hostile/outputs.test.ts.

import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { htmlText, inertOutput, inertText, markdownCode, markdownFence, markdownText, withoutUserinfo } from '../src/inert.js';
import { BREAKOUTS, HOSTILE, liveMarkdown, unsafeIn } from './hostile/inert-checks.js';

describe('the checks themselves', () => {
  const render = (md: string) => marked.parse(md, { gfm: true, async: false });

  it('see a workflow command, a ##[ command and a terminal escape in raw hostile text', () => {
    const found = unsafeIn(HOSTILE).join('\n');
    expect(found).toContain('a workflow command line');
    expect(found).toContain('a ##[ command');
    expect(unsafeIn('\x1b[31m')).toHaveLength(1);
    expect(unsafeIn('::error title=statusform::x', { ownAnnotations: true })).toEqual([]);
    expect(unsafeIn('::error title=statusform::x')).toHaveLength(1);
  });

  it('see a heading, a link, an image, HTML, a mention, a reference and a URL in raw hostile markdown', () => {
    const cases: [string, RegExp][] = [
      ['# A heading', /a heading/],
      ['[a link](https://evil.example/)', /<a>/],
      ['![an image](https://evil.example/i.png)', /<img>/],
      ['<img src="https://evil.example/i.png">', /<img>/],
      ['</details>', /<details>/],
      ['hello @octocat', /a mention/],
      ['see #1', /a reference/],
      ['see GH-2', /a reference/],
      ['at www.evil.example', /a URL/],
      ['~~strike~~', /<del>/],
    ];
    for (const [md, finding] of cases) expect(liveMarkdown(render(md)).join('\n'), md).toMatch(finding);
  });
});

describe('inertText: a value on one line of a terminal or a CI log', () => {
  it('writes line breaks, escapes and invisible characters as visible escapes, as JSON would', () => {
    expect(inertText('a\n::warning::x')).toBe('a\\n::warning::x');
    expect(inertText('a\r\nb\tc')).toBe('a\\r\\nb\\tc');
    expect(inertText('\x1b[31mred\x1b]8;;https://e.example\x07')).toBe('\\u001b[31mred\\u001b]8;;https://e.example\\u0007');
    expect(inertText('\u009b2J \u0085 \u2028 \u202eevil \u200b')).toBe('\\u009b2J \\u0085 \\u2028 \\u202eevil \\u200b');
  });

  it('breaks the legacy ##[command] wherever it is, invisible characters between its parts included', () => {
    expect(inertText('see ##[add-mask]x')).toBe('see #\\u0023[add-mask]x');
    expect(inertText('#\u0301#[warning]x')).toBe('#\u0301\\u0023[warning]x');
  });

  it('keeps what is part of the writing: emoji sequences, variation selectors, subdivision flags, accents, joiners in words', () => {
    const written = [
      '\u{1F469}\u200d\u{1F4BB} on call', // woman technologist: a joiner inside an emoji sequence
      '\u{1F469}\u{1F3FD}\u200d\u{1F4BB} too', // with a skin tone
      '\u2764\ufe0f done', // a variation selector
      '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F} team', // the flag of Scotland: tag characters
      'Café Zoë',
      '完了',
      'می\u200cخواهم', // Persian: a non-joiner inside a word
    ];
    for (const text of written) expect(inertText(text), text).toBe(text);
    // A joiner anywhere else is an invisible character: it could hide a `::` from a reader.
    expect(inertText(':\u200d: a\u200d1')).toBe(':\\u200d: a\\u200d1');
  });

  it('never prints the user:password@ of a URL', () => {
    expect(inertText('at https://user:hunter2@crm.example.com/api')).toBe('at https://[redacted]@crm.example.com/api');
    expect(withoutUserinfo('postgres://admin:p@ss@db.example.com:5432/x?sslmode=require')).toBe(
      'postgres://[redacted]@db.example.com:5432/x?sslmode=require',
    );
    expect(withoutUserinfo('{"a":"https://host/x","b":"me@example.com"}')).toBe('{"a":"https://host/x","b":"me@example.com"}');
  });

  it('leaves nothing unsafe of any hostile text', () => {
    for (const text of BREAKOUTS) expect(unsafeIn(inertText(text)), JSON.stringify(text)).toEqual([]);
    expect(inertText(HOSTILE)).not.toContain('\n');
  });
});

describe('inertOutput: the last guard on every line statusform writes', () => {
  it('makes a line that starts a workflow command visible text, however it is indented', () => {
    const out = inertOutput('ok\n::warning::a\n  ::add-mask::b\n\t::stop-commands::c\n\n\n\u3000::x::y\n');
    expect(out).toBe('ok\n\\u003a:warning::a\n  \\u003a:add-mask::b\n\t\\u003a:stop-commands::c\n\n\n\u3000\\u003a:x::y\n');
  });

  it('sees a command through the invisible characters a line may keep (joiners between letters)', () => {
    expect(inertOutput('a\u200db ##[x]')).toBe('a\u200db #\\u0023[x]');
    expect(unsafeIn(inertOutput('x\n\n\n\u0301::warning::x'))).toEqual([]);
  });

  it("lets statusform's own annotation through, and only when asked", () => {
    const own = '::error file=a.yaml,line=1,col=1,title=statusform::100%25 wrong%0Aon line 1';
    expect(inertOutput(own, { workflowCommand: true })).toBe(own);
    expect(inertOutput(own)).toMatch(/^\\u003a:error/);
  });

  it('keeps colour codes, line breaks and tabs, and escapes every other control character', () => {
    expect(inertOutput('\x1b[31mError\x1b[39m\n\tx\ry\x07\x1b]0;t\x1b\\')).toBe(
      '\x1b[31mError\x1b[39m\n\tx\\ry\\u0007\\u001b]0;t\\u001b\\',
    );
  });

  it('is lossless on JSON: a hostile value parses back as it was', () => {
    const value = { message: HOSTILE, list: BREAKOUTS, url: 'https://host/x' };
    const guarded = inertOutput(JSON.stringify(value, null, 2));
    expect(unsafeIn(guarded)).toEqual([]);
    expect(JSON.parse(guarded)).toEqual(value);
  });
});

describe('markdown: text, code, fences and HTML that stay where they are put', () => {
  const render = (md: string) => marked.parse(md, { gfm: true, async: false });

  it('text: no heading, list, quote, fence, HTML, link, image, mention or reference, on one line', () => {
    const md = `> - ${markdownText(HOSTILE)}\n\nthe end`;
    expect(md.split('\n')).toHaveLength(3);
    expect(liveMarkdown(render(md))).toEqual([]);
    expect(render(md)).toContain('<p>the end</p>');
  });

  it('text: math is not math', () => {
    expect(markdownText('$\\color{red}{x}$')).toBe('\\$\\\\color\\{red\\}\\{x\\}\\$');
  });

  it('text: each breakout alone, at the start of a line', () => {
    for (const text of BREAKOUTS) {
      const html = render(`${markdownText(text)}\n\nthe end`);
      expect(liveMarkdown(html), JSON.stringify(text)).toEqual([]);
      expect(html, JSON.stringify(text)).toContain('<p>the end</p>');
    }
  });

  it('code spans: a fence longer than any backtick run inside, the text kept', () => {
    expect(markdownCode('a`b')).toBe('``a`b``');
    expect(markdownCode('`x`')).toBe('`` `x` ``');
    expect(render(markdownCode('estate.statuses["a``b"]'))).toContain('<code>estate.statuses[&quot;a``b&quot;]</code>');
    expect(liveMarkdown(render(`${markdownCode(HOSTILE)}\n\nthe end`))).toEqual([]);
  });

  it('fences: nothing inside closes them, not ``` nor ~~~ nor a line break', () => {
    const lines = markdownFence(['+ label = "a', '```', '~~~', `x ${HOSTILE}`, '````` five'], 'diff');
    expect(lines[0]).toBe('``````diff');
    const html = render(`${lines.join('\n')}\n\nthe end`);
    expect(html.match(/<pre>/g)).toHaveLength(1);
    expect(html).toContain('<p>the end</p>');
  });

  it('fences the plan of a large fleet, a few hundred thousand lines, as it fences a short one', () => {
    const lines = markdownFence(Array.from({ length: 300_000 }, (_, i) => `+ label = "status ${i}"`));
    expect([lines[0], lines.at(-1), lines.length]).toEqual(['```', '```', 300_002]);
  });

  it('HTML text inside a <summary>: entities, no tag, mention or link', () => {
    const html = render(`<details><summary>${htmlText(HOSTILE)}</summary>\n\nbody\n\n</details>\n\nthe end`);
    expect(liveMarkdown(html, { details: 1 })).toEqual([]);
    expect(html).toContain('<p>the end</p>');
  });
});
