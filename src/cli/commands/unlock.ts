// `statusform unlock`: removes a lock left behind by an apply that was killed. It needs no
// credential (only where the state file is), and leaves alone a lock whose run is still alive here.

import { statePathOf } from '../../config/load.js';
import { ConfigError, RefusedError } from '../../errors.js';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { breakLock, isStale, lockPath, readLock, unreadableAndOld } from '../../state/lock.js';
import { DEFAULT_CONFIG } from '../context.js';
import { write, type Io } from '../io.js';
import type { Outcome } from '../outcome.js';

export async function unlockCommand(io: Io, opts: { config?: string; force?: boolean }): Promise<Outcome> {
  const located = statePathOf(opts.config ?? DEFAULT_CONFIG, { cwd: io.cwd, env: io.env });
  if (!located.statePath) throw new ConfigError(located.problems);
  const statePath = located.statePath;
  const path = lockPath(statePath);
  if (!existsSync(path)) {
    write(io.stdout, 'The state file was not locked.');
    return 'done';
  }
  const holder = readLock(statePath);
  if (holder && holder.host === hostname() && !isStale(holder) && !opts.force) {
    throw new RefusedError(`the lock is held by pid ${holder.pid} (${holder.command}, since ${holder.since}), which is still running on this host; stop it, or pass --force`);
  }
  if (!holder && !unreadableAndOld(path) && !opts.force) {
    throw new RefusedError('the lock file is being written right now (it is empty and a few seconds old); try again, or pass --force');
  }
  const info = breakLock(statePath);
  write(io.stdout, info ? `Removed the lock held by pid ${info.pid} on ${info.host} since ${info.since}.` : 'Removed the lock (it did not say who held it).');
  return 'done';
}
