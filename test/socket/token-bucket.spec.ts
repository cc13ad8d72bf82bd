import { FLOOD_WINDOW_MS, InboundRateLimit } from '../../lib/socket/inbound-rate-limit.js';
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
  test('refuses a frame without a token and closes after more than `burst` refusals in a row', () => {
    const limit = new InboundRateLimit({ messagesPerSecond: 1, burst: 2 }, false, 0);
    expect([1, 2, 3, 4, 5].map(() => limit.take(0))).toEqual(['accept', 'accept', 'refuse', 'refuse', 'close']);
  });

  test('a frame accepted in between starts the count of refusals again', () => {
    const limit = new InboundRateLimit({ messagesPerSecond: 1, burst: 2 }, false, 0);
    expect([limit.take(0), limit.take(0), limit.take(0), limit.take(0)]).toEqual(['accept', 'accept', 'refuse', 'refuse']);
    expect(limit.take(1000)).toBe('accept');
    expect([limit.take(1000), limit.take(1000), limit.take(1000)]).toEqual(['refuse', 'refuse', 'close']);
  });

  test('a steady flood, never refused burst times in a row, is closed once refused for the flood window', () => {
    const limit = new InboundRateLimit({ messagesPerSecond: 10, burst: 20 }, false, 0);
    // 20 frames a second against a refill of 10: every token earned is spent, so refusals never
    // reach 20 in a row, but they go on; the bucket empties after about 2 s.
    const times: number[] = [];
    for (let ms = 0; ms < 20_000; ms += 50) times.push(ms);
    const verdicts = times.map((ms) => limit.take(ms));
    expect(verdicts.slice(0, times.indexOf(1_500)).every((verdict) => verdict === 'accept')).toBe(true);
    const firstRefusal = times[verdicts.findIndex((verdict) => verdict !== 'accept')]!;
    const closedAt = times[verdicts.indexOf('close')]!;
    expect(closedAt - firstRefusal).toBeGreaterThanOrEqual(FLOOD_WINDOW_MS);
    expect(closedAt - firstRefusal).toBeLessThan(FLOOD_WINDOW_MS + 100);
  });

  test('a flood that pauses for a second starts its window again', () => {
    const limit = new InboundRateLimit({ messagesPerSecond: 1, burst: 1000 }, false, 0);
    for (let token = 0; token < 1000; token++) limit.take(0);
    for (let second = 0; second < 60; second += 3) {
      // Refused in bursts, with three quiet seconds between them.
      for (let frame = 0; frame < 5; frame++) expect(limit.take(second * 1000)).not.toBe('close');
    }
  });

  test('with a byte limit, a frame needs a token and its bytes; the bytes refill at bytesPerSecond up to burstBytes', () => {
    const limit = new InboundRateLimit({ messagesPerSecond: 1000, burst: 1000 }, { bytesPerSecond: 100, burstBytes: 300 }, 0);
    expect([limit.take(0, 200), limit.take(0, 100), limit.take(0, 1), limit.take(0, 0)]).toEqual(['accept', 'accept', 'refuse', 'accept']);
    expect(limit.take(499, 50)).toBe('refuse');
    expect(limit.take(1000, 50)).toBe('accept');
    expect(limit.take(1000, 51)).toBe('refuse');
    // A long quiet spell refills to burstBytes, never more.
    expect([limit.take(60_000, 300), limit.take(60_000, 1)]).toEqual(['accept', 'refuse']);
  });

  test('answers at most 10 refusals a second; the rest are dropped', () => {
    const limit = new InboundRateLimit({ messagesPerSecond: 1, burst: 100 }, false, 0);
    for (let token = 0; token < 100; token++) limit.take(0);
    const verdicts = Array.from({ length: 50 }, () => limit.take(0));
    expect(verdicts.filter((verdict) => verdict === 'refuse')).toHaveLength(10);
    expect(verdicts.filter((verdict) => verdict === 'drop')).toHaveLength(40);
  });
});
