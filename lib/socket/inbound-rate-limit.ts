/** Inbound rate limit of one socket (a token bucket). @publicApi */
export interface RateLimitOptions {
  /** Sustained frames per second a socket may send. */
  messagesPerSecond: number;
  /** Frames a socket may send at once above the sustained rate. */
  burst: number;
}

export type RateVerdict = 'accept' | 'throttle' | 'close';

/**
 * A token bucket per socket: each frame takes a token, tokens come back at `messagesPerSecond` up
 * to `burst`. A frame without a token is refused; a socket that keeps sending more than `burst`
 * refused frames in a row is closed. Three numbers per socket, no timer.
 */
export class InboundRateLimit {
  private tokens: number;
  private refilledAt: number;
  private refusedInARow = 0;

  constructor(private readonly options: RateLimitOptions, now = Date.now()) {
    this.tokens = options.burst;
    this.refilledAt = now;
  }

  take(now = Date.now()): RateVerdict {
    const elapsed = now - this.refilledAt;
    if (elapsed > 0) {
      this.tokens = Math.min(this.options.burst, this.tokens + (elapsed * this.options.messagesPerSecond) / 1000);
      this.refilledAt = now;
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.refusedInARow = 0;
      return 'accept';
    }
    this.refusedInARow += 1;
    return this.refusedInARow > this.options.burst ? 'close' : 'throttle';
  }
}
