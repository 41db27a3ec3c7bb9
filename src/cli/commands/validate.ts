// `statusform validate`: every problem at once as file:line:col, no network.

import { loadOrThrow } from '../context.js';
import { write, type Io } from '../io.js';
import type { Outcome } from '../outcome.js';

export async function validateCommand(io: Io, opts: { config?: string }): Promise<Outcome> {
  const config = loadOrThrow(io, opts.config);
  const items = config.accounts.reduce((n, a) => n + a.items.length, 0);
  write(
    io.stdout,
    `The configuration is valid: ${config.accounts.length} account${config.accounts.length === 1 ? '' : 's'}, ` +
      `${items} item${items === 1 ? '' : 's'}.`,
  );
  return 'done';
}
