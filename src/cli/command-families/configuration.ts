// The commands that check or write the configuration: validate, init, split, import, adopt and
// mappings. Each command module is imported only when it runs.

import { UsageError } from '../../errors.js';
import type { CommandSpec } from '../spec.js';
import { flag, list, lockTimeout, opt, str } from './flag-values.js';

export const VALIDATE: CommandSpec = {
  name: 'validate',
  summary: 'check the configuration (no network)',
  flags: ['config'],
  example: 'statusform validate -c examples/quickstart',
  run: async (io, { values: v }) => (await import('../commands/validate.js')).validateCommand(io, { config: str(v['config']) }),
};

export const IMPORT: CommandSpec = {
  name: 'import',
  summary: "write an account's live statuses as YAML and adopt them into the state",
  flags: ['account', 'config', 'out', 'force'],
  required: ['account'],
  flagDescriptions: {
    account: 'the account to import (exactly one)',
    out: "write the YAML to FILE; the account's own file (or its config directory) gains only the new items; default: print it",
    force: "replace an existing --out file that is not the account's own file",
  },
  example: 'statusform import -c statusform --account estate --out statusform',
  run: async (io, { values: v }) => {
    const accounts = list(v['account']);
    if (accounts.length !== 1) throw new UsageError('import takes exactly one --account NAME');
    return (await import('../commands/import.js')).importCommand(io, {
      config: str(v['config']),
      account: accounts[0]!,
      ...opt('out', str(v['out'])),
      force: flag(v['force']),
    });
  },
};

export const INIT: CommandSpec = {
  name: 'init',
  summary: 'a starter configuration, schema modeline, GitHub workflows and .gitignore lines; never overwrites',
  flags: ['vendor'],
  required: ['vendor'],
  example: 'statusform init --vendor propertydeck --vendor zendesk',
  run: async (io, { values: v }) => (await import('../commands/init.js')).initCommand(io, { vendors: list(v['vendor']) }),
};

export const MAPPINGS: CommandSpec = {
  name: 'mappings',
  summary: 'the category × account matrix (no credentials, no network)',
  flags: ['config', 'format'],
  flagChoices: { format: ['text', 'markdown'] },
  flagDescriptions: { format: 'output format (default text; markdown: a table for a PR or a wiki)' },
  example: 'statusform mappings -c examples/all-vendors --format markdown',
  run: async (io, { values: v }) =>
    (await import('../commands/mappings.js')).mappingsCommand(io, { config: str(v['config']), ...opt('format', str(v['format'])) }),
};

export const ADOPT: CommandSpec = {
  name: 'adopt',
  summary: 'write the live values of drifted items into the config files, in place, and the state (no vendor write)',
  args: [{ name: 'ADDRESS', optional: true, repeats: true, description: 'only these drifted items, as plan prints them' }],
  flags: ['config', 'account', 'dry-run', 'verbose', 'lock-timeout'],
  example: 'statusform adopt \'estate.statuses["property:Sold STC"]\'',
  run: async (io, { values: v, args }) =>
    (await import('../commands/adopt.js')).adoptCommand(io, {
      config: str(v['config']),
      accounts: list(v['account']),
      addresses: args,
      dryRun: flag(v['dry-run']),
      verbose: flag(v['verbose']),
      lockTimeoutSeconds: lockTimeout(v),
    }),
};

export const SPLIT: CommandSpec = {
  name: 'split',
  summary: 'split a single config file into statusform.yaml and accounts/<name>.yaml, comments kept',
  flags: ['config'],
  example: 'statusform split -c statusform.yaml',
  run: async (io, { values: v }) => (await import('../commands/split.js')).splitCommand(io, { config: str(v['config']) }),
};
