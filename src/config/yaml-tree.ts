// A YAML document as the config loader needs it: a small tree of maps, lists and scalars, each
// knowing the offset where it is written (made from the `yaml` package's Document, documents.ts),
// and the plain data built from it with a bound on what aliases expand to.

export type YamlNode = YamlScalar | YamlMap | YamlSeq | YamlAlias;

export interface YamlScalar {
  kind: 'scalar';
  offset: number;
  /** The resolved value (YAML 1.2 core schema for plain scalars; text for quoted and block ones). */
  value: unknown;
  /** Written without quotes: `${NAME}` alone then takes the variable's type. */
  plain: boolean;
  /** The text as written (quotes and escapes decoded), before any `${NAME}` was replaced. */
  text: string;
  /** The text with every `${NAME}` replaced (set only where one was). */
  substituted?: string;
}

export interface YamlPair {
  key: YamlNode;
  value: YamlNode | null;
  /** A merge key (`<<: *defaults`): its value's pairs join the map unless the map has them itself. */
  merge: boolean;
}

export interface YamlMap {
  kind: 'map';
  offset: number;
  pairs: YamlPair[];
  /** The first own pair of each key, built on first lookup (an account map has hundreds of keys). */
  index?: Map<string, YamlPair>;
}

export interface YamlSeq {
  kind: 'seq';
  offset: number;
  items: (YamlNode | null)[];
}

export interface YamlAlias {
  kind: 'alias';
  offset: number;
  target: YamlNode;
}

/** A problem found while building the tree or its data, at an offset of the text. */
export interface TreeProblem {
  offset: number;
  message: string;
}

/** A map key as the data names it: the `yaml` package's rule (`null` → "", else the value as text; an alias, its target's). */
export function keyText(key: YamlNode): string {
  const k = deref(key);
  if (k?.kind !== 'scalar') return '';
  return k.value === null ? '' : String(k.value);
}

/**
 * The node at a path of keys and indices, or the deepest existing ancestor (so a missing field
 * is reported where its parent is). `keyNode` asks for the key of the last map pair instead of its value.
 */
export function nodeAt(root: YamlNode | null, path: readonly (string | number)[], keyNode = false): YamlNode | null {
  let node: YamlNode | null = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (node?.kind === 'map') {
      const pair = pairAt(node, String(seg));
      if (!pair) return node;
      if (keyNode && i === path.length - 1) return pair.key;
      node = pair.value;
    } else if (node?.kind === 'seq' && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) return node;
      node = item;
    } else {
      return node;
    }
  }
  return node;
}

/**
 * The pair for `key` in a map: its own, or one a merge key (`<<: *anchor`, `<<: [*a, *b]`) brings
 * in, where it is written (so a problem in a merged value is reported at the anchor's line).
 * Own keys win, then the merged maps in order, as YAML merges them.
 */
function pairAt(map: YamlMap, key: string, depth = 0): YamlPair | undefined {
  if (!map.index) {
    map.index = new Map();
    for (const p of map.pairs)
      if (!p.merge && deref(p.key)?.kind === 'scalar' && !map.index.has(keyText(p.key))) map.index.set(keyText(p.key), p);
  }
  const own = map.index.get(key);
  if (own || depth > 20) return own;
  for (const merge of map.pairs) {
    if (!merge.merge) continue;
    const value = deref(merge.value);
    for (const source of value?.kind === 'seq' ? value.items : [value]) {
      const target = deref(source);
      const found = target?.kind === 'map' ? pairAt(target, key, depth + 1) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

function deref(node: YamlNode | null | undefined): YamlNode | null {
  let n = node ?? null;
  for (let hops = 0; n?.kind === 'alias' && hops < 100; hops++) n = n.target;
  return n;
}

/** Every scalar written as a value (not a key), each once: aliases are not followed. */
export function* valueScalars(root: YamlNode | null): Generator<YamlScalar> {
  const stack: (YamlNode | null)[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node) continue;
    if (node.kind === 'scalar') yield node;
    else if (node.kind === 'seq') for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]!);
    else if (node.kind === 'map') for (let i = node.pairs.length - 1; i >= 0; i--) stack.push(node.pairs[i]!.value);
  }
}

/** Every pair of the tree whose value is a scalar, in document order (aliases are not followed). */
export function scalarPairs(root: YamlNode | null): { key: YamlNode; value: YamlScalar }[] {
  const found: { key: YamlNode; value: YamlScalar }[] = [];
  const walk = (node: YamlNode | null): void => {
    if (node?.kind === 'seq') for (const item of node.items) walk(item);
    else if (node?.kind === 'map')
      for (const p of node.pairs) {
        if (p.value?.kind === 'scalar') found.push({ key: p.key, value: p.value });
        else walk(p.value);
      }
  };
  walk(root);
  return found;
}

