// A YAML mistake with a message of its own: `${VAR}` unquoted inside a flow mapping or list
// (`{ label: ${L} }`). There `{` opens another mapping, so the parser complains about what follows;
// the fix is to quote the value, which the message says at the `$`.

/** How far past a failing line a flow collection is followed. */
const LINES_FOLLOWED = 20;

/**
 * The offset and text of the first unquoted `${NAME}` that starts a value inside a flow collection,
 * from the line at `lineStart` on through the lines indented deeper than it, if there is one.
 */
export function unquotedFlowVariable(text: string, lineStart: number): { offset: number; variable: string } | undefined {
  const lines = text.slice(lineStart).split('\n').slice(0, LINES_FOLLOWED);
  const indent = (l: string) => /^ */.exec(l)![0].length;
  let end = lines[0]!.length;
  for (const l of lines.slice(1)) {
    if (l.trim() !== '' && indent(l) <= indent(lines[0]!)) break;
    end += l.length + 1;
  }
  const span = text.slice(lineStart, lineStart + end);
  if (!/[[{]/.test(span)) return undefined;
  // A value starts after `{`, `[`, `,` or a key's `: `; a quote right before `${` means it is quoted already.
  const m = /(?:[[{,]|:[ \t])[ \t]*(\$\{[A-Za-z_][A-Za-z0-9_]*\})/.exec(span);
  return m ? { offset: lineStart + m.index + m[0].length - m[1]!.length, variable: m[1]! } : undefined;
}

/** The message for an unquoted `${NAME}` in a flow collection. */
export function flowVariableMessage(variable: string): string {
  return (
    `${variable} inside { … } or [ … ] must be quoted: write "${variable}" ` +
    '(unquoted, its { starts another mapping there, and the line cannot be read)'
  );
}
