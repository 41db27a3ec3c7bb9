// `statusform state <subcommand>`: work on the state itself, by address, without credentials or
// requests. `list` and `show` read it; `rm` (stop managing an item, leaving it at the vendor) and
// `mv` (re-key an owned item) hold the affected accounts' locks and write one serial further;
// `migrate` moves the state between backends (a state directory and PostgreSQL), or splits a
// single state file into a state directory. Each subcommand is one entry of SUBCOMMANDS.

import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { realPath } from '../../config/documents.js';
import { locateState } from '../../state/location.js';
import { RefusedError, UsageError } from '../../errors.js';
import { acquireLock } from '../../state/lock.js';
import { STATE_FORMAT_VERSION, readState, writeState } from '../../state/state-file.js';
import { accountFileName, openStateStore, type Release, type Snapshot, type StateStore } from '../../state/store.js';
import { address, matchesAccount, matchesAddress, parseAddress } from '../../address.js';
import { nearestFew } from '../../suggest.js';
import { loadConfigWithState } from '../../state/config-with-state.js';
import { adapterFor } from '../../vendors/registry.js';
import type { StateItem } from '../../model.js';
import { DEFAULT_CONFIG, stateLocationOf } from '../context.js';
import { write, type Io } from '../io.js';
import type { Outcome } from '../outcome.js';

export interface StateCommandOptions {
  config?: string;
  /** `state show --format text|json`. */
  format?: string;
  /** `rm`, `mv` and `migrate`: wait this long for another run's lock before refusing. */
  lockTimeoutSeconds?: number;
  /** `migrate --from`: a state directory (or single state file) to move into the configured state. */
  from?: string;
  /** `migrate --to`: a new state directory to move the configured state into. */
  to?: string;
}

type Subcommand = (io: Io, opts: StateCommandOptions, args: readonly string[]) => Promise<Outcome>;

const SUBCOMMANDS: Record<string, { run: Subcommand; usage: string }> = {
  list: { run: list, usage: 'list [PATTERN]          every address in the state (or those PATTERN matches, with * for any characters)' },
  show: { run: show, usage: 'show ADDRESS [--format text|json]   what the state records of one item' },
  rm: { run: rm, usage: 'rm ADDRESS…             stop managing items (patterns too): removed from the state, left at the vendor' },
  mv: { run: mv, usage: 'mv FROM TO              record an owned item under another key of its account' },
  migrate: {
    run: migrate,
    usage:
      'migrate [--from PATH | --to PATH]   move the state between a state directory and the configured state (PostgreSQL); ' +
      'with neither, split the single state file into a state directory',
  },
};

export const STATE_USAGE = `statusform state <subcommand>:\n${Object.values(SUBCOMMANDS)
  .map((s) => `  ${s.usage}`)
  .join('\n')}`;

export async function stateCommand(io: Io, opts: StateCommandOptions, args: readonly string[]): Promise<Outcome> {
  const [name, ...rest] = args;
  if (name === undefined) throw new UsageError(`state needs a subcommand\n\n${STATE_USAGE}`);
  const sub = SUBCOMMANDS[name];
  if (!sub) throw new UsageError(`unknown subcommand "state ${name}"\n\n${STATE_USAGE}`);
  return sub.run(io, opts, rest);
}

const ACCOUNT_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Where the directory of a state file goes: its name without `.json` (`statusform.state.json` → `statusform.state/`). */
function directoryFor(file: string): string {
  return file.endsWith('.json') ? file.slice(0, -'.json'.length) : `${file}.d`;
}

async function migrate(io: Io, opts: StateCommandOptions, args: readonly string[]): Promise<Outcome> {
  if (args.length > 0) throw new UsageError(`state migrate takes no argument "${args[0]}"`);
  if (opts.from !== undefined && opts.to !== undefined)
    throw new UsageError('state migrate takes --from or --to, not both: one side is always the configured state');
  if (opts.from !== undefined || opts.to !== undefined) return move(io, opts);
  return split(io, opts);
}

/**
 * Splits the state file into a state directory: every account its own file, keeping the file's
 * lineage and serial (so a saved plan's versions still mean the same history) and its binding
 * (vendor, origin, tenant). Holds the file's lock throughout; builds the directory aside and
 * renames it into place, so it appears whole or not at all; then renames the file to
 * `<file>.migrated`, so no run reads it again by mistake.
 */
