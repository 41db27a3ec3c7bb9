// Colour for human output: on only for a TTY without NO_COLOR (picocolors' createColors; util.styleText ignores NO_COLOR for arrays of formats).

import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

export function colorsFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Colors {
  const enabled = stream.isTTY === true && env['NO_COLOR'] === undefined && env['TERM'] !== 'dumb';
  return pc.createColors(enabled);
}

export const plainColors: Colors = pc.createColors(false);
