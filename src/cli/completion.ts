// Shell completion scripts (`statusform completion bash|zsh|fish`), generated from the command table.

import { FLAGS, GLOBAL_FLAGS, type CommandSpec, type FlagName, type FlagSpec } from './spec.js';
import { choicesOf } from './help.js';

const flagOf = (n: string): FlagSpec => FLAGS[n as FlagName];
const flagsOf = (c: CommandSpec): string[] => [...c.flags, ...GLOBAL_FLAGS];
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
/** Subcommands ("state migrate") complete by their first word. */
const firstWords = (COMMANDS: readonly CommandSpec[]): string[] => [...new Set(COMMANDS.map((c) => c.name.split(' ')[0]!))];

/** The commands with subcommands ("state"): a command is named by its first two words there. */
const groups = (COMMANDS: readonly CommandSpec[]): string[] =>
  firstWords(COMMANDS).filter((w) => COMMANDS.some((c) => c.name.startsWith(`${w} `)));

function bash(COMMANDS: readonly CommandSpec[]): string {
  const grouped = groups(COMMANDS);
  const cases = COMMANDS.filter((c) => !grouped.includes(c.name)).map((c) => {
    const words = flagsOf(c).flatMap((n) => [`--${n}`, ...(flagOf(n).short ? [`-${flagOf(n).short}`] : [])]);
    const argChoices = (c.args ?? []).flatMap((a) => a.choices ?? []);
    return `    ${quote(c.name)}) words=${quote([...words, ...argChoices].join(' '))} ;;`;
  });
  // Right after a group's name, its subcommands.
  const subcommands = grouped.map(
    (g) =>
      `    ${quote(g)}) words=${quote(
        COMMANDS.filter((c) => c.name.startsWith(`${g} `))
          .map((c) => c.name.split(' ')[1]!)
          .join(' '),
      )} ;;`,
  );
  const values = Object.entries(FLAGS).flatMap(([n, f]: [string, FlagSpec]) => {
    const names = [`--${n}`, ...(f.short ? [`-${f.short}`] : [])].join('|');
    if (f.choices) {
      // A command may narrow a flag's values (mappings: --format text|markdown): chosen by the command's name.
      const narrowed = COMMANDS.filter((c) => c.flagChoices?.[n]).map(
        (c) => `${quote(c.name)}) w=${quote(c.flagChoices![n]!.join(' '))} ;;`,
      );
      if (narrowed.length === 0) return [`    ${names}) COMPREPLY=($(compgen -W ${quote(f.choices.join(' '))} -- "$cur")); return ;;`];
      const all = `*) w=${quote(f.choices.join(' '))} ;;`;
      const pick = `local w; case "$cmd" in ${[...narrowed, all].join(' ')} esac`;
      return [`    ${names}) ${pick}; COMPREPLY=($(compgen -W "$w" -- "$cur")); return ;;`];
    }
    if (f.file) return [`    ${names}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`];
    if (f.type === 'string') return [`    ${names}) return ;;`];
    return [];
  });
  return `# statusform bash completion: eval "$(statusform completion bash)" in ~/.bashrc
_statusform() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" words cmd="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W ${quote(`${firstWords(COMMANDS).join(' ')} --help --version`)} -- "$cur")); return
  fi
  case "$cmd" in
    ${grouped.map(quote).join('|') || "''"}) [ "$COMP_CWORD" -eq 2 ] || cmd="$cmd \${COMP_WORDS[2]}" ;;
  esac
  case "$prev" in
${values.join('\n')}
  esac
  case "$cmd" in
${[...subcommands, ...cases].join('\n')}
    *) words='' ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  [ \${#COMPREPLY[@]} -eq 0 ] && [ "\${cur#-}" = "$cur" ] && COMPREPLY=($(compgen -f -- "$cur"))
  return 0
}
complete -F _statusform statusform
`;
}

function zshSpec(c: CommandSpec, n: string): string {
  const f = flagOf(n);
  const desc = f.description.replace(/[[\]:']/g, ' ');
  const choices = choicesOf(c, n);
  const action =
    f.type === 'boolean'
      ? ''
      : choices
        ? `:${n}:(${choices.join(' ')})`
        : f.file
          ? `:${(f.value ?? 'file').toLowerCase()}:_files`
          : `:${(f.value ?? 'value').toLowerCase()}: `;
  const rep = f.multiple ? '*' : '';
  if (f.short) return `'${rep}(-${f.short} --${n})'{-${f.short},--${n}}'[${desc}]${action}'`;
  return `'${rep}--${n}[${desc}]${action}'`;
}

function zsh(COMMANDS: readonly CommandSpec[]): string {
  const described = COMMANDS.filter((c) => !c.name.includes(' ')).map((c) => `    ${quote(`${c.name}:${c.summary.replace(/:/g, ' ')}`)}`);
  const cases = COMMANDS.filter((c) => !c.name.includes(' ')).map((c) => {
    const args = (c.args ?? []).map(
      (a, i) =>
        `'${a.optional ? ':' : ''}${i + 1}:${a.name.toLowerCase()}:${a.choices ? `(${a.choices.join(' ')})` : a.file ? '_files' : ' '}'`,
    );
    return `    ${c.name})\n      _arguments ${[...flagsOf(c).map((n) => zshSpec(c, n)), ...args].join(' \\\n        ')} ;;`;
  });
  return `#compdef statusform
# statusform zsh completion: statusform completion zsh > "\${fpath[1]}/_statusform"
_statusform() {
  local -a commands
  commands=(
${described.join('\n')}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  local cmd=\${words[2]}
  shift words
  (( CURRENT-- ))
  case $cmd in
${cases.join('\n')}
  esac
}
if [ "$funcstack[1]" = "_statusform" ]; then
  _statusform "$@"
else
  compdef _statusform statusform
fi
`;
}

function fish(COMMANDS: readonly CommandSpec[]): string {
  const lines = [
    '# statusform fish completion: statusform completion fish > ~/.config/fish/completions/statusform.fish',
    'complete -c statusform -f',
  ];
  const first = firstWords(COMMANDS);
  for (const c of COMMANDS) {
    if (c.name.includes(' ')) continue;
    lines.push(`complete -c statusform -n 'not __fish_seen_subcommand_from ${first.join(' ')}' -a ${c.name} -d ${quote(c.summary)}`);
  }
  for (const c of COMMANDS) {
    const cond = `-n '__fish_seen_subcommand_from ${c.name.split(' ')[0]}'`;
    for (const n of flagsOf(c)) {
      const f = flagOf(n);
      const choices = choicesOf(c, n);
      const value = f.type === 'boolean' ? '' : choices ? ` -x -a ${quote(choices.join(' '))}` : f.file ? ' -r -F' : ' -x';
      lines.push(`complete -c statusform ${cond} -l ${n}${f.short ? ` -s ${f.short}` : ''}${value} -d ${quote(f.description)}`);
    }
    for (const a of c.args ?? []) {
      if (a.choices) lines.push(`complete -c statusform ${cond} -x -a ${quote(a.choices.join(' '))}`);
      else if (a.file) lines.push(`complete -c statusform ${cond} -F`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function completionScript(shell: 'bash' | 'zsh' | 'fish', commands: readonly CommandSpec[]): string {
  return shell === 'bash' ? bash(commands) : shell === 'zsh' ? zsh(commands) : fish(commands);
}
