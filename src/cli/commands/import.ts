// `statusform import --account NAME`: the account's live statuses as YAML (review notes on what was
// guessed), printed, written into the account's own file, or written to a new file; adopted into
// the state, so a plan right after is empty.

import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { ACCOUNTS_DIR, SETTINGS_FILE, isLayout } from '../../config/files.js';
import type { ConfigWithState } from '../../state/config-with-state.js';
import { loadState, openSessions, selectAccounts, stateStoreOf } from '../../engine/manager.js';
import { bindingOf, refuseForeignState } from '../../engine/state-binding.js';
import { UsageError } from '../../errors.js';
import { closeDefaultAgent, newStats } from '../../http/client.js';
import type { AccountConfig, LiveItem } from '../../model.js';
import type { Snapshot } from '../../state/backend.js';
import { StateRecorder } from '../../state/recorder.js';
import type { StateStore } from '../../state/store.js';
import type { VendorAdapter } from '../../vendors/adapter.js';
import { adapterFor } from '../../vendors/registry.js';
import { DEFAULT_CONFIG, loadOrThrow } from '../context.js';
import { write, type Io } from '../io.js';
import { outputFile, realPath, writeOutput, type OutputFile } from '../output.js';
import type { Outcome } from '../outcome.js';
import { importedAccountFile, importedInPlace, type ImportInput } from './import-yaml.js';

export interface ImportCommandOptions {
  config?: string;
  account?: string;
  out?: string;
  /** Replace an existing --out file that is not the account's own config file. */
  force?: boolean;
}

/** Where the YAML goes: printed (no `out`), into the account's own file (`inPlace`), or to a file of its own. */
interface Destination {
  out?: OutputFile;
  inPlace: boolean;
}

export async function importCommand(io: Io, opts: ImportCommandOptions): Promise<Outcome> {
  if (!opts.account) throw new UsageError('import needs --account NAME');
  const config = loadOrThrow(io, opts.config);
  const [account] = selectAccounts(config, [opts.account]) as [AccountConfig];
  const adapter = importerOf(account);
  const sourcePath = resolve(io.cwd, account.position.file);
  // Where the YAML goes is settled before any request: never over the state, its lock or another config file.
  const to = destination(io, opts, config, account, sourcePath);

  const store = stateStoreOf(config, opts.config, io.env);
  const release = await store.lock([account.name], 'statusform import', 0).catch(async (err: unknown) => {
    await store.close();
    throw err;
  });
  try {
    const state = await loadState(config, [account.name], store);
    refuseForeignState([account], state, (name) => store.fileOf(name), store.layout);
    const live = await liveItems(config, account, adapter, state);
    const input: ImportInput = {
      account,
      adapter,
      categories: config.categories,
      ...live,
      sourceText: readFileSync(sourcePath, 'utf8'),
      sourcePath,
      ...(to.out ? { outPath: to.out.path } : {}),
    };
    if (input.fresh.length === 0) {
      write(io.stderr, nothingToImport(input, live.ownCount, to));
      return 'done';
    }
    const text = to.inPlace ? importedInPlace(input) : importedAccountFile(input);
    // The account's own file keeps its bytes (a credential written in it is the user's, not output): its new items were scrubbed.
    if (to.out) writeOutput(to.out, 'the import', text, { scrub: !to.inPlace });
    else write(io.stdout, text);
    await adopt(state, store, account, input.fresh, !to.inPlace);
    if (to.out) write(io.stderr, importedMessage(input, to.out, to.inPlace));
    return 'done';
  } finally {
    await release();
    await store.close();
    await closeDefaultAgent();
  }
}

function importerOf(account: AccountConfig): VendorAdapter {
  const adapter = adapterFor(account.vendor)!;
  if (!adapter.importItem)
    throw new UsageError(
      `cannot import ${account.name} (${adapter.vendor}): ${adapter.importRefusal ?? 'this vendor cannot be read as a list'}`,
    );
  return adapter;
}

/**
 * Where `--out` leads. The config's own directory (or a new file the config would read, which would
 * declare the account a second time) means the account's own file, which only gains the new items.
 */
