// Config files are read by the `yaml` package into the loader's tree (documents.ts). These tests
// hold the tree's data and positions to the package's own answer (toJS, node ranges), value for
// value and position for position, on tricky hand-written texts and on generated ones.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { nodeAt, parseConfigText, positionOf, type ConfigDocument } from '../../src/config/documents.js';
import type { ConfigProblem } from '../../src/errors.js';

const env = { TOKEN: 'secret', PORT: '8080', FLAG: 'true', CODE: '007' };

/** What the `yaml` package makes of a text: toJS after ${ENV}, and the offset of every value and key it holds itself. */
function reference(text: string): { data: unknown; offsets: [string, number][] } {
  const doc = parseDocument(text, { uniqueKeys: true, strict: true, version: '1.2', merge: true });
  const offsets: [string, number][] = [];
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const p of node.items) {
        if (!isScalar(p.key) || typeof p.key.value === 'symbol') continue;
        const k = p.key.value === null ? '' : String(p.key.value);
        if (seen.has(k)) continue; // a repeated key: the first one is the one found by name
        seen.add(k);
        const at = [...path, k];
        offsets.push([`key ${JSON.stringify(at)}`, (p.key as Node).range![0]]);
        if (p.value) offsets.push([`value ${JSON.stringify(at)}`, (p.value as Node).range![0]]);
        walk(p.value, at);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        if (item) offsets.push([`value ${JSON.stringify([...path, i])}`, (item as Node).range![0]]);
        walk(item, [...path, i]);
      });
    }
  };
  walk(doc.contents, []);
  return { data: doc.toJS({ maxAliasCount: -1 }), offsets };
}

/** The same, as the config reader sees it. */
function read(text: string): { d: ConfigDocument; problems: ConfigProblem[]; offsets: [string, number][] } {
  const problems: ConfigProblem[] = [];
  const d = parseConfigText('c.yaml', text, {}, problems);
  const offsets: [string, number][] = [];
  for (const [name] of reference(text).offsets) {
    const [kind, json] = [name.slice(0, name.indexOf(' ')), name.slice(name.indexOf(' ') + 1)];
    const node = nodeAt(d.root, JSON.parse(json) as (string | number)[], kind === 'key');
    offsets.push([name, node ? node.offset : -1]);
  }
  return { d, problems, offsets };
}

function agree(text: string): void {
  const ref = reference(text);
  const got = read(text);
  expect(got.d.data, text).toEqual(ref.data);
  expect(JSON.stringify(got.d.data), `key order: ${text}`).toBe(JSON.stringify(ref.data));
  expect(got.offsets, `positions: ${text}`).toEqual(ref.offsets);
}

const TRICKY = [
  'a: 1\nb: -2\nc: +3\nd: 0o17\ne: 0x1F\nf: 1.5\ng: .5\nh: 1e3\ni: -.inf\nj: .nan\nk: 0b1\nl: 1_000\nm: 012\n',
  'a: true\nb: True\nc: TRUE\nd: yes\ne: no\nf: on\ng: ~\nh: null\ni: Null\nj:\nk: ""\nl: \'\'\n',
  'a: "x" # comment\nb: \'it\'\'s\'\nc: "tab\\there \\u00e9"\nd: plain text here\ne: "multi\n  line"\n',
  'a: |\n  one\n  two\nb: >-\n  folded\n  text\n\nc: |+\n  keep\n\nd: x\n',
  'list:\n  - a\n  -\n  - { x: 1, y: [2, 3] }\n  - - nested\n    - seq\n  - ""\n',
  'a: &x { k: 1, j: 2 }\nb:\n  <<: *x\n  j: 3\nc:\n  <<: [*x, { z: 9 }]\nd: *x\n',
  'defaults: &d\n  vendor: thalamus\n  prune: true\naccounts:\n  one:\n    <<: *d\n    token: t\n  two:\n    token: u\n    <<: *d\n',
  '1: one\ntrue: t\nnull: n\n~: tilde\n"quoted key": q\n? explicit\n: value\n',
  '__proto__: { polluted: true }\nconstructor: c\ntoString: s\n',
  'a:   spaced   \nb: "  kept  "\nc: multi\n  line\n  plain\n',
  'key with spaces: 1\n"ünïcödé": ✓\nemoji: "😀"\n',
  'a: "${TOKEN}"\nb: ${PORT}\nc: x${FLAG}y\n',
  'a:\r\n  b: 1\r\n  c: "two"\r\n',
  '# only a comment\n',
  '',
  '---\na: 1\n...\n',
  'seq: [a, "b", c d, 1, ~]\nmap: { a: , b: 2 }\nempty_seq: []\nempty_map: {}\n',
  'a: &s scalar\nb: *s\nc: [*s, *s]\n',
  '- top\n- level\n- list\n',
  'a: 2026-01-01\nb: 12:30\nc: 1.0\nd: "1.0"\ne: -0\n',
  // a name given twice: the latest definition wins, also inside the first one's collection
  'base: &d\n  vendor: thalamus\n  labels: &d\n    - {id: v1}\nb:\n  <<: *d\n',
  'b: &x\n  - &x 1\nc: *x\n',
  'a: &x 1\nb: &x 2\nc: *x\n',
  // anchors on empty values and on a map's first key; an alias as a key; NaN keys are never equal
  'a: &e\nb: 1\nc: &f # note\nd: 2\n',
  'x:\n  &y a: 1\n  b: *y\n',
  'k: &k name\n*k : 1\n',
  '.nan: 1\n.NaN: 2\n',
  // quoted scalars over lines, |2, tabs
  'a: "one\\\n  \n  two"\nb: "one \\\n\n  two"\nc: \'x\n\n  y\'\n',
  'a: |2\n   \nb: |\n  x\n   \n  y\n',
  'a:\t1\nb: [1,\t2]\n',
  // empty list items, each at its own dash
  'l:\n  - {a: 1}\n  -\n  -\n  - x\n',
];

