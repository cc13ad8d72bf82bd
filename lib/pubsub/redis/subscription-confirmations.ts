interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Which topics Redis has confirmed this node's SUBSCRIBE for, on the current subscriber
 * connection: a join on a history topic reads the topic's position only once the broadcasts
 * after it are sure to reach this node. Each (re)connection of the subscriber is a new
 * `generation`, on which nothing is confirmed until its SUBSCRIBE is answered.
 */
export class SubscriptionConfirmations {
  private readonly confirmed = new Set<string>();
  private readonly waiting = new Map<string, Waiter[]>();
  private gen = 0;

  get generation(): number {
    return this.gen;
  }

  isConfirmed(topic: string): boolean {
    return this.confirmed.has(topic);
  }

  /** Resolves once `topic` is confirmed; rejects at once when the subscriber is not `up`, or if it goes away first. */
  whenConfirmed(topic: string, up: boolean): Promise<void> {
    if (this.confirmed.has(topic)) return Promise.resolve();
    if (!up) return Promise.reject(new Error('the Redis subscriber connection is down'));
    return new Promise((resolve, reject) => {
      let waiters = this.waiting.get(topic);
      if (!waiters) this.waiting.set(topic, (waiters = []));
      waiters.push({ resolve, reject });
    });
  }

  /** The subscriber connection is ready again: a new generation, nothing confirmed on it yet. */
  connected(): void {
    this.gen++;
    this.confirmed.clear();
  }

  /** The subscriber connection is gone (or closing): waiting joins fail now rather than wait for it. */
  lost(error: Error): void {
    this.confirmed.clear();
    for (const topic of [...this.waiting.keys()]) this.fail(topic, error);
  }

  /** Redis answered the SUBSCRIBE of `topic`. */
  confirm(topic: string): void {
    this.confirmed.add(topic);
    const waiters = this.waiting.get(topic);
    if (!waiters) return;
    this.waiting.delete(topic);
    for (const waiter of waiters) waiter.resolve();
  }

  /** The SUBSCRIBE of `topic` failed, or this node unsubscribed. */
  fail(topic: string, error: Error): void {
    this.confirmed.delete(topic);
    const waiters = this.waiting.get(topic);
    if (!waiters) return;
    this.waiting.delete(topic);
    for (const waiter of waiters) waiter.reject(error);
  }
}