async function split(io: Io, opts: StateCommandOptions): Promise<Outcome> {
  const located = stateLocationOf(io, opts.config);
  const show = (p: string) => relative(io.cwd, p) || p;
  if (located.layout === 'postgres')
    throw new UsageError(
      `the state is in ${located.path}: move a state directory into it with statusform state migrate --from DIR, ` +
        'or it into a new state directory with --to DIR',
    );
  if (located.layout === 'directory') {
    throw new UsageError(
      `the state is a directory already (${show(located.path)}): there is no single state file to migrate ` +
        '(to move it into PostgreSQL, set "state" to the database and run statusform state migrate --from it)',
    );
  }
  const file = located.path;
  if (!existsSync(file)) {
    if (existsSync(`${file}.migrated`))
      throw new UsageError(
        `${show(file)} was migrated already (the old file is ${basename(file)}.migrated): ` +
          'set "state" in the configuration to the state directory',
      );
    throw new UsageError(
      `there is no state file ${show(file)} to migrate; without "state" set, a configuration with no state starts with a state directory`,
    );
  }
  const dir = directoryFor(file);
  if (existsSync(dir))
    throw new RefusedError(
      `${show(dir)} exists already; nothing was changed. Move it away (or remove it, ` +
        'if it is not a state you need), then run statusform state migrate again',
    );

  const release = acquireLock(file, 'statusform state migrate');
  try {
    const state = readState(file);
    const names = Object.keys(state.accounts).sort();
    const bad = names.filter((n) => !ACCOUNT_NAME.test(n));
    if (bad.length > 0)
      throw new UsageError(
        `the state file ${show(file)} holds accounts whose names cannot be account names ` +
          `(${bad.map((n) => JSON.stringify(n)).join(', ')}); rename or remove them in the file, then migrate`,
      );
    const aside = join(dirname(dir), `.${basename(dir)}.migrating-${process.pid}`);
    rmSync(aside, { recursive: true, force: true });
    mkdirSync(aside);
    if (state.lineage === '') state.lineage = randomUUID(); // one history for all, as in the file
    try {
      // Each account file is a state of one account, in the same format, with the file's lineage and serial.
      for (const name of names)
        writeState(join(aside, accountFileName(name)), {
          version: STATE_FORMAT_VERSION,
          lineage: state.lineage,
          serial: state.serial,
          accounts: { [name]: state.accounts[name]! },
        });
      syncDirectory(aside);
      renameSync(aside, dir);
    } catch (err) {
      rmSync(aside, { recursive: true, force: true });
      throw err;
    }
    renameSync(file, `${file}.migrated`);
    syncDirectory(dirname(dir));
  } finally {
    release();
  }
  const accounts = `${Object.keys(readState(`${file}.migrated`).accounts).length}`;
  write(
    io.stdout,
    `Split ${show(file)} into ${show(dir)}/: ${accounts} account file${accounts === '1' ? '' : 's'}, ` +
      `each with the old lineage and serial. The old file is now ${show(file)}.migrated: delete it once the directory is committed.`,
  );
  if (located.setting !== undefined)
    write(io.stdout, `"state" in the configuration names the old file: set it to "${directoryFor(located.setting)}/".`);
  return 'done';
}

/**
 * Moves every account of one state into another where it has none yet, each with its lineage and
 * serial (a saved plan's versions still hold, and the history goes on): `--from` a state directory
 * (or single state file) into the configured state, `--to` a new state directory from it. Holds
 * both sides' locks throughout, and writes all or nothing where the target can (PostgreSQL: one
 * transaction). The source is left as it was, for the user to remove once they have checked.
 */
