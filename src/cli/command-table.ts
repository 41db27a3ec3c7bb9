// The command table: every command, its flags and arguments, in one place. It drives parsing
// (main.ts), per-command help, "did you mean", the completion scripts (help.ts) and a docs test (docs/cli.md).
// The commands are grouped by family in command-families/; this file lists them in the order help
// shows them, and holds the commands about statusform itself. Adding a command is one entry in a
// family and one line here (and its flags in FLAGS, when new). Commands are imported when run, so
// `--version` and `validate` do not load HTTP, spinners or the engine.

import { UsageError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import { ADOPT, IMPORT, INIT, MAPPINGS, SPLIT, VALIDATE } from './command-families/configuration.js';
import { str, positiveInt } from './command-families/flag-values.js';
import { APPLY, PLAN, SHARDS, SHOW } from './command-families/plans.js';
import { STATE_LIST, STATE_MIGRATE, STATE_MV, STATE_RM, STATE_SHOW, UNLOCK } from './command-families/state-and-locks.js';
import { SHELLS, type CommandSpec } from './spec.js';

export { FLAGS, GLOBAL_FLAGS } from './spec.js';
export { duration } from './command-families/flag-values.js';

const SANDBOX: CommandSpec = {
  name: 'sandbox',
  summary: 'run the vendor simulators on 127.0.0.1 and print the export lines',
  flags: ['port'],
  example: 'statusform sandbox --port 4780',
  run: async (io, { values: v }) =>
    (await import('./commands/sandbox.js')).sandboxCommand(io, { port: positiveInt('port', str(v['port'])) }),
};

const VERSION: CommandSpec = {
  name: 'version',
  summary: 'print the version',
  flags: [],
  example: 'statusform version',
  run: async (io) => {
    const { version } = await import('./help.js');
    io.stdout.write(`${version()}\n`);
    return 'done';
  },
};

const HELP: CommandSpec = {
  name: 'help',
  summary: "show help, or one command's help",
  args: [{ name: 'COMMAND', optional: true, repeats: true, description: 'the command to explain (state migrate: two words)' }],
  flags: [],
  example: 'statusform help plan',
  run: async (io, { args }) => {
    const { commandHelp, usage } = await import('./help.js');
    if (args.length === 0) {
      io.stdout.write(usage(COMMANDS));
      return 'done';
    }
    const spec = findCommand(args);
    if (!spec || spec.words !== args.length) throw unknownCommand(args.join(' '));
    io.stdout.write(commandHelp(spec.spec));
    return 'done';
  },
};

const COMPLETION: CommandSpec = {
  name: 'completion',
  summary: 'print a shell completion script',
  args: [{ name: 'SHELL', choices: SHELLS, description: 'bash, zsh or fish' }],
  flags: [],
  example: 'statusform completion bash > /etc/bash_completion.d/statusform',
  run: async (io, { args }) => {
    const { completionScript } = await import('./completion.js');
    io.stdout.write(completionScript(args[0] as (typeof SHELLS)[number], COMMANDS));
    return 'done';
  },
};

export const COMMANDS: readonly CommandSpec[] = [
  VALIDATE,
  PLAN,
  APPLY,
  IMPORT,
  INIT,
  MAPPINGS,
  SANDBOX,
  SHOW,
  SHARDS,
  ADOPT,
  UNLOCK,
  STATE_LIST,
  STATE_SHOW,
  STATE_RM,
  STATE_MV,
  STATE_MIGRATE,
  SPLIT,
  VERSION,
  HELP,
  COMPLETION,
];

/** The command named by the leading positionals (the longest match, for subcommands), and how many words it took. */
export function findCommand(positionals: readonly string[]): { spec: CommandSpec; words: number } | undefined {
  let best: { spec: CommandSpec; words: number } | undefined;
  for (const spec of COMMANDS) {
    const words = spec.name.split(' ');
    if (words.every((w, i) => positionals[i] === w) && (!best || words.length > best.words)) best = { spec, words: words.length };
  }
  return best;
}

export function unknownCommand(name: string): UsageError {
  const commands = COMMANDS.map((c) => c.name);
  return new UsageError(`unknown command "${name}"${didYouMean(name, commands) || ' (statusform --help lists the commands)'}`);
}
