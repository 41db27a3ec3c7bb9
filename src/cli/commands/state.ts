// `statusform state <subcommand>`: work on the state itself, by address, without credentials or
// requests. `list` and `show` read it; `rm` (stop managing an item, leaving it at the vendor) and
// `mv` (re-key an owned item) hold the affected accounts' locks and write one serial further;
// `migrate` moves the state between backends (a state directory and PostgreSQL), or splits a
// single state file into a state directory. Each subcommand is one entry of SUBCOMMANDS, its
// code in state-subcommands/.

import { UsageError } from '../../errors.js';
import type { Io } from '../io.js';
import type { Outcome } from '../outcome.js';
import type { StateCommandOptions, Subcommand } from './state-subcommands/entries.js';
import { migrate } from './state-subcommands/migrate.js';
import { mv } from './state-subcommands/mv.js';
import { list, show } from './state-subcommands/read.js';
import { rm } from './state-subcommands/rm.js';

export type { StateCommandOptions } from './state-subcommands/entries.js';

const SUBCOMMANDS: Record<string, { run: Subcommand; usage: string }> = {
  list: { run: list, usage: 'list [PATTERN]          every address in the state (or those PATTERN matches, with * for any characters)' },
  show: { run: show, usage: 'show ADDRESS|ACCOUNT [--format text|json]   what the state records of one item, or of an account' },
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
