import type { Redis } from 'ioredis';
import type { BroadcastMessage } from '../../lib/index.js';
import {
  describeWhen,
  OwnRedisServer,
  REDIS_URL,
  redisAnswers,
  redisServerInstalled,
  testRedis,
  uniquePrefix,
  waitForSubscribers,
} from '../fixtures/nodes/redis.js';
import { eventually } from '../support/phoenix-client.js';
import { expectBroadcastCrossesOnce, record, useInProcessNodes } from './in-process-nodes.js';

const { startNode, logs } = useInProcessNodes();

const describeRedis = describeWhen(await redisAnswers(REDIS_URL), `Redis is not reachable at ${REDIS_URL}`);

describeRedis('RedisPubSubAdapter on a shared Redis', () => {
  const prefix = uniquePrefix('adapter');
  let redis: Redis;
  beforeAll(() => {
    redis = testRedis(REDIS_URL);
  });
  afterAll(() => redis.disconnect());

  test('a broadcast reaches the other node once, and its own node once (not again through Redis)', async () => {
    const [one, two] = await Promise.all([startNode({ redis: REDIS_URL, prefix }), startNode({ redis: REDIS_URL, prefix })]);
    await expectBroadcastCrossesOnce(one, two, 'room:once', () => waitForSubscribers(redis, `${prefix}room:once`, 2));
  });

  test('a burst published in one turn (sent as one pipeline) reaches the other node complete and in order, each counted', async () => {
    const [one, two] = await Promise.all([startNode({ redis: REDIS_URL, prefix }), startNode({ redis: REDIS_URL, prefix })]);
    const onTwo = record(two, 'room:burst');
    await waitForSubscribers(redis, `${prefix}room:burst`, 1);

    for (let n = 0; n < 50; n++) one.pubsub.broadcast('room:burst', 'n', { n });
    one.pubsub.broadcast('room:other', 'elsewhere', {});
    await eventually(() => onTwo.length === 50, 'node two got the whole burst');
    await eventually(() => one.adapter.stats.published === 51, 'every publish of the burst was acknowledged');

    expect(onTwo.map((message) => (message.payload as { n: number }).n)).toEqual(Array.from({ length: 50 }, (_, n) => n));
    expect(one.adapter.stats.dropped).toBe(0);
    expect(two.adapter.stats.missed).toBe(0);
  });

  test('bytes stay bytes and broadcastFrom still skips only its sender on the other node', async () => {
    const [one, two] = await Promise.all([startNode({ redis: REDIS_URL, prefix }), startNode({ redis: REDIS_URL, prefix })]);
    const received: Array<{ id: string; message: BroadcastMessage }> = [];
    for (const id of ['sender', 'listener']) {
      two.pubsub.subscribe('room:from', { subscriberId: id, deliver: (message) => received.push({ id, message }) });
    }
    record(one, 'room:from');
    await waitForSubscribers(redis, `${prefix}room:from`, 2);

    one.pubsub.broadcastFrom('sender', 'room:from', 'bin', Buffer.from([1, 2, 250]));
    await eventually(() => received.length >= 1, 'node two got the broadcast');
    one.pubsub.broadcast('room:from', 'fence', {});
    await eventually(() => received.length >= 3, 'both subscribers got the fence');

    expect(received.map(({ id, message }) => `${id}:${message.event}`)).toEqual(['listener:bin', 'sender:fence', 'listener:fence']);
    expect(received[0].message.payload).toEqual(Buffer.from([1, 2, 250]));
    expect(received[0].message.from).toBe('sender');
  });

  test('one Redis subscription per topic and node, whatever the local subscribers; dropped with the last', async () => {
    const node = await startNode({ redis: REDIS_URL, prefix });
    const channel = `${prefix}room:refs`;
    const handlers = [0, 1, 2].map(() => () => undefined);
    for (const handler of handlers) node.pubsub.subscribe('room:refs', handler);
    await waitForSubscribers(redis, channel, 1);

    node.pubsub.unsubscribe('room:refs', handlers[0]);
    node.pubsub.unsubscribe('room:refs', handlers[1]);
    expect(node.adapter.subscribedTopics).toEqual(['room:refs']);
    node.pubsub.unsubscribe('room:refs', handlers[2]);
    await waitForSubscribers(redis, channel, 0);
    expect(node.adapter.subscribedTopics).toEqual([]);
  });

  test('one PUBLISH per broadcast, whatever the number of subscribers on the other nodes', async () => {
    const [one, two] = await Promise.all([startNode({ redis: REDIS_URL, prefix }), startNode({ redis: REDIS_URL, prefix })]);
    const lists = [0, 1, 2, 3, 4].map(() => record(two, 'room:many'));
    await waitForSubscribers(redis, `${prefix}room:many`, 1);
    const spy = testRedis(REDIS_URL);
    const raw: string[] = [];
    spy.on('message', (_channel: string, data: string) => raw.push(data));
    await spy.subscribe(`${prefix}room:many`);
    try {
      for (let n = 0; n < 3; n++) one.pubsub.broadcast('room:many', 'tick', { n });
      await eventually(() => lists.every((list) => list.length === 3), 'every subscriber got 3 ticks');
      await eventually(() => raw.length >= 3, 'the spy saw the publishes');
      await eventually(() => one.adapter.stats.published === 3, 'node one counted its publishes');
      expect(raw).toHaveLength(3);
    } finally {
      spy.disconnect();
    }
  });

  test('a node receives nothing for topics it has no local subscribers for', async () => {
    const [one, two] = await Promise.all([startNode({ redis: REDIS_URL, prefix }), startNode({ redis: REDIS_URL, prefix })]);
    const onTwo = record(two, 'room:wanted');
    await waitForSubscribers(redis, `${prefix}room:wanted`, 1);

    one.pubsub.broadcast('room:unwanted', 'e', {});
    one.pubsub.broadcast('room:wanted', 'e', {});
    await eventually(() => onTwo.length === 1, 'node two got the wanted topic');
    expect(two.adapter.stats.received).toBe(1);
  });

  test('messages a third party publishes on our channels are ignored, counted and logged once', async () => {
    const [one, two] = await Promise.all([startNode({ redis: REDIS_URL, prefix }), startNode({ redis: REDIS_URL, prefix })]);
    const onTwo = record(two, 'room:junk');
    await waitForSubscribers(redis, `${prefix}room:junk`, 1);

    for (const junk of ['not json', '{"v":1}', '[1,2,3]', JSON.stringify({ v: 1, n: 'x', e: 'e', b: 1, p: 5 })]) {
      await redis.publish(`${prefix}room:junk`, junk);
    }
    one.pubsub.broadcast('room:junk', 'real', { ok: true });
    await eventually(() => onTwo.length === 1, 'the real broadcast still arrives');

    expect(onTwo[0].event).toBe('real');
    expect(two.adapter.stats.invalid).toBe(4);
    expect(logs().of('warn', 'RedisPubSub').filter((entry) => entry.message.includes('Ignoring a message'))).toHaveLength(1);
  });
});

