import { TokenBucket } from './token-bucket.js';

export type { RateLimitOptions } from './token-bucket.js';

export type RateVerdict = 'accept' | 'throttle' | 'close';

/**
 * The inbound rate limit of one socket: each frame takes a token, a frame without one is refused,
 * and a socket that keeps sending more than `burst` refused frames in a row is closed.
 */
export class InboundRateLimit extends TokenBucket {
  private refusedInARow = 0;

  take(now = Date.now()): RateVerdict {
    if (this.takeToken(now)) {
      this.refusedInARow = 0;
      return 'accept';
    }
    this.refusedInARow += 1;
    return this.refusedInARow > this.options.burst ? 'close' : 'throttle';
  }
}
