// The house's shape, checked: no import cycle between files, and between layers every import
// points down (model and errors at the bottom, the command line at the top). Read with the
// TypeScript compiler's own import scanner, type-only imports included.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

/** Bottom to top. A module may import from its own layer and the ones below it, never above. */
const LAYERS = ['.', 'http', 'simulator', 'vendors', 'config', 'state', 'engine', 'plan-file', 'render', 'sandbox', 'cli', 'demo'];

/** The line width of biome.json, which Biome keeps to everywhere but in string literals and comments. */
const MAX_LINE = 140;

/** A file past this many lines holds more than one concern; split it by what each part answers. */
const MAX_FILE_LINES = 400;

/** A function past this many lines (nested functions counted in their parent) does more than one thing. */
const MAX_FUNCTION_LINES = 60;

/** The functions of a source text longer than `max` lines, as `name:line: N lines`. */
function longFunctions(fileName: string, text: string, max: number): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line + 1;
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = lineOf(node.getStart(source));
      const lines = lineOf(node.getEnd()) - first + 1;
      const named = node.name ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name : undefined);
      const name = named ? named.getText(source) : '(anonymous)';
      if (lines > max) found.push(`${fileName}:${first}: ${name}, ${lines} lines`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every folder below `dir`, `dir` itself included. */
function folders(dir: string): string[] {
  return [
    dir,
    ...readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? folders(path) : [];
    }),
  ];
}

/** A folder's entries by name, each folder's with a trailing `/`. */
function listing(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
}

/** Entries of a listing that share a name up to the first dot with a folder (`diff.ts` beside `diff/`), as paths. */
function sameNames(dir: string, entries: readonly string[]): string[] {
  const byStem = new Map<string, string[]>();
  for (const entry of entries) {
    const stem = entry.replace(/\/$/, '').split('.')[0]!;
    byStem.set(stem, [...(byStem.get(stem) ?? []), entry]);
  }
  return [...byStem.values()]
    .filter((same) => same.length > 1 && same.some((e) => e.endsWith('/')))
    .map((same) => same.map((e) => relative(SRC, join(dir, e)) + (e.endsWith('/') ? '/' : '')).join(' beside '));
}

/** Every file's imports of other files in src/. */
function importGraph(): Map<string, string[]> {
  const files = sourceFiles(SRC);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const deps = importedFiles
      .map((i) => i.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => resolve(dirname(file), name.replace(/\.js$/, '.ts')))
      .filter((dep) => known.has(dep));
    graph.set(file, deps);
  }
  return graph;
}

/** The layer of a file: its first folder below src/ ('.' for files at the top). */
function layerOf(file: string): string {
  const rel = relative(SRC, file);
  return rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : '.';
}

/** Strongly connected components of more than one file (Tarjan), i.e. import cycles. */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(relative(SRC, w));
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('the shape of src/', () => {
  const graph = importGraph();

  it('has no import cycle between files', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('imports only downwards between layers', () => {
    const upward: string[] = [];
    for (const [file, deps] of graph) {
      const from = LAYERS.indexOf(layerOf(file));
      expect(from, `${relative(SRC, file)}: its folder is in no layer of the list`).toBeGreaterThanOrEqual(0);
      for (const dep of deps) {
        if (LAYERS.indexOf(layerOf(dep)) > from) upward.push(`${relative(SRC, file)} → ${relative(SRC, dep)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('ships on its own: nothing in src/ imports the schema generators (scripts/) or the bench (bench/), which dist/ leaves out', () => {
    const outside = sourceFiles(SRC).flatMap((file) =>
      ts
        .preProcessFile(readFileSync(file, 'utf8'), true, true)
        .importedFiles.map((i) => resolve(dirname(file), i.fileName))
        .filter((dep) => [join(SRC, '../scripts'), join(SRC, '../bench')].some((dir) => dep.startsWith(`${dir}/`)))
        .map((dep) => `${relative(SRC, file)} → ${relative(SRC, dep)}`),
    );
    expect(outside).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const a = join(SRC, 'a.ts');
    const b = join(SRC, 'b.ts');
    expect(
      cycles(
        new Map([
          [a, [b]],
          [b, [a]],
        ]),
      ),
    ).toEqual([['a.ts', 'b.ts']]);
  });

  it('has no file and folder sharing a name, so a path says which one it means', () => {
    const clashes = folders(SRC).flatMap((dir) => sameNames(dir, listing(dir)));
    expect(clashes).toEqual([]);
  });

  it('finds a file beside a folder of its name (the check itself works)', () => {
    const engine = join(SRC, 'engine');
    expect(sameNames(engine, ['diff/', 'diff.ts', 'plan.ts'])).toEqual(['engine/diff/ beside engine/diff.ts']);
  });

  it(`keeps every file under ${MAX_FILE_LINES} lines (generated files aside)`, () => {
    const big = sourceFiles(SRC)
      .filter((file) => !file.endsWith('.generated.ts'))
      .map((file) => ({ file: relative(SRC, file), lines: readFileSync(file, 'utf8').trimEnd().split('\n').length }))
      .filter(({ lines }) => lines > MAX_FILE_LINES)
      .map(({ file, lines }) => `${file}: ${lines} lines`);
    expect(big).toEqual([]);
  });

  it(`keeps every function under ${MAX_FUNCTION_LINES} lines, arrow functions and methods included`, () => {
    const long = sourceFiles(SRC)
      .filter((file) => !file.endsWith('.generated.ts'))
      .flatMap((file) => longFunctions(relative(SRC, file), readFileSync(file, 'utf8'), MAX_FUNCTION_LINES));
    expect(long).toEqual([]);
  });

  it('finds a long function, nested or not (the check itself works)', () => {
    const body = (n: number) => Array.from({ length: n }, (_, i) => `  const x${i} = ${i};`).join('\n');
    const text = `export function short() {\n${body(3)}\n}\nexport const outer = () => {\n  const inner = function () {\n${body(3)}\n  };\n${body(4)}\n};\n`;
    expect(longFunctions('a.ts', text, 5)).toEqual(['a.ts:6: outer, 11 lines']);
    expect(longFunctions('a.ts', text, 4)).toEqual(['a.ts:1: short, 5 lines', 'a.ts:6: outer, 11 lines', 'a.ts:7: inner, 5 lines']);
  });

  it('decides exit codes in cli/main.ts only: commands return an outcome or throw a typed error', () => {
    const commands = sourceFiles(join(SRC, 'cli/commands'));
    const numeric: string[] = [];
    for (const file of commands) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/return -?\d+;|process\.exit|exitCode|Promise<number>/g))
        numeric.push(`${relative(SRC, file)}: ${m[0]}`);
    }
    expect(numeric).toEqual([]);
  });

  it('has no line over 140 characters, the width Biome formats to (it does not break strings or comments)', () => {
    const long: string[] = [];
    for (const file of sourceFiles(SRC)) {
      if (file.endsWith('.generated.ts')) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const width = [...line].length;
          if (width > MAX_LINE) long.push(`${relative(SRC, file)}:${i + 1}: ${width} characters`);
        });
    }
    expect(long).toEqual([]);
  });
});
