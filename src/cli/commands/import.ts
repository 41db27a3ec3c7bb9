// `statusform import --account NAME`: the account's live statuses as YAML (with the schema
// modeline and comments), adopted into the state file, so a plan right after is empty.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, parse, parseDocument } from 'yaml';
import { UsageError } from '../../errors.js';
import { scrubKnown } from '../../http/redact.js';
import { closeDefaultAgent } from '../../http/client.js';
import { openSessions, selectAccounts } from '../../engine/manager.js';
import { bindingOf, refuseForeignState } from '../../engine/state-binding.js';
import { newStats } from '../../http/client.js';
import { acquireLock } from '../../state/lock.js';
import { StateRecorder } from '../../state/recorder.js';
import { readState } from '../../state/state-file.js';
import { adapterFor } from '../../vendors/registry.js';
import { loadOrThrow } from '../context.js';
import { write, type Io } from '../io.js';

/** The JSON schema this package ships, for the modeline of a file that had none. */
const SCHEMA_FILE = fileURLToPath(new URL('../../../schemas/statusform.schema.json', import.meta.url));

export async function importCommand(io: Io, opts: { config?: string; account?: string; out?: string }): Promise<number> {
  if (!opts.account) throw new UsageError('import needs --account NAME');
  const config = loadOrThrow(io, opts.config);
  const [account] = selectAccounts(config, [opts.account]);
  const adapter = adapterFor(account!.vendor)!;
  if (!adapter.importItem) throw new UsageError(`cannot import ${account!.name} (${adapter.vendor}): ${adapter.importRefusal ?? 'this vendor cannot be read as a list'}`);

  const release = acquireLock(config.statePath, 'statusform import');
  try {
    const state = readState(config.statePath);
    refuseForeignState([account!], state, config.statePath);
    const session = openSessions(config, [account!], {}, newStats()).get(account!.name)!;
    const live = await session.read([], state.accounts[account!.name]?.items ?? {});
    const items = live.items.filter((l) => l.active && !l.readOnly).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const skippedShared = live.items.filter((l) => l.readOnly).length;

    // The account as written in its file (credentials still ${…}), with the live items as its collection.
    const sourcePath = resolve(io.cwd, account!.position.file);
    const outPath = opts.out === undefined ? undefined : resolve(io.cwd, opts.out);
    const sourceText = readFileSync(sourcePath, 'utf8');
    const source = parse(sourceText) as { accounts: Record<string, Record<string, unknown>> };
    // Keep the source file's schema modeline (its path is relative to the config's folder), or point at the installed schema.
    const outDir = outPath === undefined ? io.cwd : dirname(outPath);
    const modeline = /^#\s*(yaml-language-server: \$schema=\S+)/.exec(sourceText)?.[1] ?? `yaml-language-server: $schema=${relative(outDir, SCHEMA_FILE).split(sep).join('/')}`;
    // A live value with "${" in it is text, not a variable: written as "$${" so that it reads back as it is.
    const literal = (v: unknown): unknown => (typeof v === 'string' ? v.replaceAll('${', () => '$${') : Array.isArray(v) ? v.map(literal) : v);
    const imported = items.map((l) => adapter.importItem!(l, config.categories)).map((i) => ({ ...i, item: Object.fromEntries(Object.entries(i.item).map(([k, v]) => [k, literal(v)])) }));
    const accountYaml: Record<string, unknown> = { ...source.accounts[account!.name], [adapter.collection]: imported.map((i) => i.item) };
    // A credential written into the config as it is never goes to the output: it becomes a ${VAR}.
    const inlined: string[] = [];
    for (const field of adapter.secretFields) {
      const raw = accountYaml[field];
      if (raw === undefined || (typeof raw === 'string' && /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(raw))) continue;
      const variable = `${account!.name}_${field}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
      accountYaml[field] = `\${${variable}}`;
      inlined.push(`${field} was written into the config as it is; it is \${${variable}} here: set that variable, and keep secrets out of files`);
    }
    const notes = [...new Set(imported.flatMap((i) => (i.note ? [i.note] : [])))];
    const about = [
      ` Imported by statusform from ${account!.name} (${adapter.vendor}) on ${new Date().toISOString().slice(0, 10)}: ${items.length} item${items.length === 1 ? '' : 's'}, now owned by statusform.`,
      ...notes.map((n) => ` Review: ${n}.`),
      ...(skippedShared > 0 ? [` ${skippedShared} shared default${skippedShared === 1 ? ' is' : 's are'} not imported: declaring one creates the business's own copy.`] : []),
    ];

    // Written into the account's own file, the items are declared at once; anywhere else, not yet.
    const inPlace = outPath === sourcePath;
    let text: string;
    if (inPlace) {
      // The account's own file: only its collection changes; other accounts, settings and comments stay as they are.
      const edited = parseDocument(sourceText);
      const collection = edited.createNode(imported.map((i) => i.item));
      collection.commentBefore = about.join('\n');
      edited.setIn(['accounts', account!.name, adapter.collection], collection);
      text = edited.toString({ lineWidth: 0 });
    } else {
      if (outPath !== undefined && config.files.includes(outPath)) {
        throw new UsageError(`${opts.out} is another file of the configuration, and the import would replace it; write it to a new file, or to ${account!.position.file} (the account's own file, where only its ${adapter.collection} change)`);
      }
      const doc = new Document({ version: 1, accounts: { [account!.name]: accountYaml } });
      doc.commentBefore = [` ${modeline}`, ...about, ...inlined.map((n) => ` Review: ${n}.`)].join('\n');
      text = scrubKnown(doc.toString({ lineWidth: 0 }));
    }

    if (outPath !== undefined) writeFileSync(outPath, text);
    // Owned from now on. Items the config does not declare yet (the YAML went to the terminal, or
    // to a file outside the config) are marked imported: until the config declares them, a plan
    // leaves them alone instead of pruning them, so an import never pasted in loses nothing.
    const recorder = new StateRecorder(state, config.statePath, () => bindingOf(account!));
    recorder.adoptImported(account!.name, items.filter((l) => !state.accounts[account!.name]?.items[l.key]), !inPlace);
    await recorder.flush();

    if (opts.out) {
      write(io.stderr, `Imported ${items.length} item${items.length === 1 ? '' : 's'} of ${account!.name} into ${opts.out} and the state file. Review it${inPlace ? '' : ', replace the account in your config with it'}, then run statusform plan.`);
    } else {
      write(io.stdout, text);
    }
    return 0;
  } finally {
    release();
    await closeDefaultAgent();
  }
}
