// SIGINT/SIGTERM during apply, as in Terraform: the first asks the run to stop (nothing new
// starts, writes in flight finish, the state is saved, the lock released); the second ends the
// process at once. Signals come through the injected Io, so in-process tests install nothing.

import type { InterruptSignal } from '../errors.js';
import { write, type Io } from './io.js';

export interface Interrupts {
  /** Aborted at the first signal: the executor's stop request. */
  readonly signal: AbortSignal;
  /** The first signal received, if any. */
  readonly received: InterruptSignal | undefined;
  /** Runs at a forced exit (the second signal), before the process ends: e.g. releasing the lock. */
  onForcedExit(cleanup: () => void): void;
  dispose(): void;
}

/** Listens for interrupts while a command writes; `exitCode` is the code a forced exit ends with. */
export function listenForInterrupts(io: Io, graceSeconds: number, exitCode: (s: InterruptSignal) => number): Interrupts {
  const controller = new AbortController();
  const cleanups: (() => void)[] = [];
  let received: InterruptSignal | undefined;
  const unsubscribe = io.onSignal?.((sig) => {
    if (received === undefined) {
      received = sig;
      write(
        io.stderr,
        `\n${sig} received: no new change starts; waiting up to ${graceSeconds} s for ` +
          'the changes in flight, then saving the state. Interrupt again to stop at once.',
      );
      controller.abort();
      return;
    }
    for (const cleanup of cleanups.splice(0)) {
      try {
        cleanup();
      } catch {
        /* exiting anyway */
      }
    }
    write(
      io.stderr,
      `${sig} received again: stopping at once. Changes in flight may or may not have been made; ` +
        'the state file holds what finished (run statusform plan).',
    );
    io.exit?.(exitCode(received));
  });
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    onForcedExit: (cleanup) => cleanups.push(cleanup),
    dispose: () => unsubscribe?.(),
  };
}
