// Hostile text, and the checks that nothing of it is live in an output: no workflow command, no
// terminal escape or control character, and in rendered markdown no heading, link, image, HTML,
// mention or reference but statusform's own.

/** Each way a vendor's or a config file's text could break out of where it is printed. */
export const BREAKOUTS = [
  'x\n::warning title=pwned::a vendor ran a workflow command',
  'x\r::add-mask::statusform',
  'x\n  ::stop-commands::hijack',
  'x\u2028::error::through a line separator',
  'x\u0085::notice::through a next-line character',
  'legacy ##[warning]command and #\u200b#[error]hidden one',
  '\x1b[31mred\x1b[0m',
  '\x1b]8;;https://evil.example/\x07an OSC 8 link\x1b]8;;\x07',
  '\x1b]0;a window title\x1b\\',
  '\u009b2J a C1 CSI',
  '\u202eright to left',
  'x\n# A heading',
  'x\n```\nout of the fence',
  'x\n~~~\nout of a tilde fence',
  'x\n</details>\n\n> [!CAUTION]\n> fake alert',
  '@octocat and @github/security',
  'https://evil.example/x and www.evil.example and me@evil.example',
  '[a link](https://evil.example/) ![an image](https://evil.example/i.png) <https://evil.example/>',
  '<img src="https://evil.example/i.png"> <script>alert(1)</script> <a href="https://evil.example/">a</a>',
  'issue #1 and GH-2 and octo/repo#3',
  '&#64;octocat &#x23;4',
  '| a | table |',
  '*emphasis* _and_ ~~strike~~',
];

/** Every breakout in one text (a vendor error message, a label). */
export const HOSTILE = BREAKOUTS.join(' ');

/** A line statusform itself writes as a workflow command: an error annotation of the configuration. */
const OWN_ANNOTATION = /^::error (?:file=[^,]*,line=\d+,col=\d+,)?title=statusform::[^\r\n]*$/;

/** What in an output could act on a terminal or on the Actions runner: one entry per finding, empty when none. */
export function unsafeIn(text: string, opts: { ownAnnotations?: boolean } = {}): string[] {
  const found: string[] = [];
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
  const control = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/u.exec(text);
  if (control)
    found.push(`a control or invisible character U+${control[0].codePointAt(0)!.toString(16)} in …${around(text, control.index)}…`);
  const legacy = /#[\p{Default_Ignorable_Code_Point}\p{Mn}]*#[\p{Default_Ignorable_Code_Point}\p{Mn}]*\[/u.exec(text);
  if (legacy) found.push(`a ##[ command in …${around(text, legacy.index)}…`);
  for (const line of text.split('\n')) {
    if (!/^[\s\p{Default_Ignorable_Code_Point}\p{Mn}]*:[\p{Default_Ignorable_Code_Point}\p{Mn}]*:/u.test(line)) continue;
    if (opts.ownAnnotations && OWN_ANNOTATION.test(line)) continue;
    found.push(`a workflow command line: ${JSON.stringify(line.slice(0, 80))}`);
  }
  return found;
}

function around(text: string, at: number): string {
  return JSON.stringify(text.slice(Math.max(0, at - 30), at + 30));
}

/** Text of rendered HTML as GitHub's filters see it (mentions, references): tags gone, entities decoded; code left out. */
function liveText(html: string): string {
  return html
    .replace(/<pre[\s\S]*?<\/pre>/g, ' ')
    .replace(/<code>[\s\S]*?<\/code>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(Number.parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * What in markdown rendered by a GFM renderer is live and not statusform's own: one entry per
 * finding, empty when none. `details` and `tables` are how many of them statusform itself wrote;
 * headings are statusform's own when their text starts with "statusform".
 */
export function liveMarkdown(html: string, opts: { details?: number; tables?: number } = {}): string[] {
  const found: string[] = [];
  for (const h of html.match(/<h[1-6][^>]*>[\s\S]*?<\/h[1-6]>/g) ?? [])
    if (!/^<h[1-6][^>]*>statusform/.test(h)) found.push(`a heading: ${h.slice(0, 80)}`);
  const tables = html.match(/<table>/g)?.length ?? 0;
  if (tables !== (opts.tables ?? 0)) found.push(`${tables} <table> elements`);
  for (const tag of ['a', 'img', 'script', 'iframe', 'del', 'h1', 'h2', 'h4', 'h5', 'h6', 'hr'])
    if (new RegExp(`<${tag}[\\s>]`).test(html)) found.push(`an <${tag}> element`);
  const opened = html.match(/<details>/g)?.length ?? 0;
  const closed = html.match(/<\/details>/g)?.length ?? 0;
  if (opened !== (opts.details ?? 0) || closed !== opened) found.push(`${opened} <details> and ${closed} </details>`);
  const text = liveText(html);
  const live: [string, RegExp][] = [
    ['a mention', /(?:^|[^\w])@[A-Za-z0-9]/],
    ['a reference', /#\d|\bGH-\d/i],
    ['a URL', /[a-z]:\/\/|\bwww\./i],
    ['an e-mail address', /\w@\w/],
  ];
  for (const [what, pattern] of live) {
    const m = pattern.exec(text);
    if (m) found.push(`${what} in …${JSON.stringify(text.slice(Math.max(0, m.index - 20), m.index + 30))}…`);
  }
  return found;
}
