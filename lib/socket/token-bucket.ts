/** A token bucket's shape: `burst` tokens at most, refilled at `messagesPerSecond`. @publicApi */
export interface RateLimitOptions {
  /** Sustained frames per second a socket may send. */
  messagesPerSecond: number;
  /** Frames a socket may send at once above the sustained rate. */
  burst: number;
}

/**
 * Tokens refilled lazily from the clock on each `take`: two numbers and no timer, so that every
 * connection can afford one.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(protected readonly options: RateLimitOptions, now = Date.now()) {
    this.tokens = options.burst;
    this.refilledAt = now;
  }

  /** Takes one token if there is one. */
  takeToken(now = Date.now()): boolean {
    return this.takeTokens(1, now);
  }

  /** Takes `count` tokens if there are that many (a frame's bytes, for a byte allowance). */
  takeTokens(count: number, now = Date.now()): boolean {
    const elapsed = now - this.refilledAt;
    if (elapsed > 0) {
      this.tokens = Math.min(this.options.burst, this.tokens + (elapsed * this.options.messagesPerSecond) / 1000);
      this.refilledAt = now;
    }
    if (this.tokens < count) return false;
    this.tokens -= count;
    return true;
  }
}
