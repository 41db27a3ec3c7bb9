// The lock that stops two applies from writing one state file: a `.lock` file created
// exclusively, holding who took it. A lock left by a process that died on this host is stale.

import { randomUUID } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { RefusedError, UsageError, fileProblem } from '../errors.js';
import { inertText } from '../inert.js';

export interface LockInfo {
  pid: number;
  host: string;
  since: string;
  command: string;
  /** The CI run that holds it (GitHub Actions), for the refusal's reader to follow. */
  run?: string;
  /** This taking of the lock: a run releases only the lock it took (not one another run took after `unlock --force`). */
  token?: string;
}

/** What a lock guards, in words (`the state file`, `the state of account estate`), and how to remove it by hand. */
export interface LockAbout {
  what: string;
  unlock: string;
}

/** A word for a shell as it is, or single-quoted (a quote in it closed, escaped and reopened); control characters escaped. */
function shellWord(text: string): string {
  const inert = inertText(text);
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(inert) ? inert : `'${inert.replaceAll("'", "'\\''")}'`;
}

/**
 * The command that removes a lock by hand: `-c` with the configuration as the user gave it (none
 * for the default), the account of a state directory or database, `--force` for a live holder.
 */
export function unlockCommand(configPath?: string, account?: string, force = false): string {
  const config = configPath === undefined ? '' : ` -c ${shellWord(configPath)}`;
  return `statusform unlock${config}${account === undefined ? '' : ` --account ${account}`}${force ? ' --force' : ''}`;
}

/** The lock of a single state file, in words. */
export function stateFileLock(configPath?: string): LockAbout {
  return { what: 'the state file', unlock: unlockCommand(configPath) };
}

const STATE_FILE_LOCK = stateFileLock();

/** The GitHub Actions run this process belongs to, from the variables the runner sets; undefined elsewhere. */
export function ciRunUrl(env: NodeJS.ProcessEnv): string | undefined {
  const server = env['GITHUB_SERVER_URL'];
  const repo = env['GITHUB_REPOSITORY'];
  const id = env['GITHUB_RUN_ID'];
  if (!server || !repo || !id) return undefined;
  return `${server.replace(/\/+$/, '')}/${repo}/actions/runs/${id}`;
}

/** Who holds a lock, in words: `pid 4242 on runner-7 (statusform apply, run https://…, since …)`. */
export function holderWords(h: Pick<LockInfo, 'pid' | 'host' | 'command' | 'run' | 'since'>): string {
  return `pid ${h.pid} on ${h.host} (${h.command}${h.run ? `, run ${h.run}` : ''}, since ${h.since})`;
}

export function lockPath(statePath: string): string {
  return `${statePath}.lock`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(statePath: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(lockPath(statePath), 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

/** Whether the lock was left by a process on this host that no longer runs. */
export function isStale(info: LockInfo): boolean {
  return info.host === hostname() && !alive(info.pid);
}

/**
 * A lock file that cannot be read (empty: its writer died between creating and filling it) is
 * stale once it is older than this; younger, its writer may be filling it right now.
 */
const UNREADABLE_LOCK_GRACE_MS = 10_000;

export function unreadableAndOld(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > UNREADABLE_LOCK_GRACE_MS;
  } catch {
    return false;
  }
}

/**
 * Takes the lock or refuses (exit 3) naming who holds it. A stale lock from this host is
 * taken over; one from another host needs `statusform unlock` (it may still be running there).
 */
export function acquireLock(statePath: string, command: string, about: LockAbout = STATE_FILE_LOCK): () => void {
  const path = lockPath(statePath);
  const run = ciRunUrl(process.env);
  const info: LockInfo = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    command,
    ...(run ? { run } : {}),
    token: randomUUID(),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        // Still ours? After `unlock --force` another run may hold it now: that lock is left alone.
        if (readLock(statePath)?.token !== info.token) return;
        try {
          unlinkSync(path);
        } catch {
          /* already removed */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        const missing =
          (err as NodeJS.ErrnoException).code === 'ENOENT'
            ? `the directory ${dirname(statePath)} does not exist (create it, or change "state" in the configuration)`
            : fileProblem(err);
        throw new UsageError(`cannot lock the state file ${statePath}: ${missing}`);
      }
      const seen = readText(path);
      const holder = readLock(statePath);
      if (attempt === 0 && (holder ? isStale(holder) : unreadableAndOld(path))) {
        if (takeOverStale(path, seen ?? '')) continue;
        const now = readLock(statePath);
        throw new RefusedError(
          `${about.what} was just locked by ${now ? `pid ${now.pid} on ${now.host} (${now.command})` : 'another run'}, ` +
            'which took over the same stale lock first',
        );
      }
      const who = holder ? holderWords(holder) : 'an unknown process';
      throw new RefusedError(`${about.what} is locked by ${who}. If that run is gone, remove the lock with: ${about.unlock}`);
    }
  }
  throw new RefusedError(`could not lock ${about.what}`);
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Removes a stale lock that read as `seen`, unless another run took it over in the meantime.
 * The lock is first renamed aside (atomic: of two runs doing this, one gets it), then checked:
 * a lock that is not the stale one any more is put back. Returns whether the way is clear.
 */
export function takeOverStale(path: string, seen: string): boolean {
  const aside = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.stale`;
  try {
    renameSync(path, aside);
  } catch {
    return true; // already gone: the exclusive create decides who takes it
  }
  const moved = readText(aside);
  if (moved === seen) {
    unlinkSync(aside);
    return true;
  }
  try {
    linkSync(aside, path); // a live lock: back where it was (unless yet another run made one)
  } catch {
    /* the path is taken again: leave that lock alone */
  }
  unlinkSync(aside);
  return false;
}

export function breakLock(statePath: string): LockInfo | undefined {
  const info = readLock(statePath);
  try {
    unlinkSync(lockPath(statePath));
  } catch {
    return undefined;
  }
  return info;
}

/** Like acquireLock, but waits up to `timeoutMs` for another run to release the lock before refusing. */
export async function acquireLockWaiting(
  statePath: string,
  command: string,
  timeoutMs: number,
  pollMs = 200,
  about: LockAbout = STATE_FILE_LOCK,
): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return acquireLock(statePath, command, about);
    } catch (err) {
      if (!(err instanceof RefusedError) || Date.now() >= deadline) throw err;
      await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(0, deadline - Date.now()))));
    }
  }
}
