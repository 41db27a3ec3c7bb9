// `statusform validate`: every problem at once as file:line:col, no network; warnings (what to change
// in time, though nothing is wrong yet) on stderr, positioned the same way, changing no exit code.

import { formatPosition } from '../../errors.js';
import { loadOrThrow } from '../context.js';
import { write, type Io } from '../io.js';
import type { Outcome } from '../outcome.js';

export async function validateCommand(io: Io, opts: { config?: string }): Promise<Outcome> {
  const config = loadOrThrow(io, opts.config);
  for (const w of config.warnings) write(io.stderr, `${formatPosition(w.position)}: warning: ${w.message}`);
  const items = config.accounts.reduce((n, a) => n + a.items.length, 0);
  write(
    io.stdout,
    `The configuration is valid: ${config.accounts.length} account${config.accounts.length === 1 ? '' : 's'}, ` +
      `${items} item${items === 1 ? '' : 's'}.`,
  );
  return 'done';
}
