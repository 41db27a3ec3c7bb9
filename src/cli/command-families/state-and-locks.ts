// The commands on the state itself, by address (never a request to a vendor, no credentials
// needed): state list, show, rm, mv and migrate, and unlock. Each command module is imported only when it runs.

import { UsageError } from '../../errors.js';
import type { CommandSpec } from '../spec.js';
import { flag, list, lockTimeout, opt, str } from './flag-values.js';

const stateRun =
  (sub: string): CommandSpec['run'] =>
  async (io, { values: v, args }) =>
    (await import('../commands/state.js')).stateCommand(
      io,
      { config: str(v['config']), ...opt('format', str(v['format'])), lockTimeoutSeconds: lockTimeout(v) },
      [sub, ...args],
    );

export const STATE_LIST: CommandSpec = {
  name: 'state list',
  summary: 'every address in the state (or those a pattern with * matches)',
  args: [{ name: 'PATTERN', optional: true, description: 'e.g. \'estate.statuses["contact:*"]\'' }],
  flags: ['config'],
  example: 'statusform state list',
  run: stateRun('list'),
};

export const STATE_SHOW: CommandSpec = {
  name: 'state show',
  summary: 'what the state records of one item, or of every item of an account',
  args: [{ name: 'ADDRESS', description: 'as plan prints it, or an account name (all its items)' }],
  flags: ['config', 'format'],
  flagChoices: { format: ['text', 'json'] },
  flagDescriptions: { format: 'output format (default text; json for a script)' },
  example: 'statusform state show \'estate.statuses["contact:Hot Lead"]\'',
  run: stateRun('show'),
};

export const STATE_RM: CommandSpec = {
  name: 'state rm',
  summary: 'stop managing items: removed from the state, left as they are at the vendor',
  args: [{ name: 'ADDRESS', repeats: true, description: 'addresses or patterns with *' }],
  flags: ['config', 'lock-timeout'],
  example: 'statusform state rm \'estate.statuses["contact:Old"]\'',
  run: stateRun('rm'),
};

export const STATE_MV: CommandSpec = {
  name: 'state mv',
  summary: 'record an owned item under another key of its account',
  args: [
    { name: 'FROM', description: 'the address the state has' },
    { name: 'TO', description: 'the address to record it under' },
  ],
  flags: ['config', 'lock-timeout'],
  example: 'statusform state mv \'estate.statuses["contact:A"]\' \'estate.statuses["contact:B"]\'',
  run: stateRun('mv'),
};

export const STATE_MIGRATE: CommandSpec = {
  name: 'state migrate',
  summary:
    'move the state between backends, lineage and serial kept: --from a state directory into the configured state, ' +
    '--to a state directory from it; with neither, split a single state file into a state directory',
  flags: ['config', 'from', 'to', 'lock-timeout'],
  example: 'statusform state migrate --from statusform.state/',
  run: async (io, { values: v }) =>
    (await import('../commands/state.js')).stateCommand(
      io,
      { config: str(v['config']), ...opt('from', str(v['from'])), ...opt('to', str(v['to'])), lockTimeoutSeconds: lockTimeout(v) },
      ['migrate'],
    ),
};

export const UNLOCK: CommandSpec = {
  name: 'unlock',
  summary: 'remove a lock left by a killed apply',
  flags: ['config', 'account', 'force'],
  flagDescriptions: { force: 'also remove a lock whose run is still alive on this host' },
  example: 'statusform unlock -c statusform --account estate',
  run: async (io, { values: v }) => {
    const accounts = list(v['account']);
    if (accounts.length > 1) throw new UsageError('unlock takes one --account NAME');
    return (await import('../commands/unlock.js')).unlockCommand(io, {
      config: str(v['config']),
      force: flag(v['force']),
      ...(accounts[0] !== undefined ? { account: accounts[0] } : {}),
    });
  },
};
