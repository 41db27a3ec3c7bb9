// `statusform state list` and `state show`: what the state records, by address — every address (or
// those a pattern matches), one item, or a whole account — read without a lock or a credential.

import { matchesAddress } from '../../../address.js';
import { UsageError } from '../../../errors.js';
import { write, type Io } from '../../io.js';
import type { Outcome } from '../../outcome.js';
import { entries, readFor, resolveEntries, withStore, type Entry, type StateCommandOptions } from './entries.js';

export async function list(io: Io, opts: StateCommandOptions, args: readonly string[]): Promise<Outcome> {
  if (args.length > 1) throw new UsageError(`state list takes at most one PATTERN (got ${args.length}); quote a pattern with * in it`);
  const pattern = args[0] ?? '*';
  const { snapshot } = await withStore(io, opts, (store) => readFor(store, [pattern]));
  const hits = entries(snapshot).filter((e) => matchesAddress(pattern, e.address));
  for (const e of hits) write(io.stdout, e.address);
  if (hits.length === 0)
    write(io.stderr, args[0] === undefined ? 'The state records no item.' : `No address in the state matches ${pattern}.`);
  return 'done';
}

export async function show(io: Io, opts: StateCommandOptions, args: readonly string[]): Promise<Outcome> {
  if (args.length !== 1)
    throw new UsageError(
      'state show takes one ADDRESS or ACCOUNT, e.g. ' +
        'statusform state show \'estate.statuses["contact:Hot Lead"]\' or statusform state show estate',
    );
  const format = opts.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json (got "${format}")`);
  const given = args[0]!;
  if (given.includes('*'))
    throw new UsageError(`state show takes one exact address, not a pattern (see statusform state list ${JSON.stringify(given)})`);
  const { snapshot } = await withStore(io, opts, (store) => readFor(store, [given]));
  const hits = resolveEntries(given, entries(snapshot), given.includes('[') ? 'address' : 'account');
  // An address names one item; an account (or account.collection) names every item under it.
  if (given.includes('[')) {
    const e = hits[0]!;
    write(io.stdout, format === 'json' ? JSON.stringify(entryJson(e), null, 2) : entryText(e).join('\n'));
    return 'done';
  }
  const account = hits[0]!.account;
  if (format === 'json') {
    write(io.stdout, JSON.stringify({ account, vendor: hits[0]!.vendor, items: hits.map(entryJson) }, null, 2));
    return 'done';
  }
  const head = `# ${account} (${hits[0]!.vendor}): ${hits.length} item${hits.length === 1 ? '' : 's'} in the state`;
  write(io.stdout, [head, ...hits.map((e) => ['', ...entryText(e)].join('\n'))].join('\n'));
  return 'done';
}

/** One item as `state show --format json` gives it. */
function entryJson(e: Entry): Record<string, unknown> {
  const { item } = e;
  return {
    address: e.address,
    account: e.account,
    collection: e.collection,
    key: e.key,
    vendor: e.vendor,
    vendor_id: item.id,
    active: item.active,
    fields: item.fields,
    depends_on: item.dependsOn ?? [],
    ...(item.category !== undefined ? { maps_to: item.category } : {}),
    ...(item.imported ? { imported: true } : {}),
  };
}

/** One item as `state show` prints it: what the state records, one line each. */
function entryText(e: Entry): string[] {
  const { item } = e;
  const lines = [
    `# ${e.address}`,
    `vendor     = ${JSON.stringify(e.vendor)}`,
    `vendor_id  = ${JSON.stringify(item.id)}`,
    `active     = ${item.active}`,
    `depends_on = ${JSON.stringify(item.dependsOn ?? [])}`,
  ];
  if (item.category !== undefined)
    lines.push(`maps_to    = ${JSON.stringify(item.category)} (kept by statusform: the vendor has no such field)`);
  if (item.imported) lines.push('imported   = true (adopted by statusform import; not declared in the configuration since)');
  const width = Math.max(0, ...Object.keys(item.fields).map((k) => k.length));
  lines.push('fields:', ...Object.entries(item.fields).map(([k, v]) => `  ${k.padEnd(width)} = ${JSON.stringify(v)}`));
  return lines;
}
