import { TokenBucket } from './token-bucket.js';

import type { RateLimitOptions } from './token-bucket.js';

export type { RateLimitOptions } from './token-bucket.js';

/** A per-socket allowance of inbound bytes. @publicApi */
export interface ByteRateLimitOptions {
  /** Sustained inbound bytes per second. */
  bytesPerSecond: number;
  /** Bytes a socket may send at once above the sustained rate; at least `maxFrameSize`. */
  burstBytes: number;
}

/** `accept`; `refuse` and answer it; `drop` it unanswered (and undecoded); `close` the socket. */
export type RateVerdict = 'accept' | 'refuse' | 'drop' | 'close';

/** How long a socket may keep being refused, without a pause of {@link STREAK_BREAK_MS}, before it is closed. */
export const FLOOD_WINDOW_MS = 10_000;
/** A pause in refusals this long ends a flood. */
const STREAK_BREAK_MS = 2_000;
/** Refused frames answered per second at most: answering costs a decode and a write. */
const ANSWERS_PER_SECOND = 10;

/**
 * The inbound rate limit of one socket: each frame takes a token, a frame without one is refused.
 * Refusals are answered at a bounded rate (the rest are dropped without being decoded), and a
 * socket is closed when it sends more than `burst` refused frames in a row, or keeps being refused
 * for {@link FLOOD_WINDOW_MS}: a steady flood just above the refill rate, which the tokens it earns
 * would otherwise keep from ever being refused `burst` times in a row.
 */
export class InboundRateLimit extends TokenBucket {
  /** Made at the first refusal: most sockets are never refused. */
  private refusals: Refusals | undefined;
  /**
   * The socket's inbound bytes, when they are limited too (a token per byte): a second bucket
   * kept in two fields of this one, with the node's options, rather than an object of its own.
   */
  private byteTokens: number;
  private bytesRefilledAt: number;

  constructor(
    options: RateLimitOptions,
    private readonly byteLimit: ByteRateLimitOptions | false = false,
    now = Date.now(),
  ) {
    super(options, now);
    this.byteTokens = byteLimit ? byteLimit.burstBytes : 0;
    this.bytesRefilledAt = now;
  }

  /** A frame of `size` bytes (0 for a control frame such as a ping). */
  take(now = Date.now(), size = 0): RateVerdict {
    if (this.takeToken(now) && (this.byteLimit === false || size === 0 || this.takeBytes(size, now))) {
      if (this.refusals !== undefined) this.refusals.inARow = 0;
      return 'accept';
    }
    const refusals = (this.refusals ??= new Refusals(now));
    refusals.inARow += 1;
    if (now - refusals.lastAt > STREAK_BREAK_MS) refusals.floodStartedAt = now;
    refusals.lastAt = now;
    if (refusals.inARow > this.options.burst || now - refusals.floodStartedAt >= FLOOD_WINDOW_MS) return 'close';
    return refusals.answers.takeToken(now) ? 'refuse' : 'drop';
  }

  /** {@link TokenBucket.takeTokens} for the byte bucket. */
  private takeBytes(size: number, now: number): boolean {
    const { bytesPerSecond, burstBytes } = this.byteLimit as ByteRateLimitOptions;
    const elapsed = now - this.bytesRefilledAt;
    if (elapsed > 0) {
      this.byteTokens = Math.min(burstBytes, this.byteTokens + (elapsed * bytesPerSecond) / 1000);
      this.bytesRefilledAt = now;
    }
    if (this.byteTokens < size) return false;
    this.byteTokens -= size;
    return true;
  }
}

/** A refused socket's streak, flood window and allowance of answered refusals. */
class Refusals {
  inARow = 0;
  floodStartedAt: number;
  lastAt = -Infinity;
  readonly answers: TokenBucket;

  constructor(now: number) {
    this.floodStartedAt = now;
    this.answers = new TokenBucket({ messagesPerSecond: ANSWERS_PER_SECOND, burst: ANSWERS_PER_SECOND }, now);
  }
}
