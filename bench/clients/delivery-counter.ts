import { nowMicros } from '../harness/clock.js';
import { LogHistogram, type HistogramData } from '../harness/log-histogram.js';

/** What one client process saw of a measurement. */
export interface DeliveryReport {
  expected: number;
  received: number;
  /** Arrival of the first and of the last expected message (µs, shared clock); 0 if none. */
  firstArrival: number;
  lastArrival: number;
  /** Send-to-arrival latency of every message, when armed with `latency`. */
  latency: HistogramData | null;
}

/**
 * Counts the broadcasts every socket of this process receives. Armed with the number expected
 * before the server sends; `done` settles when they have all arrived (or at the timeout).
 */
export class DeliveryCounter {
  private expected = 0;
  private received = 0;
  private firstArrival = 0;
  private lastArrival = 0;
  private histogram: LogHistogram | null = null;
  private settle: (() => void) | null = null;
  /**
   * Whether sockets note the position of every history broadcast (a string made per frame): on for
   * the recovery storm, which rejoins with the last one; off while measuring fan-out.
   */
  keepPositions = false;

  arm(expected: number, latency: boolean): void {
    this.expected = expected;
    this.received = 0;
    this.firstArrival = 0;
    this.lastArrival = 0;
    this.histogram = latency ? new LogHistogram() : null;
  }

  /** A broadcast arrived; `sendTime` is only read when measuring latency. */
  arrived(sendTime: () => number): void {
    if (this.received >= this.expected) return;
    this.received++;
    if (this.histogram) {
      const now = nowMicros();
      this.histogram.record(now - sendTime());
      if (this.received === 1) this.firstArrival = now;
      if (this.received === this.expected) this.lastArrival = now;
    } else if (this.received === 1 || this.received === this.expected) {
      const now = nowMicros();
      if (this.received === 1) this.firstArrival = now;
      if (this.received === this.expected) this.lastArrival = now;
    }
    if (this.received === this.expected) this.settle?.();
  }

  get latencyArmed(): boolean {
    return this.histogram !== null;
  }

  async done(timeoutMs: number): Promise<DeliveryReport> {
    if (this.received < this.expected) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.settle = () => (clearTimeout(timer), resolve());
      });
      this.settle = null;
    }
    return {
      expected: this.expected,
      received: this.received,
      firstArrival: this.firstArrival,
      lastArrival: this.lastArrival,
      latency: this.histogram?.toJSON() ?? null,
    };
  }
}
