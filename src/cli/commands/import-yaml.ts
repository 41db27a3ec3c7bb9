// The YAML `import` writes: the new items as nodes with their review notes, spliced into the
// account's own file (every other byte kept), or the account as a file of its own — in the form of
// the file that declares it (an account file, or `version` + `accounts`) — with credentials as ${VARS}.

import { dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, YAMLSeq, isMap, isNode, isScalar, isSeq, parseDocument, visit, type Node } from 'yaml';
import { appendItems } from '../../config/append-items.js';
import { literal } from '../../config/edit.js';
import { RefusedError } from '../../errors.js';
import type { AccountConfig, LiveItem } from '../../model.js';
import { scrubKnown } from '../../http/redact.js';
import { inertText } from '../../inert.js';
import type { VendorAdapter } from '../../vendors/adapter.js';

/** The JSON schema this package ships, for the modeline of a file that had none. */
const SCHEMA_FILE = fileURLToPath(new URL('../../../schemas/statusform.schema.json', import.meta.url));

export interface ImportInput {
  account: AccountConfig;
  adapter: VendorAdapter;
  categories: readonly string[];
  /** The live items the config does not declare yet, sorted by key. */
  fresh: readonly LiveItem[];
  /** How many shared, read-only items were left out. */
  skippedShared: number;
  /** The text of the file that declares the account. */
  sourceText: string;
  sourcePath: string;
  /** Where the YAML goes (a file), or undefined when printed. */
  outPath?: string;
}

/** Where the account's collection is in the file that declares it: under `accounts`, or at the top of an account file. */
export function collectionPath(sourceText: string, input: Pick<ImportInput, 'account' | 'adapter'>): string[] {
  const doc = parseDocument(sourceText);
  const inAccounts = isMap(doc.get('accounts', true)) && doc.hasIn(['accounts', input.account.name]);
  return inAccounts ? ['accounts', input.account.name, input.adapter.collection] : [input.adapter.collection];
}

/**
 * The account's own file with the new items added to its collection; nothing else in it changes,
 * so nothing in it is scrubbed either: only the new items' text, which comes from the vendor, is.
 */
export function importedInPlace(input: ImportInput): string {
  const items = newItemNodes(new Document(), input).map(scrubbed);
  try {
    return appendItems(input.sourceText, collectionPath(input.sourceText, input), items);
  } catch (err) {
    if (!(err instanceof RefusedError)) throw err;
    throw new RefusedError(
      `cannot add the imported items to ${input.account.position.file} in place: ${err.message}. ` +
        'Nothing was written; add the items by hand, or run import without --out to print them',
    );
  }
}

/** The account as written in its file (credentials still ${…}), its declared items followed by the new ones. */
export function importedAccountFile(input: ImportInput): string {
  const path = collectionPath(input.sourceText, input);
  const sourceDoc = parseDocument(input.sourceText, { merge: true });
  const accountPath = path.slice(0, -1);
  const js = sourceDoc.toJS({ maxAliasCount: 100 }) as Record<string, unknown> & { accounts?: Record<string, Record<string, unknown>> };
  const source = accountPath.length === 0 ? js : js.accounts![input.account.name]!;
  const { fields, inlined } = withSecretsAsVariables({ ...source, [input.adapter.collection]: [] }, input);
  const inAccountFile = accountPath.length === 0;
  const doc = new Document(inAccountFile ? fields : { version: 1, accounts: { [input.account.name]: fields } });
  const seq = new YAMLSeq();
  const declared = sourceDoc.getIn(path, true);
  if (isSeq(declared)) {
    seq.items.push(...declared.items);
    seq.commentBefore = declared.commentBefore;
  }
  seq.items.push(...newItemNodes(doc, input));
  doc.setIn(inAccountFile ? [input.adapter.collection] : path, seq);
  // An account file holds no `version`: the config's schema is not for it, so it gets no modeline.
  const notes = inlined.map((n) => ` Review: ${n}.`);
  const header = inAccountFile ? notes : [` ${modelineFor(input)}`, ...notes];
  if (header.length > 0) doc.commentBefore = header.join('\n');
  // No block scalars: a label with a line break is one double-quoted line, so no line of it starts with what a vendor wrote.
  return scrubKnown(doc.toString({ lineWidth: 0, blockQuote: false }));
}