function destination(io: Io, opts: ImportCommandOptions, config: ConfigWithState, account: AccountConfig, sourcePath: string): Destination {
  if (opts.out === undefined) return { inPlace: false };
  const given =
    isDirectory(resolve(io.cwd, opts.out)) && ownFolders(sourcePath).includes(realPath(resolve(io.cwd, opts.out)))
      ? relative(io.cwd, sourcePath)
      : opts.out;
  const real = realPath(resolve(io.cwd, given));
  const own = real === realPath(sourcePath);
  if (!own && config.files.some((f) => realPath(f) === real))
    throw new UsageError(
      `${given} is another file of the configuration, and the import would replace it; write it to a new file, ` +
        `or to ${account.position.file} (the account's own file, where only new items are added to its ` +
        `${adapterFor(account.vendor)!.collection})`,
    );
  if (!own && readByConfig(resolve(io.cwd, opts.config ?? DEFAULT_CONFIG), real))
    throw new UsageError(
      `${given} would be read as part of the configuration, and ${account.name} would be defined twice; ` +
        `write the import into the account's own file, ${account.position.file} (only its new items are added), ` +
        'or outside the configuration',
    );
  const out = outputFile(given, 'the import', io.cwd, config, { example: `${account.name}.yaml`, allowConfigFile: sourcePath });
  if (out.exists && !own && !opts.force)
    throw new UsageError(
      `${out.given} exists already, and it is not the file that declares ${account.name} ` +
        `(${account.position.file}); pass --force to replace it, or write to a new file`,
    );
  return { out, inPlace: own };
}

/** The folders that, given as --out, mean the account's own file: its folder, and the layout's above accounts/. */
function ownFolders(sourcePath: string): string[] {
  const folder = dirname(sourcePath);
  return [folder, ...(basename(folder) === ACCOUNTS_DIR ? [dirname(folder)] : [])].map(realPath);
}

/** Whether a file at `real` would be one of the configuration's files the next time it is loaded. */
function readByConfig(configPath: string, real: string): boolean {
  if (!/\.ya?ml$/.test(real)) return false;
  const dir = isDirectory(configPath) ? configPath : basename(configPath) === SETTINGS_FILE ? dirname(configPath) : undefined;
  if (dir === undefined) return false;
  const read = isLayout(dir) ? join(dir, ACCOUNTS_DIR) : isDirectory(configPath) ? dir : undefined;
  return read !== undefined && realPath(dirname(real)) === realPath(read);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The live items to import: active, the account's own, not declared yet (by the vendor's identity of a key, or a rename). */
async function liveItems(config: ConfigWithState, account: AccountConfig, adapter: VendorAdapter, state: Snapshot) {
  const session = openSessions(config, [account], {}, newStats()).get(account.name)!;
  const live = await session.read([], state.accounts[account.name]?.items ?? {});
  const own = live.items.filter((l) => l.active && !l.readOnly).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const identity = (key: string) => adapter.foldKey?.(key) ?? key;
  const declared = new Set(account.items.flatMap((i) => [i.key, ...i.renamedFrom]).map(identity));
  return {
    fresh: own.filter((l) => !declared.has(identity(l.key))),
    ownCount: own.length,
    skippedShared: live.items.filter((l) => l.readOnly).length,
  };
}

/**
 * Owned from now on. Items the config does not declare yet (the YAML went to the terminal, or to a
 * file outside the config) are marked imported: until the config declares them, a plan leaves them
 * alone instead of pruning them, so an import never pasted in loses nothing.
 */
async function adopt(state: Snapshot, store: StateStore, account: AccountConfig, fresh: readonly LiveItem[], imported: boolean) {
  const recorder = new StateRecorder(state, store, () => bindingOf(account));
  recorder.adoptImported(
    account.name,
    fresh.filter((l) => !state.accounts[account.name]?.items[l.key]),
    imported,
  );
  await recorder.flush();
}

/** Why nothing was written: everything is declared already, or the account has nothing of its own. */
function nothingToImport(input: ImportInput, ownCount: number, to: Destination): string {
  const { account, adapter, skippedShared } = input;
  if (ownCount > 0)
    return `Nothing new to import: every live item of ${account.name} is declared in ${to.out?.given ?? account.position.file} already.`;
  const shared =
    skippedShared > 0
      ? `the ${skippedShared} ${adapter.collection} it shows ${skippedShared === 1 ? 'is a shared default' : 'are shared defaults'}, ` +
        `not its own (declaring one in the config creates ${account.name}'s own copy)`
      : `it has no active ${adapter.collection}`;
  return `Nothing to import from ${account.name} (${adapter.vendor}): ${shared}.`;
}

function importedMessage(input: ImportInput, out: OutputFile, inPlace: boolean): string {
  const { account, fresh } = input;
  const kept = account.items.length > 0 ? ` (the ${account.items.length} declared already are kept as they are)` : '';
  return (
    `Imported ${fresh.length} item${fresh.length === 1 ? '' : 's'} of ${account.name} into ${out.given}${kept} and the ` +
    `state file. Review it${inPlace ? '' : ', replace the account in your config with it'}, then run statusform plan.`
  );
}
