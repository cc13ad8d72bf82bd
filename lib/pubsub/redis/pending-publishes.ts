/** A publish waiting for Redis: its channel and encoded envelope. */
export interface PendingPublish {
  channel: string;
  data: string;
}

/**
 * Publishes held while Redis is unreachable, at most `limit`; the oldest go first when full.
 * Envelopes are numbered before they are queued, so one dropped here is a gap on the receivers.
 */
export class PendingPublishes {
  private items: PendingPublish[] = [];

  constructor(private readonly limit: number) {}

  /** Queues `item`; returns how many publishes were dropped to make room (0 or 1). */
  add(item: PendingPublish): number {
    if (this.limit === 0) return 1;
    this.items.push(item);
    if (this.items.length <= this.limit) return 0;
    this.items.shift();
    return 1;
  }

  /** Empties the queue, oldest first. */
  drain(): PendingPublish[] {
    const items = this.items;
    this.items = [];
    return items;
  }

  get size(): number {
    return this.items.length;
  }
}
