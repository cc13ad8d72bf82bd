/**
 * Decides when the publishes queued during an outage go out. Every node loses Redis at the same
 * moment and reconnects on the same retry schedule, so flushing as soon as this node's publisher
 * is back would publish them while the other nodes have not subscribed again: Redis would hand
 * them to nobody. The gate holds them (and any publish made meanwhile, to keep the order) until
 * this node's own subscriptions are back plus `settleMs` for the others' retry jitter, and never
 * longer than `maxWaitMs` after the publisher came back.
 */
export class ReconnectFlushGate {
  private waiting = false;
  private settleTimer: NodeJS.Timeout | undefined;
  private giveUpTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly flush: () => void,
    private readonly settleMs: number,
    private readonly maxWaitMs: number,
  ) {}

  /** Publishes must queue behind the held ones. */
  get holding(): boolean {
    return this.waiting;
  }

  /** The publisher is ready again; `queued` publishes wait. */
  publisherReady(queued: number, subscriptionsBack: boolean): void {
    if (queued === 0 && !this.waiting) return;
    if (!this.waiting) {
      this.waiting = true;
      this.giveUpTimer = setTimeout(() => this.release(), this.maxWaitMs).unref();
    }
    if (subscriptionsBack) this.settle();
  }

  /** This node's subscriptions are in place again. */
  subscriptionsRestored(): void {
    if (this.waiting) this.settle();
  }

  close(): void {
    clearTimeout(this.settleTimer);
    clearTimeout(this.giveUpTimer);
    this.waiting = false;
  }

  private settle(): void {
    this.settleTimer ??= setTimeout(() => this.release(), this.settleMs).unref();
  }

  private release(): void {
    this.close();
    this.settleTimer = undefined;
    this.giveUpTimer = undefined;
    this.flush();
  }
}
