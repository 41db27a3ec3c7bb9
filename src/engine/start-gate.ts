// Which account reads start now, and which wait. A read started long before its turn on its
// origin's connections (undici queues what it cannot send) lives long enough for V8 to promote it,
// and then keeps what it is later given — answers, live items, diff rows — past its end, until a
// full collection: a fleet on one origin would hold far more memory at its peak. So reads start as
// their origin has room, and a read that has had its first answer no longer counts: one that then
// waits on its own rate limit does not hold others back.

/** Starts tasks in the order given, at most `size` of one key (an origin) at a time awaiting a first answer. */
export class StartGate {
  private readonly lanes = new Map<string, { busy: number; queued: (() => void)[] }>();

  constructor(private readonly size: number) {}

  /**
   * Runs `task` once `key` has room. The task calls `answered` at its first answer (later calls
   * do nothing); its slot is freed then, or when the task ends, whichever comes first.
   */
  run<T>(key: string, task: (answered: () => void) => Promise<T>): Promise<T> {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { busy: 0, queued: [] };
      this.lanes.set(key, lane);
    }
    const own = lane;
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        let held = true;
        const free = () => {
          if (!held) return;
          held = false;
          const next = own.queued.shift();
          if (next)
            next(); // the slot passes on
          else own.busy--;
        };
        let running: Promise<T>;
        try {
          running = task(free);
        } catch (err) {
          running = Promise.reject(err);
        }
        running.then(
          (value) => {
            free();
            resolve(value);
          },
          (err: unknown) => {
            free();
            reject(err);
          },
        );
      };
      if (own.busy < this.size) {
        own.busy++;
        start();
      } else own.queued.push(start);
    });
  }
}
