import type { PendingPublish } from './pending-publishes.js';

/** A history broadcast on its way to Redis: one run of the publish script (history-scripts.ts). */
export interface HistoryPublish {
  readonly topic: string;
  /** The script's keys, then its arguments. */
  readonly args: string[];
  /** Told the script's answer (the broadcast's position) or why it failed. */
  settle(error: Error | null, reply: unknown): void;
}

/** What a turn sends to Redis: plain PUBLISHes and history scripts, in the order they were made. */
export type OutgoingPublish = PendingPublish | HistoryPublish;

export function isHistoryPublish(item: OutgoingPublish): item is HistoryPublish {
  return 'settle' in item;
}

/**
 * Gathers the PUBLISHes (and history scripts) of one run of synchronous code and hands them over together at its end
 * (`process.nextTick`), so that a burst of broadcasts leaves in one pipeline, i.e. one TCP write.
 * ioredis writes each command on its own otherwise, and Redis then often forwards the head of a
 * burst alone: receiving nodes read it in two pieces and write to their sockets twice.
 */
export class PublishBatch {
  private queued: OutgoingPublish[] = [];
  private readonly flushNow = () => {
    const batch = this.queued;
    this.queued = [];
    this.send(batch);
  };

  constructor(private readonly send: (batch: OutgoingPublish[]) => void) {}

  add(item: OutgoingPublish): void {
    this.queued.push(item);
    if (this.queued.length === 1) process.nextTick(this.flushNow);
  }
}
