// `statusform adopt [--account NAME]… [ADDRESS…]`: the other way to resolve drift besides apply —
// the live values of drifted items written into the config files in place, the config diff printed,
// and the state told, as if those values had been applied: the same vendor ids, under the keys the
// configuration now declares. Reads live state as `plan` does; writes nothing to a vendor.

import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FILE_HEADERS_ONLY, createTwoFilesPatch } from 'diff';
import { displayPath } from '../../config/documents.js';
import { editItems, type NodeEdit } from '../../config/edit.js';
import type { Config } from '../../config/load.js';
import { loadConfigWithState, type ConfigWithState } from '../../state/config-with-state.js';
import { address } from '../../address.js';
import { adoptEdit, adoptedItem, isRefusal, recordConflict, type AdoptRefusal, type ItemEdit } from '../../engine/adopt.js';
import { loadState, makePlan, stateStoreOf, type Planned, type RunOptions } from '../../engine/manager.js';
import type { Plan, PlanAction } from '../../engine/plan.js';
import { bindingOf } from '../../engine/state-binding.js';
import { UsageError, fileProblem, formatPosition } from '../../errors.js';
import { closeDefaultAgent } from '../../http/client.js';
import { inertText } from '../../inert.js';
import type { AccountConfig, DesiredItem } from '../../model.js';
import { StateRecorder } from '../../state/recorder.js';
import type { Snapshot, StateStore } from '../../state/store.js';
import { adapterFor } from '../../vendors/registry.js';
import { DEFAULT_CONFIG, loadOrThrow } from '../context.js';
import { colors, progress, write, type Io } from '../io.js';
import type { Outcome } from '../outcome.js';

export interface AdoptCommandOptions {
  config?: string;
  accounts?: string[];
  /** Only these drifted items (`account.collection["key"]`); each must be drifted. */
  addresses?: string[];
  /** Print the diff, write no file. */
  dryRun?: boolean;
  verbose?: boolean;
  /** Wait this long for another run's lock on the state before refusing. */
  lockTimeoutSeconds?: number;
  run?: RunOptions;
}

const ADDRESS = /^([^.[\]]+)\.([^.[\]]+)\[(".*")\]$/;

/** The account an address names, or a usage error saying what an address looks like. */
function accountOf(address: string): string {
  const m = ADDRESS.exec(address);
  if (m) {
    try {
      if (typeof JSON.parse(m[3]!) === 'string') return m[1]!;
    } catch {
      // not a quoted key: said below
    }
  }
  throw new UsageError(
    `"${address}" is not an address: an address is account.collection["key"], ` +
      'as plan prints it (e.g. estate.statuses["property:Sold STC"])',
  );
}

/** A declared item and its account, by address. */
type Declared = Map<string, { account: AccountConfig; item: DesiredItem }>;

/** One drifted action, and the edit that adopts it into the configuration. */
interface DriftEdit {
  action: PlanAction;
  edit: ItemEdit;
}

/** A config file's text before and after the adoptions. */
interface FileChange {
  path: string;
  before: string;
  after: string;
}

export async function adoptCommand(io: Io, opts: AdoptCommandOptions): Promise<Outcome> {
  const config = loadOrThrow(io, opts.config);
  const addresses = [...new Set(opts.addresses ?? [])];
  checkAddresses(config, addresses, opts.accounts ?? []);
  // Read only what is needed: the accounts asked for, else those the addresses name, else all.
  const accounts = (opts.accounts ?? []).length > 0 ? opts.accounts! : [...new Set(addresses.map(accountOf))];
  const store = stateStoreOf(config, opts.config, io.env);
  // The state is written too: held from before it is read until it is written, as apply holds it.
  const names = accounts.length > 0 ? accounts : config.accounts.map((a) => a.name);
  try {
    const release = opts.dryRun ? async () => {} : await store.lock(names, 'statusform adopt', (opts.lockTimeoutSeconds ?? 0) * 1000);
    try {
      const state = await loadState(config, accounts.length > 0 ? accounts : undefined, store);
      const planned = await readPlan(io, config, state, accounts, opts);
      return await adoptDrift(io, { config, state, store, planned, addresses, opts });
    } finally {
      await release();
    }
  } finally {
    await store.close();
  }
}

