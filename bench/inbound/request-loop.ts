import type { Requester } from './requesters.js';

/** What one run sent and got back: every request must have had exactly one successful reply. */
export interface LoopCounts {
  sent: number;
  replied: number;
  failed: number;
}

/**
 * Keeps `depth` requests outstanding on every connection: each reply sends the next request on
 * the same connection (depth 1 is a closed loop, 10 a pipelining client).
 */
export class RequestLoop {
  private sent = 0;
  private replied = 0;
  private failed = 0;
  private running = false;
  private drained: (() => void) | null = null;
  private readonly requesters: Requester[] = [];

  add(requester: Requester): void {
    this.requesters.push(requester);
  }

  close(): void {
    for (const requester of this.requesters) requester.close();
    this.requesters.length = 0;
  }

  readonly onReply = (requester: Requester, ok: boolean): void => {
    this.replied++;
    if (!ok) this.failed++;
    if (this.running) this.send(requester);
    else if (this.replied >= this.sent) this.drained?.();
  };

  start(depth: number): void {
    this.sent = this.replied = this.failed = 0;
    this.running = true;
    for (let i = 0; i < depth; i++) for (const requester of this.requesters) this.send(requester);
  }

  /** Replies so far in this run. */
  get replies(): number {
    return this.replied;
  }

  /** Stops sending and waits for the outstanding replies (up to `timeoutMs`). */
  async stop(timeoutMs: number): Promise<LoopCounts> {
    this.running = false;
    if (this.replied < this.sent) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.drained = () => (clearTimeout(timer), resolve());
      });
      this.drained = null;
    }
    return { sent: this.sent, replied: this.replied, failed: this.failed };
  }

  private send(requester: Requester): void {
    this.sent++;
    requester.send();
  }
}
