// `statusform adopt [--account NAME]… [ADDRESS…]`: the other way to resolve drift besides apply —
// the live values of drifted items written into the config files in place, the config diff printed.
// Reads live state as `plan` does; writes nothing to a vendor, and leaves the state file alone.

import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FILE_HEADERS_ONLY, createTwoFilesPatch } from 'diff';
import { displayPath } from '../../config/documents.js';
import { editItems, type NodeEdit } from '../../config/edit.js';
import { loadConfig } from '../../config/load.js';
import { address } from '../../address.js';
import { adoptEdit, isRefusal, type AdoptRefusal, type ItemEdit } from '../../engine/adopt.js';
import { loadState, makePlan, type RunOptions } from '../../engine/manager.js';
import { UsageError, formatPosition } from '../../errors.js';
import { closeDefaultAgent } from '../../http/client.js';
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

export async function adoptCommand(io: Io, opts: AdoptCommandOptions): Promise<Outcome> {
  const config = loadOrThrow(io, opts.config);
  const addresses = [...new Set(opts.addresses ?? [])];
  const known = new Set(config.accounts.map((a) => a.name));
  const problems: string[] = [];
  for (const a of addresses) {
    const account = accountOf(a);
    if (!known.has(account)) problems.push(`unknown address ${a}: the configuration has no account "${account}"`);
    else if ((opts.accounts ?? []).length > 0 && !opts.accounts!.includes(account))
      problems.push(`${a} is in account ${account}, which --account leaves out`);
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  // Read only what is needed: the accounts asked for, else those the addresses name, else all.
  const accounts = (opts.accounts ?? []).length > 0 ? opts.accounts! : [...new Set(addresses.map(accountOf))];

  const state = loadState(config, accounts.length > 0 ? accounts : undefined);
  const spin = await progress(io, 'Reading live state…');
  let planned;
  try {
    planned = await makePlan(config, state, {
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
  const { plan } = planned;
  if (plan.errors.length > 0) {
    for (const e of plan.errors) write(io.stderr, `${e.address}: ${e.message}`);
    write(io.stderr, 'Nothing adopted: the plan has errors (above); fix them, then run adopt again.');
    return 'failed';
  }

  const declared = new Map(
    planned.accounts.flatMap((a) =>
      a.items.map((i) => [address(a.name, adapterFor(a.vendor)!.collection, i.key), { account: a, item: i }] as const),
    ),
  );
  const drifted = plan.actions.filter((a) => a.reason === 'drift');
  const blind = plan.accounts.filter((a) => a.read === 'none');
  const blindNote = (name: string) => {
    const a = blind.find((b) => b.name === name);
    return a ? `; ${a.vendor} has no read API, so drift cannot be seen there` : '';
  };
  for (const a of addresses) {
    const action = plan.actions.find((x) => x.address === a);
    if (action && action.reason !== 'drift')
      problems.push(
        `${a} has not drifted: it differs because the configuration changed (${action.action}); apply it, or change the configuration`,
      );
    else if (!action && declared.has(a)) problems.push(`${a} has not drifted: it matches the configuration${blindNote(accountOf(a))}`);
    else if (!action) problems.push(`unknown address ${a}: ${accountOf(a)} declares no such item`);
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  const chosen = addresses.length > 0 ? drifted.filter((a) => addresses.includes(a.address)) : drifted;

  if (chosen.length === 0) {
    const seen = plan.accounts.filter((a) => a.read !== 'none').map((a) => a.name);
    const parts = [
      ...(seen.length > 0 ? [`${seen.join(', ')} ${seen.length === 1 ? 'matches' : 'match'} what statusform last wrote`] : []),
      ...blind.map(
        (a) =>
          `${a.name} (${a.vendor}) has no read API, so its drift cannot be ` +
          'seen (plan --refresh-all re-sends what the configuration declares)',
      ),
    ];
    write(io.stdout, `Nothing drifted: ${parts.join('; ')}.`);
    return 'done';
  }

  // Each drifted item → the edit of its declared item, or why it cannot be adopted.
  const edits: ItemEdit[] = [];
  const refused: AdoptRefusal[] = [];
  for (const action of chosen) {
    const found = declared.get(action.address);
    const result = found
      ? adoptEdit(action, found.item, adapterFor(found.account.vendor)!, config.categories)
      : {
          address: action.address,
          reason: 'it is chosen by a selector rule, not declared: there is nothing in the configuration to write',
        };
    if (isRefusal(result)) refused.push(result);
    else edits.push(result);
  }

  // Every file's new text, computed before any is written.
  const byFile = new Map<string, { edit: ItemEdit; node: NodeEdit }[]>();
  for (const edit of edits) {
    const found = declared.get(edit.address)!;
    const file = resolve(io.cwd, edit.item.position.file);
    const node: NodeEdit = {
      at: { line: edit.item.position.line, col: edit.item.position.col },
      collection: ['accounts', found.account.name, adapterFor(found.account.vendor)!.collection],
      set: edit.set,
      replace: edit.replace,
      ...(edit.rekey ? { rekey: edit.rekey } : {}),
    };
    byFile.set(file, [...(byFile.get(file) ?? []), { edit, node }]);
  }
  const files: { path: string; before: string; after: string }[] = [];
  const adopted: string[] = [];
  for (const [path, list] of byFile) {
    const before = readFileSync(path, 'utf8');
    const result = editItems(
      before,
      list.map((e) => e.node),
    );
    const failed = new Set(result.problems.map((p) => p.edit));
    for (const p of result.problems)
      refused.push({
        address: list.find((e) => e.node === p.edit)!.edit.address,
        reason: `${formatPosition(list.find((e) => e.node === p.edit)!.edit.item.position)}: ${p.message}`,
      });
    // An edit that cannot be made leaves the whole file as it was: its other items are written on a run without it.
    if (failed.size > 0) continue;
    adopted.push(...list.map((e) => e.edit.address));
    if (result.text !== before) files.push({ path, before, after: result.text });
  }
  // Asked for by address, every one must be adopted; otherwise the ones that cannot be are said and skipped.
  const refusedAsked = refused.filter((r) => addresses.includes(r.address));
  if (refusedAsked.length > 0) throw new UsageError(`nothing adopted:\n${refusedAsked.map((r) => `${r.address}: ${r.reason}`).join('\n')}`);
  for (const r of refused) write(io.stderr, `Not adopted: ${r.address}: ${r.reason}`);
  if (adopted.length === 0) {
    write(io.stderr, 'Nothing adopted: no drifted item can be written into the configuration (above).');
    return 'failed';
  }

  if (!opts.dryRun) {
    for (const f of files) writeFileSync(f.path, f.after);
    // The edited configuration must load as the plan will load it; otherwise every file goes back as it was.
    const check = loadConfig(opts.config ?? DEFAULT_CONFIG, { cwd: io.cwd, env: io.env });
    if (!check.config) {
      for (const f of files) writeFileSync(f.path, f.before);
      throw new UsageError(
        'nothing adopted: the configuration would not be valid afterwards:\n' +
          `${check.problems.map((p) => `${formatPosition(p.position)}: ${p.message}`).join('\n')}`,
      );
    }
  }
  const c = colors(io);
  for (const f of files) {
    const name = displayPath(f.path, io.cwd);
    const patch = createTwoFilesPatch(name, name, f.before, f.after, undefined, undefined, { headerOptions: FILE_HEADERS_ONLY });
    write(
      io.stdout,
      patch
        .split('\n')
        .map((l) =>
          l.startsWith('+++') || l.startsWith('---')
            ? c.bold(l)
            : l.startsWith('+')
              ? c.green(l)
              : l.startsWith('-')
                ? c.red(l)
                : l.startsWith('@@')
                  ? c.cyan(l)
                  : l,
        )
        .join('\n'),
    );
  }
  const where = files.map((f) => displayPath(f.path, io.cwd)).join(', ');
  const n = `${adopted.length} drifted item${adopted.length === 1 ? '' : 's'}`;
  write(
    io.stderr,
    opts.dryRun
      ? `Would adopt ${n} into ${where} (--dry-run: no file written): ${adopted.join(', ')}.`
      : `Adopted ${n} into ${where}: ${adopted.join(', ')}. No vendor and no state file was written; review the diff and commit it.`,
  );
  return 'done';
}
