// `statusform unlock`: removes a lock left behind by an apply that was killed.

import { breakLock } from '../../state/lock.js';
import { loadOrThrow } from '../context.js';
import { write, type Io } from '../io.js';

export async function unlockCommand(io: Io, opts: { config?: string }): Promise<number> {
  const config = loadOrThrow(io, opts.config);
  const info = breakLock(config.statePath);
  write(io.stdout, info ? `Removed the lock held by pid ${info.pid} on ${info.host} since ${info.since}.` : 'The state file was not locked.');
  return 0;
}
