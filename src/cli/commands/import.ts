// `statusform import --account NAME`: the account's live statuses as YAML (with the schema
// modeline and comments), adopted into the state file, so a plan right after is empty.

import { readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, YAMLSeq, isSeq, parseDocument, visit, type Node } from 'yaml';
import { literal } from '../../config/edit.js';
import { UsageError } from '../../errors.js';
import { scrubKnown } from '../../http/redact.js';
import { inertText } from '../../inert.js';
import { closeDefaultAgent } from '../../http/client.js';
import { loadState, openSessions, selectAccounts, stateStoreOf } from '../../engine/manager.js';
import { bindingOf, refuseForeignState } from '../../engine/state-binding.js';
import { newStats } from '../../http/client.js';
import { StateRecorder } from '../../state/recorder.js';
import { adapterFor } from '../../vendors/registry.js';
import { loadOrThrow } from '../context.js';
import { write, type Io } from '../io.js';
import { outputFile, realPath, writeOutput } from '../output.js';
import type { Outcome } from '../outcome.js';

/** The JSON schema this package ships, for the modeline of a file that had none. */
const SCHEMA_FILE = fileURLToPath(new URL('../../../schemas/statusform.schema.json', import.meta.url));

export interface ImportCommandOptions {
  config?: string;
  account?: string;
  out?: string;
  /** Replace an existing --out file that is not the account's own config file. */
  force?: boolean;
}