describe('the config tree holds what the yaml package reads', () => {
  it.each(TRICKY)('%j', (text) => agree(text));

  it('agrees on generated documents: every value, every key order, every position', () => {
    type Value = string | { pairs: [string, Value][] } | { items: Value[] };
    const scalar = fc.oneof(
      fc.constantFrom(
        'x',
        'two words',
        '1',
        '-3',
        '0o7',
        '0x1f',
        '1.50',
        '.5e3',
        'true',
        'False',
        'null',
        '~',
        '',
        'a:b',
        'a #b',
        '${TOKEN}',
      ),
      fc.string({ unit: fc.constantFrom('a', 'b', ' ', ':', '#', '-', '"', "'", '\\', 'é', '1', '.', '{', ','), maxLength: 8 }),
    );
    const key = fc.stringMatching(/^[a-z][a-z_0-9]{0,6}$/);
    const { map } = fc.letrec<{ value: Value; map: { pairs: [string, Value][] }; list: { items: Value[] } }>((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, scalar, tie('map'), tie('list')),
      map: fc.uniqueArray(fc.tuple(key, tie('value')), { maxLength: 4, selector: (p) => p[0] }).map((pairs) => ({ pairs })),
      list: fc.array(tie('value'), { maxLength: 4 }).map((items) => ({ items })),
    }));
    /** YAML for a value: block or flow collections, plain, single- or double-quoted scalars, comments — as `styles` picks. */
    const yamlOf = (root: { pairs: [string, Value][] }, styles: number[]): string => {
      let n = 0;
      const pick = () => styles[n++ % styles.length]!;
      const quoted = (s: string): string => {
        const style = pick() % 3;
        if (style === 0 && (s === '' || /^[a-z]([a-z0-9 ]*[a-z0-9])?$/.test(s))) return s; // '' plain: an empty value
        return style === 1 ? `'${s.replace(/'/g, "''")}'` : JSON.stringify(s);
      };
      const isEmpty = (v: Exclude<Value, string>) => ('pairs' in v ? v.pairs.length : v.items.length) === 0;
      const flow = (v: Value): string => {
        if (typeof v === 'string') return quoted(v);
        if ('pairs' in v) return `{ ${v.pairs.map(([k, x]) => `${k}: ${flow(x)}`).join(', ')} }`;
        return `[${v.items.map(flow).join(', ')}]`;
      };
      const block = (v: Exclude<Value, string>, indent: number): string => {
        const pad = ' '.repeat(indent);
        const rest = (x: Value): string =>
          typeof x === 'string' || isEmpty(x) || pick() % 4 === 0
            ? ` ${flow(x)}${pick() % 5 === 0 ? ' # note' : ''}\n`
            : `\n${block(x, indent + 2)}`;
        if ('pairs' in v) return v.pairs.map(([k, x]) => `${pad}${k}:${rest(x)}`).join('');
        return v.items.map((x) => `${pad}-${rest(x)}`).join('');
      };
      return block(root, 0);
    };
    let compared = 0;
    fc.assert(
      fc.property(
        map.filter((m) => m.pairs.length > 0),
        fc.array(fc.nat(11), { minLength: 1, maxLength: 16 }),
        (root, styles) => {
          const text = yamlOf(root, styles);
          if (parseDocument(text, { uniqueKeys: true, strict: true }).errors.length > 0) return; // not YAML: the cases above cover errors
          agree(text);
          compared++;
        },
      ),
      { numRuns: 300 },
    );
    expect(compared).toBeGreaterThan(250);
  });
});

