/**
 * The history reads of one node: identical reads asked for while one is in flight share it (a
 * reconnect storm of clients rejoining one topic from one position costs one read, not one per
 * client), and at most `maxConcurrent` run at a time, the others waiting in order.
 */
export class CoalescedReads {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly waiting: Array<() => void> = [];
  private running = 0;

  constructor(private readonly maxConcurrent: number) {}

  /**
   * The result of `read()`, or of the one already asked for under `key` and not settled yet. The
   * result is shared: callers must not change it.
   */
  read<T>(key: string, read: () => Promise<T>): Promise<T> {
    const shared = this.inFlight.get(key);
    if (shared !== undefined) return shared as Promise<T>;
    const started = this.limited(read);
    this.inFlight.set(key, started);
    const forget = () => {
      if (this.inFlight.get(key) === started) this.inFlight.delete(key);
    };
    started.then(forget, forget);
    return started;
  }

  /** Reads running now. */
  get active(): number {
    return this.running;
  }

  /** Reads waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  private async limited<T>(read: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxConcurrent) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await read();
    } finally {
      // The slot passes to the next waiting read as it is; `running` only drops when none waits.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
