import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { InMemoryPubSubAdapter, PubSub, RedisPubSubAdapter, type BroadcastMessage, type PubSubAdapter } from '../../lib/index.js';
import { describeWhen, REDIS_URL, redisAnswers, testRedis, uniquePrefix, waitForSubscribers } from '../fixtures/nodes/redis.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { PubSubLink } from '../support/linked-pubsub.js';
import { eventually, sleep } from '../support/phoenix-client.js';

/** Nodes of one cluster, each a PubSub on its own adapter instance. */
interface Cluster {
  nodes: PubSub[];
  /** Resolves once a subscription to `topic` on `count` nodes is visible cluster-wide. */
  subscribed(topic: string, count: number): Promise<void>;
  close(): Promise<void>;
}

async function startCluster(adapters: PubSubAdapter[], subscribed: Cluster['subscribed'], extraClose = async () => {}): Promise<Cluster> {
  const nodes = adapters.map((adapter) => new PubSub(adapter));
  for (const node of nodes) await node.onModuleInit();
  return {
    nodes,
    subscribed,
    close: async () => {
      for (const node of nodes) await node.onApplicationShutdown();
      await extraClose();
    },
  };
}

function record(node: PubSub, topic: string): BroadcastMessage[] {
  const seen: BroadcastMessage[] = [];
  node.subscribe(topic, (message) => seen.push(message));
  return seen;
}

/**
 * The behaviour every PubSub adapter owes the channel layer, whatever carries the messages.
 * Single-node adapters run the local part; distributed ones also the cross-node part.
 */
function describeAdapterConformance(name: string, nodeCount: 1 | 2, start: () => Promise<Cluster>): void {
  describe(`PubSub adapter conformance: ${name}`, () => {
    let cluster: Cluster;
    beforeAll(() => Logger.overrideLogger(new CapturedLogger()));
    beforeEach(async () => {
      cluster = await start();
    });
    afterEach(() => cluster.close());

    test('a broadcast reaches each local subscriber once, in order', async () => {
      const [a] = cluster.nodes;
      const seen = record(a, 't:local');
      await cluster.subscribed('t:local', 1);
      for (let i = 0; i < 5; i++) a.broadcast('t:local', 'e', { i });
      await eventually(() => seen.length === 5, 'five local deliveries');
      expect(seen.map((message) => (message.payload as { i: number }).i)).toEqual([0, 1, 2, 3, 4]);
    });

    test('broadcastFrom skips its sender; unsubscribe stops delivery', async () => {
      const [a] = cluster.nodes;
      const sender = { subscriberId: 'sender-1', deliver: jest.fn() };
      const other = record(a, 't:from');
      a.subscribe('t:from', sender);
      await cluster.subscribed('t:from', 1);
      a.broadcastFrom(sender, 't:from', 'e', {});
      await eventually(() => other.length === 1, 'the other subscriber to get it');
      expect(sender.deliver).not.toHaveBeenCalled();
      a.unsubscribe('t:from', sender);
      a.broadcast('t:from', 'e', {});
      await eventually(() => other.length === 2, 'the remaining subscriber to get the second');
      expect(sender.deliver).not.toHaveBeenCalled();
    });

    if (nodeCount === 1) return;

    test('a broadcast reaches subscribers on the other node exactly once, and binary survives', async () => {
      const [a, b] = cluster.nodes;
      const onA = record(a, 't:x');
      const onB = record(b, 't:x');
      await cluster.subscribed('t:x', 2);
      a.broadcast('t:x', 'json', { n: 1 });
      b.broadcast('t:x', 'bytes', Buffer.from([0, 1, 255]));
      await eventually(() => onA.length === 2 && onB.length === 2, 'both nodes to get both broadcasts');
      await sleep(100);
      expect(onA).toHaveLength(2);
      expect(onB).toHaveLength(2);
      const bytes = onA.find((message) => message.event === 'bytes')!.payload;
      expect(Buffer.from(bytes as Uint8Array)).toEqual(Buffer.from([0, 1, 255]));
    });

    test('broadcastFrom across nodes skips the sender there too', async () => {
      const [a, b] = cluster.nodes;
      const sender = { subscriberId: 'remote-sender', deliver: jest.fn() };
      b.subscribe('t:rf', sender);
      const onB = record(b, 't:rf');
      await cluster.subscribed('t:rf', 1);
      a.broadcastFrom('remote-sender', 't:rf', 'e', {});
      await eventually(() => onB.length === 1, 'node B to get it');
      expect(sender.deliver).not.toHaveBeenCalled();
    });

    test('localBroadcast stays on its node; a node without subscribers gets nothing', async () => {
      const [a, b] = cluster.nodes;
      const onB = record(b, 't:local-only');
      await cluster.subscribed('t:local-only', 1);
      a.localBroadcast('t:local-only', 'e', {});
      a.broadcast('t:nobody', 'e', {});
      await sleep(150);
      expect(onB).toHaveLength(0);
    });
  });
}

describeAdapterConformance('in-memory', 1, () => startCluster([new InMemoryPubSubAdapter()], async () => {}));

describeAdapterConformance('linked (test bus)', 2, () => {
  const link = new PubSubLink();
  return startCluster([link.adapter('a'), link.adapter('b')], async () => {});
});

const describeRedis = describeWhen(await redisAnswers(REDIS_URL), `Redis is not reachable at ${REDIS_URL}`);
describeRedis('with Redis', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = testRedis(REDIS_URL);
  });
  afterAll(() => redis.disconnect());

  describeAdapterConformance('redis', 2, () => {
    const prefix = uniquePrefix('conformance');
    return startCluster(
      [new RedisPubSubAdapter({ redis: REDIS_URL, prefix }), new RedisPubSubAdapter({ redis: REDIS_URL, prefix })],
      (topic, count) => waitForSubscribers(redis, `${prefix}${topic}`, count),
    );
  });
});
