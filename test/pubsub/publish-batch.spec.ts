import type { PendingPublish } from '../../lib/pubsub/redis/pending-publishes.js';
import { PublishBatch, type OutgoingPublish } from '../../lib/pubsub/redis/publish-batch.js';

const item = (n: number): PendingPublish => ({ channel: `c${n}`, data: `d${n}` });

test('publishes of one run of code are handed over together, in order, at its end', async () => {
  const sent: OutgoingPublish[][] = [];
  const batch = new PublishBatch((items) => sent.push(items));
  batch.add(item(1));
  batch.add(item(2));
  batch.add(item(3));
  expect(sent).toEqual([]);
  await new Promise((resolve) => setImmediate(resolve));
  expect(sent).toEqual([[item(1), item(2), item(3)]]);
});

test('a later run of code starts a new batch', async () => {
  const sent: OutgoingPublish[][] = [];
  const batch = new PublishBatch((items) => sent.push(items));
  batch.add(item(1));
  await new Promise((resolve) => setImmediate(resolve));
  batch.add(item(2));
  await new Promise((resolve) => setImmediate(resolve));
  expect(sent).toEqual([[item(1)], [item(2)]]);
});
