// Help text, all of it from the command table (command-table.ts): the overview, each command's help,
// and the synopsis block docs/cli.md shows (a test keeps the two identical).

import { FLAGS, GLOBAL_FLAGS, type CommandSpec, type FlagName, type FlagSpec } from './spec.js';

export { version } from './spec.js';

const WIDTH = 100;

function spec(name: string): FlagSpec {
  return FLAGS[name as FlagName];
}

/** The choices of a flag in a command (a command may narrow them). */
export function choicesOf(cmd: CommandSpec | undefined, name: string): readonly string[] | undefined {
  return cmd?.flagChoices?.[name] ?? spec(name).choices;
}

/** `--format text|markdown|json`, `-c PATH`, `--auto-approve`. */
function flagUsage(cmd: CommandSpec | undefined, name: string, preferShort: boolean): string {
  const f = spec(name);
  const head = preferShort && f.short ? `-${f.short}` : `--${name}`;
  const choices = choicesOf(cmd, name);
  if (f.type === 'boolean') return head;
  return `${head} ${choices ? choices.join('|') : (f.value ?? 'VALUE')}`;
}

/** The words after `statusform <name>`: arguments, then required and optional flags. */
function synopsisWords(cmd: CommandSpec): string[] {
  const required = new Set(cmd.required ?? []);
  const words: string[] = [];
  for (const name of cmd.flags.filter((n) => required.has(n))) words.push(flagUsage(cmd, name, true));
  for (const a of cmd.args ?? []) {
    const text = `${a.choices ? a.choices.join('|') : a.name}${a.repeats ? '…' : ''}`;
    words.push(a.optional ? `[${text}]` : text);
  }
  for (const name of cmd.flags.filter((n) => !required.has(n)))
    words.push(`[${flagUsage(cmd, name, true)}]${spec(name).multiple ? '…' : ''}`);
  return words;
}

/** `statusform plan [-c PATH] …`, wrapped at WIDTH with continuation lines under the first word. */
export function synopsis(cmd: CommandSpec, pad = 0): string {
  const head = `statusform ${cmd.name.padEnd(pad)}`;
  const indent = ' '.repeat(head.length + 1);
  const lines: string[] = [];
  let line = head;
  for (const w of synopsisWords(cmd)) {
    if (line.length + 1 + w.length > WIDTH && line.trim() !== head.trim()) {
      lines.push(line);
      line = indent.slice(0, -1);
    }
    line += ` ${w}`;
  }
  lines.push(line);
  return lines.map((l) => l.trimEnd()).join('\n');
}

/** The CLI block of docs/cli.md: every command's synopsis, aligned. */
export function referenceBlock(commands: readonly CommandSpec[]): string {
  const pad = Math.max(...commands.map((c) => c.name.length));
  return `${commands.map((c) => synopsis(c, pad)).join('\n')}\n`;
}

function table(rows: [string, string][]): string {
  const w = Math.max(...rows.map(([a]) => a.length)) + 3;
  return rows.map(([a, b]) => `  ${a.padEnd(w)}${b}`).join('\n');
}

function flagRow(cmd: CommandSpec | undefined, name: string): [string, string] {
  const f = spec(name);
  const long = flagUsage(cmd, name, false);
  return [f.short ? `-${f.short}, ${long}` : long, cmd?.flagDescriptions?.[name] ?? f.description];
}

const EXIT_CODES = `Exit codes: 0 success or no changes, 1 error, 2 changes (plan --detailed-exitcode), 3 refused before any write,
130/143 apply stopped by SIGINT/SIGTERM (what was done is in the state file).
`;

export function usage(commands: readonly CommandSpec[]): string {
  return `Usage: statusform <command> [options]

Commands:
${table(commands.map((c) => [c.name, c.summary]))}

Global options:
${table(GLOBAL_FLAGS.map((n) => flagRow(undefined, n)))}

statusform help COMMAND (or statusform COMMAND --help) shows a command's flags and an example.
Durations (--max-wait, --lock-timeout) take seconds or 500ms, 5s, 2m, 1h.

${EXIT_CODES}`;
}

export function commandHelp(cmd: CommandSpec): string {
  const summary = `${cmd.summary[0]!.toUpperCase()}${cmd.summary.slice(1)}.`;
  const args = cmd.args?.length
    ? `\nArguments:\n${table(cmd.args.map((a) => [a.choices ? a.choices.join('|') : a.name, a.description]))}\n`
    : '';
  return `Usage: ${synopsis(cmd)}

${summary}
${args}
Options:
${table([...cmd.flags, ...GLOBAL_FLAGS].map((n) => flagRow(cmd, n)))}

Example:
  ${cmd.example}
`;
}
