import type { PendingPublish } from './pending-publishes.js';

/**
 * Gathers the PUBLISHes of one run of synchronous code and hands them over together at its end
 * (`process.nextTick`), so that a burst of broadcasts leaves in one pipeline, i.e. one TCP write.
 * ioredis writes each command on its own otherwise, and Redis then often forwards the head of a
 * burst alone: receiving nodes read it in two pieces and write to their sockets twice.
 */
export class PublishBatch {
  private queued: PendingPublish[] = [];
  private readonly flushNow = () => {
    const batch = this.queued;
    this.queued = [];
    this.send(batch);
  };

  constructor(private readonly send: (batch: PendingPublish[]) => void) {}

  add(item: PendingPublish): void {
    this.queued.push(item);
    if (this.queued.length === 1) process.nextTick(this.flushNow);
  }
}