const describeOwnRedis = describeWhen(redisServerInstalled(), 'redis-server is not on PATH');

describeOwnRedis('RedisPubSubAdapter while Redis is away (own redis-server)', () => {
  let server: OwnRedisServer;
  beforeAll(async () => {
    server = await OwnRedisServer.start();
  });
  afterAll(() => server?.stop());

  test('down at boot: the node starts, delivers locally, queues a bounded number of publishes, then catches up', async () => {
    await server.stop();
    const prefix = uniquePrefix('boot');
    const node = await startNode({ redis: server.url, prefix, maxQueuedPublishes: 2 });
    const local = record(node, 'room:boot');

    for (let n = 0; n < 5; n++) node.pubsub.broadcast('room:boot', 'e', { n });
    expect(local).toHaveLength(5);
    expect(node.adapter.stats).toMatchObject({ published: 0, dropped: 3 });

    await server.start();
    await eventually(() => node.adapter.stats.published === 2, 'the 2 queued broadcasts were published', 10_000);
    const redis = testRedis(server.url);
    try {
      await waitForSubscribers(redis, `${prefix}room:boot`, 1, 10_000);
    } finally {
      redis.disconnect();
    }
    const warnings = logs().of('warn', 'RedisPubSub').filter((entry) => entry.message.includes('is unreachable'));
    expect(warnings).toHaveLength(1);
    expect(logs().of('log', 'RedisPubSub').filter((entry) => entry.message.includes('is back after'))).toHaveLength(1);
  });
});
