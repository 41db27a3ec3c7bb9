// Colour for human output (picocolors' createColors; util.styleText ignores NO_COLOR for arrays of formats):
// off with a non-empty NO_COLOR (or --no-color, which main.ts turns into NO_COLOR); on with a
// non-empty FORCE_COLOR other than 0/false, even off a terminal; otherwise only on a TTY whose TERM is not dumb.

import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if ((env['NO_COLOR'] ?? '') !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}

export function colorsFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Colors {
  return pc.createColors(colorEnabled(stream, env));
}

export const plainColors: Colors = pc.createColors(false);
