import { existsSync, readFileSync, readdirSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { RefusedError, UsageError } from '../../src/errors.js';
import { acquireLock, lockPath, readLock, takeOverStale, unlockCommand } from '../../src/state/lock.js';
import { StateRecorder } from '../../src/state/recorder.js';
import { emptyState, readState, writeState } from '../../src/state/state-file.js';
import { openStateStore } from '../../src/state/store.js';
import { tempDir } from '../helpers.js';

describe('the state file', () => {
  it('starts empty with a fresh lineage, and round-trips through an atomic write', () => {
    const path = join(tempDir(), 'statusform.state.json');
    const s = readState(path);
    expect(s.serial).toBe(0);
    expect(s.lineage).toBe(''); // no history yet
    s.accounts['nerds'] = { vendor: 'thalamus', items: { a: { id: 'u', fields: { label: 'A' }, active: true } } };
    writeState(path, s);
    expect(s.lineage).toMatch(/^[0-9a-f-]{36}$/);
    expect(readState(path)).toEqual(s);
    expect(readdirSync(join(path, '..')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a corrupt state file instead of starting over (which would forget what is owned)', () => {
    const path = join(tempDir(), 's.json');
    writeFileSync(path, '{"version":1,"lin');
    expect(() => readState(path)).toThrow(UsageError);
  });

  it('has a lineage that differs between fresh states', () => {
    expect(emptyState().lineage).not.toBe(emptyState().lineage);
  });
});

describe('the state lock', () => {
  it('stops a second apply, naming who holds the lock, and is released after', () => {
    const path = join(tempDir(), 's.json');
    const release = acquireLock(path, 'statusform apply');
    expect(() => acquireLock(path, 'statusform apply')).toThrow(RefusedError);
    expect(() => acquireLock(path, 'statusform apply')).toThrow(new RegExp(`pid ${process.pid}`));
    release();
    expect(existsSync(lockPath(path))).toBe(false);
    acquireLock(path, 'again')();
  });

  it("releases only the lock it took: after a forced unlock, another run's lock stays", () => {
    const path = join(tempDir(), 's.json');
    const releaseFirst = acquireLock(path, 'statusform apply (first)');
    unlinkSync(lockPath(path)); // statusform unlock --force, while the first run still goes on
    const releaseSecond = acquireLock(path, 'statusform apply (second)');
    releaseFirst(); // the first run ends
    expect(existsSync(lockPath(path))).toBe(true);
    expect(readLock(path)?.command).toBe('statusform apply (second)');
    releaseSecond();
    expect(existsSync(lockPath(path))).toBe(false);
  });

  it('takes over a lock left by a process that died on this host', () => {
    const path = join(tempDir(), 's.json');
    // A real process that has exited: its pid is no longer alive.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(lockPath(path), JSON.stringify({ pid: Number(dead), host: hostname(), since: 'then', command: 'apply' }));
    const release = acquireLock(path, 'statusform apply');
    expect(JSON.parse(readFileSync(lockPath(path), 'utf8')).pid).toBe(process.pid);
    release();
  });

  it('takes over an empty lock file once it is old (its writer died before filling it), never a fresh one', () => {
    const path = join(tempDir(), 's.json');
    writeFileSync(lockPath(path), '');
    expect(() => acquireLock(path, 'statusform apply')).toThrow(RefusedError); // may be being written right now
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockPath(path), old, old);
    const release = acquireLock(path, 'statusform apply');
    expect(JSON.parse(readFileSync(lockPath(path), 'utf8')).pid).toBe(process.pid);
    release();
  });

  it('never removes a lock that another run took over between reading it stale and removing it', () => {
    const path = lockPath(join(tempDir(), 's.json'));
    const stale = JSON.stringify({ pid: 1, host: hostname(), since: 'then', command: 'apply' });
    const fresh = JSON.stringify({ pid: process.pid, host: hostname(), since: 'now', command: 'apply' });
    writeFileSync(path, fresh); // what the file holds by the time this run acts on the stale one it read
    expect(takeOverStale(path, stale)).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe(fresh);
    expect(readdirSync(join(path, '..'))).toEqual(['s.json.lock']); // nothing left aside
    writeFileSync(path, stale);
    expect(takeOverStale(path, stale)).toBe(true);
    expect(existsSync(path)).toBe(false);
  });
});

describe('what adopt records', () => {
  it('an item renamed at the vendor and adopted moves to its new key with its vendor id and live values; what depends on it follows', async () => {
    const path = join(tempDir(), 'state.json');
    const items = {
      OPEN: { id: 1, active: true, fields: { status: 'OPEN', sort_order: 1 } },
      LATE: { id: 2, active: true, fields: { status: 'OPEN', sort_order: 2 }, dependsOn: ['OPEN'] },
    };
    const snapshot = { accounts: { salon: { vendor: 'timetap', items } }, versions: {} };
    const recorder = new StateRecorder(snapshot, openStateStore({ layout: 'file', path }), () => ({
      vendor: 'timetap',
      origin: 'https://api.timetap.com',
    }));
    recorder.recordAdopted({ account: 'salon', key: 'WAITING', from_key: 'OPEN', id: 1, fields: { status: 'OPEN', sort_order: 3 } });
    recorder.recordAdopted({ account: 'salon', key: 'LATE', id: 2, fields: { status: 'COMPLETED', sort_order: 2 } });
    await recorder.flush();
    expect(readState(path).accounts['salon']!.items).toEqual({
      WAITING: { id: 1, active: true, fields: { status: 'OPEN', sort_order: 3 } },
      LATE: { id: 2, active: true, fields: { status: 'COMPLETED', sort_order: 2 }, dependsOn: ['WAITING'] },
    });
  });
});

describe('the unlock command a held lock names', () => {
  it('gives the configuration as the user named it, quoted for a shell when it must be, and inert', () => {
    expect(unlockCommand()).toBe('statusform unlock');
    expect(unlockCommand('infra/statusform', 'estate')).toBe('statusform unlock -c infra/statusform --account estate');
    expect(unlockCommand('my configs/statusform.yaml', 'estate', true)).toBe(
      "statusform unlock -c 'my configs/statusform.yaml' --account estate --force",
    );
    expect(unlockCommand("Bob's")).toBe("statusform unlock -c 'Bob'\\''s'");
    expect(unlockCommand('a\nb')).not.toContain('\n');
  });
});
