/**
 * The live items of one kind (connections, long-poll sessions) with one shared sweep that ends
 * those gone stale, instead of a timer per item. The sweep timer runs only while there are items.
 */
export class SweptRegistry<K, T> {
  private readonly items = new Map<K, T>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    /** How often the sweep runs. */
    private readonly periodMs: number,
    private readonly isStale: (item: T, now: number) => boolean,
    /** Ends a stale item; it is expected to remove itself. */
    private readonly end: (item: T) => void,
  ) {}

  add(key: K, item: T): void {
    this.items.set(key, item);
    if (!this.sweepTimer) {
      this.sweepTimer = setInterval(() => this.sweep(Date.now()), this.periodMs);
      this.sweepTimer.unref();
    }
  }

  get(key: K): T | undefined {
    return this.items.get(key);
  }

  /** Removes `item` if it is still the one registered under `key`. */
  remove(key: K, item: T): void {
    if (this.items.get(key) === item) this.items.delete(key);
    if (this.items.size === 0) this.stop();
  }

  get size(): number {
    return this.items.size;
  }

  values(): IterableIterator<T> {
    return this.items.values();
  }

  /** Ends every stale item; the timer calls it, tests may too. */
  sweep(now: number): void {
    // Map iteration tolerates items removing themselves as they end.
    for (const item of this.items.values()) {
      if (this.isStale(item, now)) this.end(item);
    }
  }

  stop(): void {
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }
}
