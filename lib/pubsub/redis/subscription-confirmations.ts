interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Which topics Redis has confirmed this node's SUBSCRIBE for, on the current subscriber
 * connection: a join on a history topic reads the topic's position only once the broadcasts
 * after it are sure to reach this node. After the subscriber reconnects nothing is confirmed
 * until its SUBSCRIBEs are answered again.
 */
export class SubscriptionConfirmations {
  /** Confirmed topics, each with the number of its confirmation (unique over this node's life). */
  private readonly confirmed = new Map<string, number>();
  private readonly waiting = new Map<string, Waiter[]>();
  private confirmations = 0;

  isConfirmed(topic: string): boolean {
    return this.confirmed.has(topic);
  }

  /**
   * Which confirmation of `topic` is current (0: none): reads made after the same one may be
   * shared, since each of them started after the subscription was in place.
   */
  stamp(topic: string): number {
    return this.confirmed.get(topic) ?? 0;
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

  /** The subscriber connection is ready (again): nothing is confirmed on it yet. */
  connected(): void {
    this.confirmed.clear();
  }

  /** The subscriber connection is gone (or closing): waiting joins fail now rather than wait for it. */
  lost(error: Error): void {
    this.confirmed.clear();
    for (const topic of [...this.waiting.keys()]) this.fail(topic, error);
  }

  /** Redis answered the SUBSCRIBE of `topic`. */
  confirm(topic: string): void {
    this.confirmed.set(topic, ++this.confirmations);
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