async function move(io: Io, opts: StateCommandOptions): Promise<Outcome> {
  const show = (p: string) => relative(io.cwd, p) || p;
  const configured = openStateStore(stateLocationOf(io, opts.config), io.env);
  const other = openStateStore(otherState(io, opts), io.env);
  const [source, target] = opts.from !== undefined ? [other, configured] : [configured, other];
  const where = (store: StateStore) => (store.layout === 'postgres' ? store.path : show(store.path));
  if (source.layout !== 'postgres' && target.layout !== 'postgres' && realPath(source.path) === realPath(target.path))
    throw new UsageError(`${where(source)} is the configured state itself: nothing to move`);
  const timeoutMs = (opts.lockTimeoutSeconds ?? 0) * 1000;
  const releases: Release[] = [];
  let names: string[];
  try {
    names = await source.recorded();
    if (names.length === 0) throw new UsageError(`${where(source)} holds no account's state: nothing to move`);
    checkAccountNames(names, where(source));
    releases.push(await source.lock(names, 'statusform state migrate', timeoutMs));
    releases.push(await target.lock(names, 'statusform state migrate', timeoutMs));
    const snapshot = await source.read(names);
    // A history that was never written has no lineage yet: it gets one here, as its first write would give it.
    for (const v of Object.values(snapshot.versions)) if (v.lineage === '') v.lineage = randomUUID();
    await target.seed(snapshot, names);
  } finally {
    for (const r of releases.reverse()) await r();
    await Promise.all([source.close(), target.close()]);
  }
  const n = `${names.length} account${names.length === 1 ? '' : 's'}`;
  write(io.stdout, `Moved the state of ${n} from ${where(source)} to ${where(target)}, each with its lineage and serial.`);
  write(
    io.stdout,
    opts.from !== undefined
      ? `${where(source)} is left as it was: remove it once statusform state list shows what you expect.`
      : `${where(source)} is left as it was. Set "state" in the configuration to "${show(target.path)}/" to use the new one; ` +
          'then remove the old state (its rows, or its schema).',
  );
  return 'done';
}

/** The other side of a move: `--from` an existing state directory or single state file, `--to` a state directory. */
function otherState(io: Io, opts: StateCommandOptions): { layout: 'file' | 'directory'; path: string } {
  const given = (opts.from ?? opts.to)!;
  const located = locateState(io.cwd, given);
  if ('problem' in located) throw new UsageError(located.problem);
  if (opts.from !== undefined && !existsSync(located.path)) throw new UsageError(`--from ${given}: there is no state there`);
  if (opts.to !== undefined && located.layout !== 'directory')
    throw new UsageError(`--to takes a state directory (a path ending in /), not a single state file: ${given}`);
  return located;
}

/** Every name must be one an account can have: each becomes a file name or a row of its own. */
function checkAccountNames(names: readonly string[], where: string): void {
  const bad = names.filter((n) => !ACCOUNT_NAME.test(n));
  if (bad.length > 0)
    throw new UsageError(
      `${where} holds accounts whose names cannot be account names (${bad.map((n) => JSON.stringify(n)).join(', ')}); ` +
        'rename or remove them there, then migrate',
    );
}

