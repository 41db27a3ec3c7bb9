// The shape of the command table (command-table.ts) and the flags every command draws from. Kept apart
// from the table so help and completion (which the table's own commands load) do not import it back.

import { readFileSync } from 'node:fs';
import type { Io } from './io.js';
import type { Outcome } from './outcome.js';

export interface FlagSpec {
  short?: string;
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** The value's placeholder in help: PATH, NAME, DURATION. */
  value?: string;
  /** The values a string flag takes (shown in help, offered by completion). */
  choices?: readonly string[];
  /** Completion offers files for this flag's value. */
  file?: boolean;
  /** One line for help. */
  description: string;
}

export interface ArgSpec {
  name: string;
  optional?: boolean;
  /** The last argument may be given more than once (`PLANFILE…`). */
  repeats?: boolean;
  choices?: readonly string[];
  file?: boolean;
  description: string;
}

/** What a command receives: the flags given (by long name) and its positional arguments. */
export interface Invocation {
  values: Record<string, string | boolean | string[] | undefined>;
  args: string[];
}

export interface CommandSpec {
  /** One word, or words separated by a space for a subcommand ("state migrate"). */
  name: string;
  summary: string;
  args?: readonly ArgSpec[];
  /** Long names of FLAGS this command takes (besides the global ones). */
  flags: readonly string[];
  /** Flags among `flags` the command cannot run without (shown first, unbracketed). */
  required?: readonly string[];
  /** Narrower choices for a flag in this command (mappings: --format text|markdown). */
  flagChoices?: Readonly<Record<string, readonly string[]>>;
  /** What a flag means for this command, where the shared description would mislead (mappings: --format). */
  flagDescriptions?: Readonly<Record<string, string>>;
  example: string;
  run: (io: Io, inv: Invocation) => Promise<Outcome>;
}

export const FLAGS = {
  config: {
    short: 'c',
    type: 'string',
    value: 'PATH',
    file: true,
    description: 'a statusform.yaml, or a directory of *.yaml files (default: statusform.yaml)',
  },
  account: { type: 'string', multiple: true, value: 'NAME', description: 'only this account (repeatable)' },
  out: { type: 'string', value: 'FILE', file: true, description: 'also write the result to FILE (plan: the JSON plan; import: the YAML)' },
  format: {
    type: 'string',
    choices: ['text', 'markdown', 'json'],
    description: 'output format (default text; json is the wire plan, schemas/plan.schema.json)',
  },
  'detailed-exitcode': { type: 'boolean', description: 'exit 2 when the plan has changes' },
  'refresh-all': { type: 'boolean', description: 're-send every declared item of vendors without a read API (Thalamus)' },
  'auto-approve': { type: 'boolean', description: 'apply without asking (without it, apply asks on a terminal and refuses elsewhere)' },
  'allow-destroy': { type: 'boolean', description: 'permit hard deletes (the account also needs allow_delete: true)' },
  'allow-bulk': { type: 'boolean', description: "let changes exceed the accounts' safety thresholds and rules' max, for this run" },
  parallelism: { type: 'string', value: 'N', description: 'actions in flight per account (default 4)' },
  'lock-timeout': {
    type: 'string',
    value: 'DURATION',
    description: "wait this long for another apply's lock before refusing (5s, 2m; default 0)",
  },
  'max-wait': {
    type: 'string',
    value: 'DURATION',
    description: 'the longest wait a vendor may ask for before the run stops (5s, 2m; default 300s)',
  },
  port: { type: 'string', value: 'N', description: "the first of the simulators' ports, one per vendor (default 4780)" },
  shard: {
    type: 'string',
    value: 'K/N',
    description: 'only shard K of N of the accounts (a stable hash of each name; K from 1, N at most 1000)',
  },
  'skip-failed-accounts': {
    type: 'boolean',
    description: 'kept for older workflows: apply always writes nothing to an account with errors and applies the others (exit 1)',
  },
  count: { type: 'string', value: 'N', description: 'how many shards (jobs) to split the accounts into, at most 256 (a GitHub matrix)' },
  'changed-since': {
    type: 'string',
    value: 'REF',
    description: 'only shards whose accounts changed since this git ref (config blocks, state)',
  },
  'dry-run': { type: 'boolean', description: 'print the config diff, write nothing' },
  from: {
    type: 'string',
    value: 'PATH',
    file: true,
    description: 'state migrate: the state directory (or single state file) to move into the configured state',
  },
  to: { type: 'string', value: 'PATH', file: true, description: 'state migrate: a new state directory to move the configured state into' },
  target: {
    type: 'string',
    multiple: true,
    value: 'ADDRESS',
    description: 'only this item and what it depends on (an address, a pattern with *, or an account; repeatable)',
  },
  json: {
    type: 'boolean',
    description: 'newline-delimited JSON events on stdout (schemas/apply-events.schema.json); the text goes to stderr',
  },
  verbose: { type: 'boolean', description: 'one line per HTTP request on stderr (secrets redacted)' },
  vendor: {
    type: 'string',
    multiple: true,
    value: 'NAME',
    choices: ['thalamus', 'propertydeck', 'timetap', 'serieshr', 'spacebring', 'zendesk'],
    description: 'init: start an account of this vendor (repeatable)',
  },
  force: { type: 'boolean', description: 'import: replace an existing --out file; unlock: remove a lock whose run is alive' },
  help: { short: 'h', type: 'boolean', description: 'show help (statusform help COMMAND for one command)' },
  version: { short: 'v', type: 'boolean', description: 'print the version' },
  'no-color': { type: 'boolean', description: 'no colour (also NO_COLOR=1; FORCE_COLOR=1 forces it)' },
} as const satisfies Record<string, FlagSpec>;

export type FlagName = keyof typeof FLAGS;

/** Flags every command takes. */
export const GLOBAL_FLAGS: readonly FlagName[] = ['help', 'version', 'no-color'];

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** `a, b or c`. */
export function oneOf(values: readonly string[]): string {
  return values.length < 2 ? (values[0] ?? '') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
