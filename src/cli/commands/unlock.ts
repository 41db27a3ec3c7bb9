// `statusform unlock`: removes a lock left behind by an apply that was killed. It needs no
// credential (only where the state is), and leaves alone a lock whose run is still alive here.
// In the directory layout each account has its own lock: `--account NAME` removes that one;
// without it, every stale lock (its run gone from this host) is removed and the others are named.
// In PostgreSQL a lock dies with its run's database session, so there is nothing to remove: it
// names who holds what, and `--force` ends the session of a run that hangs.

import { RefusedError, UsageError } from '../../errors.js';
import { existsSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { breakLock, holderWords, isStale, lockPath, readLock, unreadableAndOld } from '../../state/lock.js';
import type { PostgresStore, HeldLock } from '../../state/postgres.js';
import { accountFileName, accountOfFileName, openStateStore } from '../../state/store.js';
import { stateLocationOf } from '../context.js';
import { write, type Io } from '../io.js';
import type { Outcome } from '../outcome.js';

export async function unlockCommand(io: Io, opts: { config?: string; force?: boolean; account?: string }): Promise<Outcome> {
  const located = stateLocationOf(io, opts.config);
  const force = opts.force ?? false;
  if (located.layout === 'file') {
    if (opts.account !== undefined)
      throw new UsageError(`--account is for a state directory; the state file ${located.path} has one lock for every account`);
    return unlockOne(io, located.path, 'The state file was not locked.', force);
  }
  // An account name, never a path: `--account ../x` must not reach a lock outside the state directory.
  if (opts.account !== undefined && !/^[A-Za-z][A-Za-z0-9_-]*$/.test(opts.account)) {
    throw new UsageError(`--account must be an account name (letters, digits, "_" and "-"), not ${JSON.stringify(opts.account)}`);
  }
  if (located.layout === 'postgres') {
    const store = openStateStore(located, io.env) as PostgresStore;
    try {
      return opts.account === undefined ? await sayPostgresLocks(io, store) : await unlockPostgres(io, store, opts.account, force);
    } finally {
      await store.close();
    }
  }
  if (opts.account === undefined) return unlockStale(io, located.path);
  const statePath = join(located.path, accountFileName(opts.account));
  return unlockOne(io, statePath, `The state of account ${opts.account} was not locked.`, force, opts.account);
}

/** The accounts of a state directory whose state has a lock file, by name. */
function lockedAccounts(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .flatMap((f) => (f.endsWith('.json.lock') ? [accountOfFileName(f.slice(0, -'.lock'.length))] : []))
    .filter((a): a is string => a !== undefined)
    .sort();
}

/**
 * Every stale lock of a state directory (its run gone from this host, or never said who it was and
 * old) removed; the others named and left (exit 3), since their runs may still be going.
 */
function unlockStale(io: Io, dir: string): Outcome {
  const locked = lockedAccounts(dir);
  if (locked.length === 0) {
    write(io.stdout, "No account's state was locked.");
    return 'done';
  }
  const held: string[] = [];
  for (const account of locked) {
    const statePath = join(dir, accountFileName(account));
    const holder = readLock(statePath);
    if (holder ? isStale(holder) : unreadableAndOld(lockPath(statePath))) {
      breakLock(statePath);
      const left = holder
        ? `pid ${holder.pid} (${holder.command}, since ${holder.since}), which is gone`
        : 'a run that died before saying who it was';
      write(io.stdout, `${account}: removed the lock left by ${left}.`);
    } else {
      const by = holder
        ? `pid ${holder.pid} on ${holder.host} (${holder.command}, since ${holder.since})`
        : 'a run writing its lock right now';
      held.push(`${account}: locked by ${by}`);
    }
  }
  if (held.length > 0) {
    throw new RefusedError(
      'these locks may belong to runs still going, so they were left; once you know a run is gone, ' +
        `remove its lock with statusform unlock --account NAME:\n  ${held.join('\n  ')}`,
    );
  }
  return 'done';
}

/** Removes the lock of one state file, unless its run is still alive on this host (or it is being written) and not forced. */
function unlockOne(io: Io, statePath: string, notLocked: string, force: boolean, account?: string): Outcome {
  const path = lockPath(statePath);
  if (!existsSync(path)) {
    write(io.stdout, notLocked);
    return 'done';
  }
  const holder = readLock(statePath);
  if (holder && holder.host === hostname() && !isStale(holder) && !force) {
    throw new RefusedError(
      `the lock${account ? ` of account ${account}` : ''} is held by pid ${holder.pid} (${holder.command}, ` +
        `since ${holder.since}), which is still running on this host; stop it, or pass --force`,
    );
  }
  if (!holder && !unreadableAndOld(path) && !force) {
    throw new RefusedError('the lock file is being written right now (it is empty and a few seconds old); try again, or pass --force');
  }
  const info = breakLock(statePath);
  const of = account ? ` of account ${account}` : '';
  write(
    io.stdout,
    info
      ? `Removed the lock${of} held by pid ${info.pid} on ${info.host} since ${info.since}.`
      : `Removed the lock${of} (it did not say who held it).`,
  );
  return 'done';
}

const heldWords = (lock: HeldLock) =>
  lock.holder ? holderWords(lock.holder) : `a run whose record is being written (database session ${lock.backendPid})`;

/**
 * Every account whose lock a live database session holds, named (exit 3: those runs may still be
 * going); records left by runs that are gone are removed, and said. Their locks went with them.
 */
async function sayPostgresLocks(io: Io, store: PostgresStore): Promise<Outcome> {
  const { held, leftOver } = await store.locks();
  for (const l of leftOver)
    write(
      io.stdout,
      `${l.account}: the run that held its lock${l.holder ? ` (${holderWords(l.holder)})` : ''} is gone, and the database ` +
        'released the lock with it; its record is removed.',
    );
  if (held.length === 0) {
    if (leftOver.length === 0) write(io.stdout, "No account's state was locked.");
    return 'done';
  }
  throw new RefusedError(
    'these locks are held by database sessions that are still open, so their runs may still be going; a lock is released ' +
      'when its run ends, however it ends. If a run hangs, end its session with statusform unlock --account NAME --force:\n  ' +
      held.map((l) => `${l.account}: locked by ${heldWords(l)}`).join('\n  '),
  );
}

/** One account's lock: free, held (refused without --force), or freed by ending the session that holds it. */
async function unlockPostgres(io: Io, store: PostgresStore, account: string, force: boolean): Promise<Outcome> {
  const lock = await store.heldLock(account);
  if (!lock) {
    write(io.stdout, `The state of account ${account} was not locked.`);
    return 'done';
  }
  if (!force)
    throw new RefusedError(
      `the lock of account ${account} is held by ${heldWords(lock)}, whose database session is still open: the lock is ` +
        'released when that run ends, however it ends. If it hangs, pass --force to end its database session ' +
        '(its writes then fail, and what it did at the vendors is read again by the next plan)',
    );
  const ended = await store.endHolder(account);
  write(
    io.stdout,
    ended
      ? `Ended the database session of ${heldWords(ended)}: the lock of account ${account} is free.`
      : `The state of account ${account} was not locked (its run ended meanwhile).`,
  );
  return 'done';
}