/** Makes the directory's entries (new files, renames) durable. */
function syncDirectory(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Runs `work` with the configuration's state store (located without credentials), closed after. */
async function withStore<T>(io: Io, opts: StateCommandOptions, work: (store: StateStore) => Promise<T>): Promise<T> {
  const store = openStateStore(stateLocationOf(io, opts.config), io.env);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** One recorded item, by address. */
interface Entry {
  address: string;
  account: string;
  collection: string;
  key: string;
  vendor: string;
  item: StateItem;
}

/** Every item the snapshot records, accounts and keys in sorted order. The collection comes from the account's vendor. */
function entries(snapshot: Snapshot): Entry[] {
  return Object.keys(snapshot.accounts)
    .sort()
    .flatMap((account) => {
      const a = snapshot.accounts[account]!;
      const collection = adapterFor(a.vendor)?.collection ?? 'items';
      return Object.keys(a.items)
        .sort()
        .map((key) => ({ address: address(account, collection, key), account, collection, key, vendor: a.vendor, item: a.items[key]! }));
    });
}

/** The entries a pattern (or an exact address) names; none is a UsageError naming the nearest addresses. */
function resolve(pattern: string, all: readonly Entry[], what = 'address'): Entry[] {
  const hits = all.filter((e) => matchesAddress(pattern, e.address));
  if (hits.length > 0) return hits;
  const near = nearestFew(
    pattern,
    all.map((e) => e.address),
  );
  throw new UsageError(
    `${pattern} matches no ${what} in the state${near.length > 0 ? `; the nearest: ${near.join(', ')}` : ' (the state records no item)'}`,
  );
}

/** Reads every account the state records whose name a pattern's account part names. */
async function readFor(store: StateStore, patterns: readonly string[]): Promise<{ names: string[]; snapshot: Snapshot }> {
  const names = (await store.recorded()).filter((n) => patterns.some((p) => matchesAccount(p, n)));
  return { names, snapshot: await store.read(names) };
}

/** Holds the locks of the accounts the patterns name, reads them, runs `change`, and writes the accounts it changed one serial further. */
async function changeUnderLock(
  store: StateStore,
  opts: StateCommandOptions,
  command: string,
  patterns: readonly string[],
  change: (all: Entry[], snapshot: Snapshot) => Set<string>,
): Promise<void> {
  const names = (await store.recorded()).filter((n) => patterns.some((p) => matchesAccount(p, n)));
  const release = await store.lock(names, command, (opts.lockTimeoutSeconds ?? 0) * 1000);
  try {
    const snapshot = await store.read(names);
    const changed = change(entries(snapshot), snapshot);
    await store.write(snapshot, changed);
  } finally {
    await release();
  }
}

function vendorId(item: StateItem): string {
  return item.id === null ? 'no vendor id' : `vendor id ${String(item.id)}`;
}

async function list(io: Io, opts: StateCommandOptions, args: readonly string[]): Promise<Outcome> {
  if (args.length > 1) throw new UsageError(`state list takes at most one PATTERN (got ${args.length}); quote a pattern with * in it`);
  const pattern = args[0] ?? '*';
  const { snapshot } = await withStore(io, opts, (store) => readFor(store, [pattern]));
  const hits = entries(snapshot).filter((e) => matchesAddress(pattern, e.address));
  for (const e of hits) write(io.stdout, e.address);
  if (hits.length === 0)
    write(io.stderr, args[0] === undefined ? 'The state records no item.' : `No address in the state matches ${pattern}.`);
  return 'done';
}

async function show(io: Io, opts: StateCommandOptions, args: readonly string[]): Promise<Outcome> {
  if (args.length !== 1)
    throw new UsageError('state show takes one ADDRESS, e.g. statusform state show \'estate.statuses["contact:Hot Lead"]\'');
  const format = opts.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json (got "${format}")`);
  const given = args[0]!;
  if (given.includes('*'))
    throw new UsageError(`state show takes one exact address, not a pattern (see statusform state list ${JSON.stringify(given)})`);
  const { snapshot } = await withStore(io, opts, (store) => readFor(store, [given]));
  const [e] = resolve(given, entries(snapshot));
  const { item } = e!;
  if (format === 'json') {
    const out = {
      address: e!.address,
      account: e!.account,
      collection: e!.collection,
      key: e!.key,
      vendor: e!.vendor,
      vendor_id: item.id,
      active: item.active,
      fields: item.fields,
      depends_on: item.dependsOn ?? [],
      ...(item.category !== undefined ? { maps_to: item.category } : {}),
      ...(item.imported ? { imported: true } : {}),
    };
    write(io.stdout, JSON.stringify(out, null, 2));
    return 'done';
  }
  const lines = [
    `# ${e!.address}`,
    `vendor     = ${JSON.stringify(e!.vendor)}`,
    `vendor_id  = ${JSON.stringify(item.id)}`,
    `active     = ${item.active}`,
    `depends_on = ${JSON.stringify(item.dependsOn ?? [])}`,
  ];
  if (item.category !== undefined)
    lines.push(`maps_to    = ${JSON.stringify(item.category)} (kept by statusform: the vendor has no such field)`);
  if (item.imported) lines.push('imported   = true (adopted by statusform import; not declared in the configuration since)');
  const width = Math.max(0, ...Object.keys(item.fields).map((k) => k.length));
  lines.push('fields:', ...Object.entries(item.fields).map(([k, v]) => `  ${k.padEnd(width)} = ${JSON.stringify(v)}`));
  write(io.stdout, lines.join('\n'));
  return 'done';
}

/** The addresses the configuration declares, when it loads (it needs its credentials' variables); undefined when it does not. */
function declaredAddresses(io: Io, opts: StateCommandOptions): Set<string> | undefined {
  const loaded = loadConfigWithState(opts.config ?? DEFAULT_CONFIG, { cwd: io.cwd, env: io.env });
  if (!loaded.config) return undefined;
  return new Set(
    loaded.config.accounts.flatMap((a) => a.items.map((i) => address(a.name, adapterFor(a.vendor)?.collection ?? 'items', i.key))),
  );
}

async function rm(io: Io, opts: StateCommandOptions, args: readonly string[]): Promise<Outcome> {
  if (args.length === 0)
    throw new UsageError(
      'state rm takes one or more addresses (or patterns with *), e.g. statusform state rm \'estate.statuses["contact:Hot Lead"]\'',
    );
  const removed: Entry[] = [];
  await withStore(io, opts, (store) =>
    changeUnderLock(store, opts, 'statusform state rm', args, (all, snapshot) => {
      // Every argument must name something before anything is removed.
      const hits = new Map(args.flatMap((a) => resolve(a, all)).map((e) => [e.address, e]));
      for (const e of hits.values()) {
        delete snapshot.accounts[e.account]!.items[e.key];
        removed.push(e);
      }
      return new Set(removed.map((e) => e.account));
    }),
  );
  const declared = declaredAddresses(io, opts);
  for (const e of removed)
    write(io.stdout, `Removed ${e.address} (${vendorId(e.item)}) from the state; it is left as it is at the vendor.`);
  const still = removed.filter((e) => declared?.has(e.address));
  if (declared === undefined) {
    write(
      io.stdout,
      'The configuration could not be loaded to check it (are its variables set?): ' +
        'an item it still declares is taken over again by the next apply; remove it from the configuration as ' +
        'well to stop managing it.',
    );
  } else {
    if (still.length > 0)
      write(
        io.stdout,
        `Still declared in the configuration, so the next plan takes ${still.length === 1 ? 'it' : 'them'} over again (adopted, ` +
          `or updated to the configuration): ${still.map((e) => e.address).join(', ')}. ` +
          `Remove ${still.length === 1 ? 'it' : 'them'} from the configuration as well to stop managing ` +
          `${still.length === 1 ? 'it' : 'them'}.`,
      );
    if (still.length < removed.length)
      write(
        io.stdout,
        `No longer managed: the next plan lists ${removed.length - still.length === 1 ? 'it' : 'them'} as unmanaged ` +
          `(where the vendor can be read) and never changes ${removed.length - still.length === 1 ? 'it' : 'them'}.`,
      );
  }
  return 'done';
}

async function mv(io: Io, opts: StateCommandOptions, args: readonly string[]): Promise<Outcome> {
  if (args.length !== 2)
    throw new UsageError(
      'state mv takes FROM and TO, two addresses of one account, e.g. ' +
        'statusform state mv \'estate.statuses["contact:Old"]\' \'estate.statuses["contact:New"]\'',
    );
  const [fromText, toText] = args as [string, string];
  const from = parseAddress(fromText);
  const to = parseAddress(toText);
  for (const [given, parsed] of [
    [fromText, from],
    [toText, to],
  ] as const) {
    if (!parsed) throw new UsageError(`state mv takes exact addresses: ${given} is not one (write account.collection["key"], no *)`);
  }
  if (from!.account !== to!.account)
    throw new UsageError(
      `state mv moves an item within its account: ${fromText} is in ${from!.account}, ` +
        `${toText} in ${to!.account} (an item's vendor id means nothing at another account)`,
    );
  if (from!.collection !== to!.collection)
    throw new UsageError(`state mv keeps the collection: ${fromText} is in ${from!.collection}, ${toText} in ${to!.collection}`);
  if (from!.key === to!.key) throw new UsageError(`state mv: ${fromText} and ${toText} are the same address`);
  let moved: Entry | undefined;
  await withStore(io, opts, (store) =>
    changeUnderLock(store, opts, 'statusform state mv', [fromText], (all, snapshot) => {
      const [e] = resolve(fromText, all);
      if (all.some((x) => x.address === toText))
        throw new UsageError(
          `${toText} is in the state already (${vendorId(all.find((x) => x.address === toText)!.item)}); ` +
            `nothing was changed. Remove it first (statusform state rm) if it is not statusform's any more`,
        );
      const items = snapshot.accounts[e!.account]!.items;
      items[to!.key] = items[from!.key]!;
      delete items[from!.key];
      // What other items of the account recorded as depending on it follows it.
      for (const it of Object.values(items))
        if (it.dependsOn?.includes(from!.key)) it.dependsOn = it.dependsOn.map((d) => (d === from!.key ? to!.key : d));
      moved = e;
      return new Set([e!.account]);
    }),
  );
  write(
    io.stdout,
    `Moved ${fromText} to ${toText} (${vendorId(moved!.item)}). The next plan finds the item by that id: ` +
      'if the vendor still has it under the old key, it is renamed in place to the new one (one update).',
  );
  return 'done';
}