/**
 * The source file's schema modeline (its path is relative to the config's folder), or one pointing
 * at the installed schema from the folder of the file the YAML goes in.
 */
function modelineFor(input: ImportInput): string {
  const kept = /^#\s*(yaml-language-server: \$schema=\S+)/.exec(input.sourceText)?.[1];
  if (kept) return kept;
  const outDir = dirname(input.outPath ?? input.sourcePath);
  return `yaml-language-server: $schema=${relative(outDir, SCHEMA_FILE).split(sep).join('/')}`;
}

/** A credential written into the config as it is never goes to the output: it becomes a ${VAR}. */
function withSecretsAsVariables(
  fields: Record<string, unknown>,
  input: Pick<ImportInput, 'account' | 'adapter'>,
): { fields: Record<string, unknown>; inlined: string[] } {
  const out = { ...fields };
  const inlined: string[] = [];
  for (const field of input.adapter.secretFields) {
    const raw = out[field];
    if (raw === undefined || (typeof raw === 'string' && /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(raw))) continue;
    const variable = `${input.account.name}_${field}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
    out[field] = `\${${variable}}`;
    inlined.push(
      `${field} was written into the config as it is; it is \${${variable}} here: set that variable, and keep secrets out of files`,
    );
  }
  return { fields: out, inlined };
}

/** Each new item as a node, the first with what was imported, each guess marked on a line of its own. */
function newItemNodes(doc: Document, input: ImportInput): Node[] {
  const about = aboutLines(input);
  return input.fresh.map((live, n) => {
    const i = input.adapter.importItem!(live, input.categories);
    const item = Object.fromEntries(Object.entries(i.item).map(([k, v]) => [k, literal(v)]));
    const node = quoteUnsafe(doc.createNode(item) as Node);
    // A note may quote a vendor: a line break in it would end the comment and write YAML.
    const lines = [...(n === 0 ? about : []), ...(i.note ? [` Review: ${inertText(i.note)}.`] : [])];
    if (lines.length > 0) node.commentBefore = lines.join('\n');
    return node;
  });
}

function aboutLines(input: ImportInput): string[] {
  const { account, adapter, fresh, skippedShared } = input;
  const declared = account.items.length;
  const lines = [
    ` Imported by statusform from ${account.name} (${adapter.vendor}) on ${new Date().toISOString().slice(0, 10)}: ` +
      `${fresh.length} item${fresh.length === 1 ? '' : 's'}, ` +
      `now owned by statusform${declared > 0 ? `; the ${declared} declared before are kept as they were` : ''}.`,
  ];
  if (skippedShared > 0)
    lines.push(
      ` ${skippedShared} shared default${skippedShared === 1 ? ' is' : 's are'} not imported: ` +
        "declaring one creates the business's own copy.",
    );
  return lines;
}

/** Every secret the run knows replaced in the node's texts and notes, before they are written. */
function scrubbed<T extends Node>(node: T): T {
  visit(node, (_, n) => {
    if (!isNode(n)) return;
    if (n.commentBefore) n.commentBefore = scrubKnown(n.commentBefore);
    if (n.comment) n.comment = scrubKnown(n.comment);
    if (isScalar(n) && typeof n.value === 'string') n.value = scrubKnown(n.value);
  });
  return node;
}

/**
 * Double-quotes every text a vendor gave that holds a character the output guard escapes (a
 * control or invisible one, `##[`): in double quotes its escape (`\u202e`) is YAML's own, so the
 * YAML printed or written still holds the label as the vendor has it.
 */
function quoteUnsafe<T extends Node>(node: T): T {
  visit(node, {
    Scalar(_, scalar) {
      if (typeof scalar.value === 'string' && inertText(scalar.value) !== scalar.value) scalar.type = 'QUOTE_DOUBLE';
    },
  });
  return node;
}
