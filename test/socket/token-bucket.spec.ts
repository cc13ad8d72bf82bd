import { InboundRateLimit } from '../../lib/socket/inbound-rate-limit.js';
import { TokenBucket } from '../../lib/socket/token-bucket.js';

describe('TokenBucket', () => {
  test('gives `burst` tokens at once, then refills at `messagesPerSecond` up to `burst`', () => {
    const bucket = new TokenBucket({ messagesPerSecond: 2, burst: 3 }, 0);
    expect([1, 2, 3, 4].map(() => bucket.takeToken(0))).toEqual([true, true, true, false]);
    expect(bucket.takeToken(499)).toBe(false);
    expect(bucket.takeToken(500)).toBe(true);
    expect(bucket.takeToken(500)).toBe(false);
    // A long quiet spell refills to `burst`, never more.
    expect([1, 2, 3, 4].map(() => bucket.takeToken(60_000))).toEqual([true, true, true, false]);
  });
});

describe('InboundRateLimit', () => {
  test('throttles a frame without a token and closes after more than `burst` refusals in a row', () => {
    const limit = new InboundRateLimit({ messagesPerSecond: 1, burst: 2 }, 0);
    expect([1, 2, 3, 4, 5].map(() => limit.take(0))).toEqual(['accept', 'accept', 'throttle', 'throttle', 'close']);
  });

  test('a frame accepted in between starts the count of refusals again', () => {
    const limit = new InboundRateLimit({ messagesPerSecond: 1, burst: 2 }, 0);
    expect([limit.take(0), limit.take(0), limit.take(0), limit.take(0)]).toEqual(['accept', 'accept', 'throttle', 'throttle']);
    expect(limit.take(1000)).toBe('accept');
    expect([limit.take(1000), limit.take(1000), limit.take(1000)]).toEqual(['throttle', 'throttle', 'close']);
  });
});