describe('problems of the YAML itself', () => {
  const problems = (text: string) => {
    const found: ConfigProblem[] = [];
    parseConfigText('c.yaml', text, env, found);
    return found.map((p) => `${p.position.line}:${p.position.col}: ${p.message}`);
  };

  it.each([
    ['a syntax error', 'a: [1, 2\nb: 3\n'],
    ['a bad indentation', 'a:\n  b: 1\n c: 2\n'],
    ['a repeated key', 'a: 1\nb: 2\na: 3\n'],
    ['several documents', 'a: 1\n---\nb: 2\n'],
    ['an alias before its anchor', 'a: *x\nb: &x 1\n'],
    ['a merge of a scalar', 'a: &x 1\nb:\n  <<: *x\n'],
    ['an alias inside its own anchor', 'a: &x 1\nb: &x [*x]\n'],
    ["a block mapping on its key's line", 'defaults: &d vendor: x\n'],
    ['an anchor not followed by a space', '- &a{TOKEN: 1}\n'],
    ['a key over 1,024 characters', `${'k'.repeat(1100)}: 1\n`],
    ['a tab where YAML allows none', 'a: |\n  x\n\n\t\nb: 1\n'],
    ['lists as keys', '? [a]\n: 1\n? [b]\n: 2\n'],
    ['a key with spaces before its colon, near 1,024 characters', `${'k'.repeat(1022)}   : 1\n`],
    ['an anchored key near 1,024 characters', `&aa ${'k'.repeat(1021)}: 1\n`],
    ['a quoted key near 1,024 characters', `"${'k'.repeat(1023)}": 1\n`],
    ['an indented document marker', '  ---\n  a: 1\n'],
    ['a document end before the content', '# c\n...\na: 1\n'],
    ['lone carriage returns', 'a: 1\rb: 2\r'],
    ['a repeated key after an empty value', '"a":\na:\n'],
  ])('%s: a problem, positioned', (_name, text) => {
    const found = problems(text);
    expect(found.length).toBeGreaterThan(0);
    for (const p of found) expect(p).toMatch(/^\d+:\d+: /);
  });

  it('a repeated key is reported at the repeated key', () => {
    for (const text of ['a: 1\nb:\na: 2\n', 'a: 1\nb:\na: 2\n# a comment\n']) {
      const found: ConfigProblem[] = [];
      parseConfigText('c.yaml', text, env, found);
      expect(found.map((p) => `${p.position.line}:${p.position.col}: ${p.message}`)).toEqual([
        '3:1: duplicate key: Map keys must be unique',
      ]);
    }
  });

  it('a tag is honoured: !!str keeps a number as text', () => {
    const found: ConfigProblem[] = [];
    const d = parseConfigText('c.yaml', 'a: !!str 5\nb: 6\n', env, found);
    expect(d.data).toEqual({ a: '5', b: 6 });
    expect(positionOf(d, nodeAt(d.root, ['b']))).toEqual({ file: 'c.yaml', line: 2, col: 4 });
  });

  it('${NAME} alone and unquoted takes the variable type; quoted or inside text it stays text', () => {
    const found: ConfigProblem[] = [];
    const d = parseConfigText('c.yaml', 'a: ${PORT}\nb: "${PORT}"\nc: ${FLAG}\nd: ${CODE}\ne: v${PORT}\nf: $${PORT}\n', env, found);
    expect(found).toEqual([]);
    expect(d.data).toEqual({ a: 8080, b: '8080', c: true, d: '007', e: 'v8080', f: '${PORT}' });
  });

  it('an alias bomb is refused before anything walks it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 7; i++) {
      const prev = String.fromCharCode(96 + i);
      levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const text = `${levels.join('\n')}\n`;
    const found = problems(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^1:1: the file expands, through its aliases \(\*name\), to more than 1,000,000 values/);
  });
});