/** Every address must name an account of the configuration that --account leaves in. */
function checkAddresses(config: Config, addresses: readonly string[], only: readonly string[]): void {
  const known = new Set(config.accounts.map((a) => a.name));
  const problems: string[] = [];
  for (const a of addresses) {
    const account = accountOf(a);
    if (!known.has(account)) problems.push(`unknown address ${a}: the configuration has no account "${account}"`);
    else if (only.length > 0 && !only.includes(account)) problems.push(`${a} is in account ${account}, which --account leaves out`);
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
}

/** The plan of the accounts, made as `plan` makes it. */
async function readPlan(io: Io, config: ConfigWithState, state: Snapshot, accounts: string[], opts: AdoptCommandOptions): Promise<Planned> {
  const spin = await progress(io, 'Reading live state…');
  try {
    return await makePlan(config, state, {
      ...opts.run,
      accounts,
      refreshAll: false,
      ...(opts.verbose ? { httpLog: (line: string) => spin.say(line) } : {}),
      notify: (line: string) => spin.say(line),
    });
  } finally {
    spin.stop();
    await closeDefaultAgent();
  }
}

interface AdoptRun {
  config: Config;
  state: Snapshot;
  store: StateStore;
  planned: Planned;
  addresses: string[];
  opts: AdoptCommandOptions;
}

async function adoptDrift(io: Io, run: AdoptRun): Promise<Outcome> {
  const { plan } = run.planned;
  if (plan.errors.length > 0) {
    for (const e of plan.errors) write(io.stderr, inertText(`${e.address}: ${e.message}`));
    write(io.stderr, 'Nothing adopted: the plan has errors (above); fix them, then run adopt again.');
    return 'failed';
  }
  const declared: Declared = new Map(
    run.planned.accounts.flatMap((a) =>
      a.items.map((i) => [address(a.name, adapterFor(a.vendor)!.collection, i.key), { account: a, item: i }] as const),
    ),
  );
  const chosen = chooseDrifted(plan, declared, run.addresses);
  if (chosen.length === 0) {
    write(io.stdout, nothingDrifted(plan));
    return 'done';
  }

  const refused: AdoptRefusal[] = [];
  const edits = editsOf(chosen, declared, run.config, refused).filter((a) => recordable(run.state, a, refused));
  const { files, adopted } = fileChanges(io, edits, declared, refused);
  // Asked for by address, every one must be adopted; otherwise the ones that cannot be are said and skipped.
  const refusedAsked = refused.filter((r) => run.addresses.includes(r.address));
  if (refusedAsked.length > 0)
    throw new UsageError(`nothing adopted:\n${refusedAsked.map((r) => inertText(`${r.address}: ${r.reason}`)).join('\n')}`);
  for (const r of refused) write(io.stderr, `Not adopted: ${inertText(`${r.address}: ${r.reason}`)}`);
  if (adopted.length === 0) {
    write(io.stderr, 'Nothing adopted: no drifted item can be written into the configuration (above).');
    return 'failed';
  }

  if (!run.opts.dryRun) await writeAdoptions(io, run, files, adopted);
  for (const f of files) write(io.stdout, patchText(io, f));
  write(io.stderr, doneLine(io, run.opts.dryRun ?? false, files, adopted));
  return 'done';
}

/** What was adopted, where, and what was written (or would be, with --dry-run). */
function doneLine(io: Io, dryRun: boolean, files: readonly FileChange[], adopted: readonly DriftEdit[]): string {
  const where = files.map((f) => displayPath(f.path, io.cwd)).join(', ');
  const n = `${adopted.length} drifted item${adopted.length === 1 ? '' : 's'}`;
  const list = adopted.map((a) => a.action.address).join(', ');
  return dryRun
    ? `Would adopt ${n} into ${where} (--dry-run: no file written): ${list}.`
    : `Adopted ${n} into ${where}: ${list}. The state records the live values as applied, under the same vendor ids; ` +
        'no vendor was written. Review the diff and commit it with the state.';
}

/** Whether the state can take the adoption as it is; if not, it goes to `refused`, saying why. */
function recordable(state: Snapshot, a: DriftEdit, refused: AdoptRefusal[]): boolean {
  const conflict = recordConflict(state.accounts[a.action.account]?.items ?? {}, adoptedItem(a.action, a.edit));
  if (conflict) refused.push({ address: a.action.address, reason: conflict });
  return conflict === undefined;
}

/** The drifted actions to adopt: the addresses asked for (each must have drifted), or every drifted one. */
function chooseDrifted(plan: Plan, declared: Declared, addresses: readonly string[]): PlanAction[] {
  const drifted = plan.actions.filter((a) => a.reason === 'drift');
  const problems: string[] = [];
  for (const a of addresses) {
    const action = plan.actions.find((x) => x.address === a);
    if (action && action.reason !== 'drift')
      problems.push(
        `${a} has not drifted: it differs because the configuration changed (${action.action}); apply it, or change the configuration`,
      );
    else if (!action && declared.has(a))
      problems.push(`${a} has not drifted: it matches the configuration${blindNote(plan, accountOf(a))}`);
    else if (!action) problems.push(`unknown address ${a}: ${accountOf(a)} declares no such item`);
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return addresses.length > 0 ? drifted.filter((a) => addresses.includes(a.address)) : drifted;
}

/** For an account without a read API: why nothing of it can be seen to drift. */
function blindNote(plan: Plan, name: string): string {
  const a = plan.accounts.find((b) => b.name === name && b.read === 'none');
  return a ? `; ${a.vendor} has no read API, so drift cannot be seen there` : '';
}

function nothingDrifted(plan: Plan): string {
  const seen = plan.accounts.filter((a) => a.read !== 'none').map((a) => a.name);
  const parts = [
    ...(seen.length > 0 ? [`${seen.join(', ')} ${seen.length === 1 ? 'matches' : 'match'} what statusform last wrote`] : []),
    ...plan.accounts
      .filter((a) => a.read === 'none')
      .map(
        (a) =>
          `${a.name} (${a.vendor}) has no read API, so its drift cannot be ` +
          'seen (plan --refresh-all re-sends what the configuration declares)',
      ),
  ];
  return `Nothing drifted: ${parts.join('; ')}.`;
}

/** Each drifted item → the edit of its declared item; those that cannot be adopted go to `refused`, saying why. */
function editsOf(chosen: readonly PlanAction[], declared: Declared, config: Config, refused: AdoptRefusal[]): DriftEdit[] {
  const edits: DriftEdit[] = [];
  for (const action of chosen) {
    const found = declared.get(action.address);
    const result = found
      ? adoptEdit(action, found.item, adapterFor(found.account.vendor)!, config.categories)
      : {
          address: action.address,
          reason: 'it is chosen by a selector rule, not declared: there is nothing in the configuration to write',
        };
    if (isRefusal(result)) refused.push(result);
    else edits.push({ action, edit: result });
  }
  return edits;
}

/**
 * Every file's new text, computed before any is written. An edit that cannot be made leaves its
 * whole file as it was (it goes to `refused`): the file's other items are adopted on a run without it.
 */
function fileChanges(
  io: Io,
  edits: readonly DriftEdit[],
  declared: Declared,
  refused: AdoptRefusal[],
): { files: FileChange[]; adopted: DriftEdit[] } {
  const byFile = new Map<string, { adoption: DriftEdit; node: NodeEdit }[]>();
  for (const adoption of edits) {
    const { edit } = adoption;
    const found = declared.get(edit.address)!;
    const file = resolve(io.cwd, edit.item.position.file);
    const node: NodeEdit = {
      at: { line: edit.item.position.line, col: edit.item.position.col },
      collection: ['accounts', found.account.name, adapterFor(found.account.vendor)!.collection],
      set: edit.set,
      replace: edit.replace,
      ...(edit.rekey ? { rekey: edit.rekey } : {}),
    };
    byFile.set(file, [...(byFile.get(file) ?? []), { adoption, node }]);
  }
  const files: FileChange[] = [];
  const adopted: DriftEdit[] = [];
  for (const [path, list] of byFile) {
    const before = readFileSync(path, 'utf8');
    const result = editItems(
      before,
      list.map((e) => e.node),
    );
    for (const p of result.problems) {
      const { edit } = list.find((e) => e.node === p.edit)!.adoption;
      refused.push({ address: edit.address, reason: `${formatPosition(edit.item.position)}: ${p.message}` });
    }
    if (result.problems.length > 0) continue;
    adopted.push(...list.map((e) => e.adoption));
    if (result.text !== before) files.push({ path, before, after: result.text });
  }
  return { files, adopted };
}

/**
 * Writes the files, checks the configuration still loads, and records the adoptions in the state.
 * Either step failing puts every file back as it was: the configuration and the state agree.
 */
async function writeAdoptions(io: Io, run: AdoptRun, files: readonly FileChange[], adopted: readonly DriftEdit[]): Promise<void> {
  const restore = () => {
    for (const f of files) writeFileSync(f.path, f.before);
  };
  for (const f of files) writeFileSync(f.path, f.after);
  const check = loadConfigWithState(run.opts.config ?? DEFAULT_CONFIG, { cwd: io.cwd, env: io.env });
  if (!check.config) {
    restore();
    throw new UsageError(
      'nothing adopted: the configuration would not be valid afterwards:\n' +
        `${check.problems.map((p) => `${formatPosition(p.position)}: ${p.message}`).join('\n')}`,
    );
  }
  const accounts = new Map(run.config.accounts.map((a) => [a.name, a]));
  const recorder = new StateRecorder(run.state, run.store, (name) => bindingOf(accounts.get(name)!));
  for (const a of adopted) recorder.recordAdopted(adoptedItem(a.action, a.edit));
  try {
    await recorder.flush();
  } catch (err) {
    restore();
    const why = recorder.failureReason ?? fileProblem(err);
    throw new UsageError(
      `nothing adopted: the state ${recorder.failedFile ?? run.store.path} could not be written (${why}); ` +
        'the configuration files are as they were',
    );
  }
}

/** A file's change as a unified diff, coloured on a terminal. */
function patchText(io: Io, f: FileChange): string {
  const c = colors(io);
  const name = displayPath(f.path, io.cwd);
  const patch = createTwoFilesPatch(name, name, f.before, f.after, undefined, undefined, {
    headerOptions: FILE_HEADERS_ONLY,
    stripTrailingCr: true,
  });
  const paint = (l: string) =>
    l.startsWith('+++') || l.startsWith('---')
      ? c.bold(l)
      : l.startsWith('+')
        ? c.green(l)
        : l.startsWith('-')
          ? c.red(l)
          : l.startsWith('@@')
            ? c.cyan(l)
            : l;
  return patch.split('\n').map(paint).join('\n');
}