export async function importCommand(io: Io, opts: ImportCommandOptions): Promise<Outcome> {
  if (!opts.account) throw new UsageError('import needs --account NAME');
  const config = loadOrThrow(io, opts.config);
  const [account] = selectAccounts(config, [opts.account]);
  const adapter = adapterFor(account!.vendor)!;
  if (!adapter.importItem)
    throw new UsageError(
      `cannot import ${account!.name} (${adapter.vendor}): ${adapter.importRefusal ?? 'this vendor cannot be read as a list'}`,
    );

  // Where the YAML goes is settled before any request: never over the state, its lock or another config file.
  const sourcePath = resolve(io.cwd, account!.position.file);
  if (opts.out !== undefined) {
    const real = realPath(resolve(io.cwd, opts.out));
    if (real !== realPath(sourcePath) && config.files.some((f) => realPath(f) === real)) {
      throw new UsageError(
        `${opts.out} is another file of the configuration, and the import would replace it; write it to a new file, ` +
          `or to ${account!.position.file} (the account's own file, where only new items are added to its ${adapter.collection})`,
      );
    }
  }
  const out =
    opts.out === undefined
      ? undefined
      : outputFile(opts.out, 'the import', io.cwd, config, { example: `${account!.name}.yaml`, allowConfigFile: sourcePath });
  // Written into the account's own file, the items are declared at once; anywhere else, not yet.
  const inPlace = out !== undefined && out.real === realPath(sourcePath);
  if (out?.exists && !inPlace && !opts.force) {
    throw new UsageError(
      `${out.given} exists already, and it is not the file that declares ${account!.name} ` +
        `(${account!.position.file}); pass --force to replace it, or write to a new file`,
    );
  }

  const store = stateStoreOf(config);
  const release = await store.lock([account!.name], 'statusform import', 0).catch(async (err: unknown) => {
    await store.close();
    throw err;
  });
  try {
    const state = await loadState(config, [account!.name], store);
    refuseForeignState([account!], state, (name) => store.fileOf(name), store.layout);
    const session = openSessions(config, [account!], {}, newStats()).get(account!.name)!;
    const live = await session.read([], state.accounts[account!.name]?.items ?? {});
    const items = live.items.filter((l) => l.active && !l.readOnly).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const skippedShared = live.items.filter((l) => l.readOnly).length;
    // What the config declares already (by the vendor's identity of a key, and what it is renamed from) stays as it is reviewed.
    const identity = (key: string) => adapter.foldKey?.(key) ?? key;
    const declared = new Set(account!.items.flatMap((i) => [i.key, ...i.renamedFrom]).map(identity));
    const fresh = items.filter((l) => !declared.has(identity(l.key)));

    const sourceText = readFileSync(sourcePath, 'utf8');
    const sourceDoc = parseDocument(sourceText, { merge: true });
    const source = sourceDoc.toJS({ maxAliasCount: 100 }) as { accounts: Record<string, Record<string, unknown>> };
    // Keep the source file's schema modeline (its path is relative to the config's folder), or point at the installed
    // schema from the folder of the file the YAML goes in: --out's, or when printed, the account's own config file's.
    const outDir = dirname(out === undefined ? sourcePath : out.path);
    const modeline =
      /^#\s*(yaml-language-server: \$schema=\S+)/.exec(sourceText)?.[1] ??
      `yaml-language-server: $schema=${relative(outDir, SCHEMA_FILE).split(sep).join('/')}`;
    const imported = fresh
      .map((l) => adapter.importItem!(l, config.categories))
      .map((i) => ({ ...i, item: Object.fromEntries(Object.entries(i.item).map(([k, v]) => [k, literal(v)])) }));
    const about = [
      ` Imported by statusform from ${account!.name} (${adapter.vendor}) on ${new Date().toISOString().slice(0, 10)}: ` +
        `${fresh.length} item${fresh.length === 1 ? '' : 's'}, ` +
        `now owned by statusform${declared.size > 0 ? `; the ${account!.items.length} declared before are kept as they were` : ''}.`,
      ...(skippedShared > 0
        ? [
            ` ${skippedShared} shared default${skippedShared === 1 ? ' is' : 's are'} not imported: ` +
              `declaring one creates the business's own copy.`,
          ]
        : []),
    ];
    /** Adds each new item to `seq`, its guess marked on a line of its own. */
    const addNew = (doc: Document, seq: YAMLSeq): YAMLSeq => {
      if (seq.items.length === 0) seq.flow = false; // `statuses: []` becomes a block list
      imported.forEach((i, n) => {
        const node = quoteUnsafe(doc.createNode(i.item));
        // A note may quote a vendor: a line break in it would end the comment and write YAML.
        const lines = [...(n === 0 ? about : []), ...(i.note ? [` Review: ${inertText(i.note)}.`] : [])];
        if (lines.length > 0) node.commentBefore = lines.join('\n');
        seq.items.push(node);
      });
      return seq;
    };
    const declaredSeq = sourceDoc.getIn(['accounts', account!.name, adapter.collection], true);

    let text: string;
    if (inPlace) {
      // The account's own file: only new items are added to its collection; everything else stays as it is.
      // What is declared stays as written, comments and all: the new items are appended to the same list.
      if (fresh.length > 0 && isSeq(declaredSeq)) addNew(sourceDoc, declaredSeq);
      else if (fresh.length > 0) sourceDoc.setIn(['accounts', account!.name, adapter.collection], addNew(sourceDoc, new YAMLSeq()));
      text = sourceDoc.toString({ lineWidth: 0 });
    } else {
      // The account as written in its file (credentials still ${…}), with the live items added to its collection.
      const accountYaml: Record<string, unknown> = { ...source.accounts[account!.name], [adapter.collection]: [] };
      // A credential written into the config as it is never goes to the output: it becomes a ${VAR}.
      const inlined: string[] = [];
      for (const field of adapter.secretFields) {
        const raw = accountYaml[field];
        if (raw === undefined || (typeof raw === 'string' && /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(raw))) continue;
        const variable = `${account!.name}_${field}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
        accountYaml[field] = `\${${variable}}`;
        inlined.push(
          `${field} was written into the config as it is; it is \${${variable}} here: set that variable, and keep secrets out of files`,
        );
      }
      const doc = new Document({ version: 1, accounts: { [account!.name]: accountYaml } });
      const seq = new YAMLSeq();
      if (isSeq(declaredSeq)) {
        seq.items.push(...declaredSeq.items);
        seq.commentBefore = declaredSeq.commentBefore;
      }
      doc.setIn(['accounts', account!.name, adapter.collection], addNew(doc, seq));
      doc.commentBefore = [` ${modeline}`, ...inlined.map((n) => ` Review: ${n}.`)].join('\n');
      // No block scalars: a label with a line break is one double-quoted line, so no line of it starts with what a vendor wrote.
      text = scrubKnown(doc.toString({ lineWidth: 0, blockQuote: false }));
    }

    if (out !== undefined && !(inPlace && fresh.length === 0)) writeOutput(out, 'the import', text);
    // Owned from now on. Items the config does not declare yet (the YAML went to the terminal, or
    // to a file outside the config) are marked imported: until the config declares them, a plan
    // leaves them alone instead of pruning them, so an import never pasted in loses nothing.
    const recorder = new StateRecorder(state, store, () => bindingOf(account!));
    recorder.adoptImported(
      account!.name,
      fresh.filter((l) => !state.accounts[account!.name]?.items[l.key]),
      !inPlace,
    );
    await recorder.flush();

    const kept = account!.items.length > 0 ? ` (the ${account!.items.length} declared already are kept as they are)` : '';
    if (out === undefined) {
      write(io.stdout, text);
    } else if (fresh.length === 0) {
      write(io.stderr, `Nothing new to import: every live item of ${account!.name} is declared in ${out.given} already.`);
    } else {
      write(
        io.stderr,
        `Imported ${fresh.length} item${fresh.length === 1 ? '' : 's'} of ${account!.name} into ${out.given}${kept} and the ` +
          `state file. Review it${inPlace ? '' : ', replace the account in your config with it'}, then run statusform plan.`,
      );
    }
    return 'done';
  } finally {
    await release();
    await store.close();
    await closeDefaultAgent();
  }
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
