import { PendingPublishes } from '../../lib/pubsub/redis/pending-publishes.js';

const item = (n: number) => ({ channel: 'c', data: String(n) });

describe('PendingPublishes', () => {
  test('keeps at most `limit` publishes, dropping the oldest, and drains in order', () => {
    const queue = new PendingPublishes(2);
    const dropped = [1, 2, 3, 4].map((n) => queue.add(item(n)));
    expect(dropped).toEqual([0, 0, 1, 1]);
    expect(queue.drain().map((entry) => entry.data)).toEqual(['3', '4']);
    expect(queue.size).toBe(0);
  });

  test('a limit of 0 keeps nothing', () => {
    const queue = new PendingPublishes(0);
    expect(queue.add(item(1))).toBe(1);
    expect(queue.drain()).toEqual([]);
  });
});
