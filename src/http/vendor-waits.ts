// The waits a vendor asks an account for (Retry-After, a spent quota's reset): kept through the
// pacer when within the limit, refused for the rest of the run when not, and announced once.

import { VendorError } from '../errors.js';
import type { HttpNotice } from './contract.js';
import type { Clock, Pacer } from './pacer.js';

/** Pauses at least this long are announced on stderr, with or without a TTY (once each). */
const ANNOUNCE_WAIT_MS = 5_000;

export class VendorWaits {
  /** Set once the vendor asked for a wait longer than allowed: every later request fails with it. */
  refused: string | undefined;
  /** When the last announced pause ends (epoch ms): a pause is announced once, however many answers ask for it. */
  private announcedUntil = 0;

  constructor(
    private readonly pacer: Pacer,
    private readonly clock: Clock,
    /** The vendor's host, as messages name it. */
    private readonly host: string,
    private readonly maxWaitMs: number,
    private readonly announce: (line: string, notice: Omit<HttpNotice, 'label'>) => void,
  ) {}

  /**
   * A wait the vendor asked for: the whole account pauses (the pacer holds every request that has
   * not started) when it is within the limit, and the run stops when it is not, so no run sleeps
   * for a day on a vendor's word. A long pause is announced once, however many answers ask for it;
   * again only when one moves its end by as much again. Throws the refusal for `address`.
   */
  ask(waitMs: number, source: string, address: string): void {
    if (!Number.isFinite(waitMs) || waitMs > this.maxWaitMs) {
      const asked = Number.isFinite(waitMs) ? `${Math.ceil(waitMs / 1000)} s` : 'for ever';
      this.refused =
        `${this.host} asked to wait ${asked} (${source}); ` +
        `the limit is ${Math.round(this.maxWaitMs / 1000)} s (max_wait_seconds on the account, or --max-wait)`;
      throw new VendorError(address, this.refused, { code: 'E_WAIT_TOO_LONG' });
    }
    const now = this.clock.now();
    const until = this.pacer.pauseUntil(now + Math.max(0, waitMs));
    const pauseMs = until - now;
    if (pauseMs < ANNOUNCE_WAIT_MS || until < this.announcedUntil + ANNOUNCE_WAIT_MS) return;
    this.announcedUntil = until;
    this.announce(
      `${this.host} asked to wait ${Math.ceil(pauseMs / 1000)} s (${source}), ` +
        `resuming at ${new Date(until).toISOString().slice(11, 19)} UTC`,
      { kind: 'wait', seconds: pauseMs / 1000, reason: source, until: new Date(until).toISOString() },
    );
  }
}