/** Values a document may expand to through its aliases before it is refused (each alias counts its whole target). */
export const MAX_EXPANDED_VALUES = 1_000_000;

/**
 * The plain data of a tree, as the `yaml` package's toJS makes it: maps become objects (keys as
 * text, `__proto__` an own key), merge keys fill in what a map lacks, an alias shares its
 * target's data. A document whose aliases expand past MAX_EXPANDED_VALUES, or a merge key whose
 * value is not a map, is a problem instead.
 */
export function treeData(root: YamlNode | null, problems: TreeProblem[]): { data: unknown } | undefined {
  // Only the nodes an alias names are shared, so only they are remembered (a long file has a
  // hundred thousand nodes, and maps of them all would cost more memory than the data).
  const targets = aliasTargets(root);
  const expanded = targets.size > 0 ? expandedSize(root, new Map([...targets].map((t) => [t, -1]))) : 0;
  if (expanded > MAX_EXPANDED_VALUES) {
    problems.push({
      offset: root?.offset ?? 0,
      message: Number.isFinite(expanded)
        ? `the file expands, through its aliases (*name), to more than ${MAX_EXPANDED_VALUES.toLocaleString('en')} values; ` +
          'write the repeated parts out, or repeat them fewer times'
        : `the file's aliases (*name) lead more than ${MAX_ALIAS_DEPTH} levels deep, or into their own anchor`,
    });
    return undefined;
  }
  const built = new Map<YamlNode, unknown>();
  let failed = false;
  const data = (node: YamlNode | null): unknown => {
    if (!node) return null;
    if (node.kind === 'scalar') return node.value;
    if (node.kind === 'alias') return data(node.target);
    const shared = targets.has(node);
    const known = shared ? built.get(node) : undefined;
    if (known !== undefined) return known;
    if (node.kind === 'seq') {
      const list: unknown[] = [];
      if (shared) built.set(node, list);
      for (const item of node.items) list.push(data(item));
      return list;
    }
    const obj: Record<string, unknown> = {};
    if (shared) built.set(node, obj);
    for (const p of node.pairs) {
      if (!p.merge && deref(p.key)?.kind !== 'scalar') {
        problems.push({ offset: p.key.offset, message: 'a key must be a single value (a name or a number), not a list or a mapping' });
        failed = true;
        continue;
      }
      if (!p.merge) {
        setOwn(obj, keyText(p.key), data(p.value));
        continue;
      }
      const value = deref(p.value);
      for (const source of value?.kind === 'seq' ? value.items : [value]) {
        const target = deref(source);
        if (target?.kind !== 'map') {
          problems.push({ offset: (source ?? p.key).offset, message: 'a merge key (<<) takes a mapping, or a list of mappings' });
          failed = true;
          continue;
        }
        const merged = data(target) as Record<string, unknown>;
        for (const k of Object.keys(merged)) if (!Object.hasOwn(obj, k)) setOwn(obj, k, merged[k]);
      }
    }
    return obj;
  };
  const result = data(root);
  return failed ? undefined : { data: result };
}

/** Whether any alias (`*name`, a merge's included) uses a node written elsewhere in the document. */
export function hasAliases(root: YamlNode | null): boolean {
  return aliasTargets(root).size > 0;
}

/** The nodes some alias names (walked without following aliases). */
function aliasTargets(root: YamlNode | null): Set<YamlNode> {
  const found = new Set<YamlNode>();
  const stack: (YamlNode | null)[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node?.kind === 'alias') found.add(node.target);
    else if (node?.kind === 'seq') stack.push(...node.items);
    else if (node?.kind === 'map') for (const p of node.pairs) stack.push(p.key, p.value);
  }
  return found;
}

/** How deep values may nest in a document that has aliases (each level a map, a list or an alias). */
const MAX_ALIAS_DEPTH = 1000;

/**
 * How many values a node stands for once every alias is written out; `known` holds the alias
 * targets' counts (-1: not yet). Infinite past MAX_ALIAS_DEPTH: an alias inside its own anchor.
 */
function expandedSize(node: YamlNode | null, known: Map<YamlNode, number>, depth = 0): number {
  if (!node || node.kind === 'scalar') return 1;
  if (depth > MAX_ALIAS_DEPTH) return Number.POSITIVE_INFINITY;
  const memo = known.get(node);
  if (memo !== undefined && memo >= 0) return memo;
  let n = 1;
  if (node.kind === 'alias') n = expandedSize(node.target, known, depth + 1);
  else if (node.kind === 'seq') for (const item of node.items) n += expandedSize(item, known, depth + 1);
  else for (const p of node.pairs) n += 1 + expandedSize(p.value, known, depth + 1);
  if (memo !== undefined) known.set(node, n);
  return n;
}

function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key in obj) Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}
