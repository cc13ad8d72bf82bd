import type { Redis } from 'ioredis';
import { ChannelsEvents } from '../../lib/index.js';
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
import { record, useInProcessNodes } from '../pubsub/in-process-nodes.js';
import { eventually } from '../support/phoenix-client.js';
import { EventRecorder } from './event-recorder.js';

/** Issue 20, part 1: the PubSub events, on Redis (a shared one, and one this test stops). */

const { startNode } = useInProcessNodes();
let recorder: EventRecorder;
beforeEach(() => {
  recorder = new EventRecorder([
    ChannelsEvents.pubsubPublish,
    ChannelsEvents.pubsubReceive,
    ChannelsEvents.pubsubDrop,
    ChannelsEvents.pubsubMiss,
    ChannelsEvents.pubsubLink,
  ]);
});
afterEach(() => recorder.stop());

const describeRedis = describeWhen(await redisAnswers(REDIS_URL), `Redis is not reachable at ${REDIS_URL}`);
const describeOwnRedis = describeWhen(redisServerInstalled(), 'redis-server is not on PATH');

describeRedis('PubSub events on a shared Redis', () => {
  const prefix = uniquePrefix('observe');
  let redis: Redis;
  beforeAll(() => {
    redis = testRedis(REDIS_URL);
  });
  afterAll(() => redis.disconnect());

  test('publish on the sending node, receive on the other, with topic and event', async () => {
    const [one, two] = await Promise.all([startNode({ redis: REDIS_URL, prefix }), startNode({ redis: REDIS_URL, prefix })]);
    const onTwo = record(two, 'room:events');
    await waitForSubscribers(redis, `${prefix}room:events`, 1);
    one.pubsub.broadcast('room:events', 'hello', { n: 1 });
    await eventually(() => onTwo.length === 1, 'node two got it');
    expect(recorder.of(ChannelsEvents.pubsubPublish)).toEqual([{ topic: 'room:events', event: 'hello' }]);
    expect(recorder.of(ChannelsEvents.pubsubReceive)).toEqual([{ topic: 'room:events', event: 'hello' }]);
  });

  test('miss: a gap in another node\'s numbering is published with its count and topic', async () => {
    const node = await startNode({ redis: REDIS_URL, prefix });
    const seen = record(node, 'room:gap');
    await waitForSubscribers(redis, `${prefix}room:gap`, 1);
    for (const q of [1, 4]) await redis.publish(`${prefix}room:gap`, JSON.stringify({ v: 1, n: 'ghost', s: 1, q, e: 'tick', p: {} }));
    await eventually(() => seen.length === 2, 'both arrived');
    expect(recorder.of(ChannelsEvents.pubsubMiss)).toEqual([{ count: 2, topic: 'room:gap' }]);
  });
});

describeOwnRedis('PubSub link and drop events, with a Redis that stops', () => {
  let server: OwnRedisServer;
  beforeAll(async () => {
    server = await OwnRedisServer.start();
  });
  afterAll(() => server?.stop());

  test('link up at start, down (with its reason) when Redis stops, up again when it is back; drops while down', async () => {
    const node = await startNode({ redis: server.url, prefix: uniquePrefix('link'), maxQueuedPublishes: 0 });
    const target = `redis://127.0.0.1:${server.port}`;
    expect(recorder.of(ChannelsEvents.pubsubLink)).toEqual([{ state: 'up', target }]);
    expect(node.adapter.linkStatus).toEqual({ state: 'up', target });

    await server.stop();
    await eventually(() => recorder.of(ChannelsEvents.pubsubLink).length === 2, 'the outage is published', 10_000);
    expect(recorder.of(ChannelsEvents.pubsubLink)[1]).toEqual({ state: 'down', target, reason: expect.any(String) });
    expect(node.adapter.linkStatus).toMatchObject({ state: 'down', target, downSince: expect.any(Number) });

    // The link is down once either connection is: wait for the publishing one too, so that the
    // broadcast is dropped at once (maxQueuedPublishes 0) rather than written to a dying socket.
    const publisher = () => (node.adapter as unknown as { publisher: { status: string } }).publisher;
    await eventually(() => publisher().status !== 'ready', 'the publishing connection is down', 10_000);
    node.pubsub.broadcast('room:down', 'lost', {});
    expect(recorder.of(ChannelsEvents.pubsubDrop)).toEqual([{ count: 1 }]);

    await server.start();
    await eventually(() => recorder.of(ChannelsEvents.pubsubLink).length === 3, 'the return is published', 10_000);
    expect(recorder.of(ChannelsEvents.pubsubLink)[2]).toEqual({ state: 'up', target });
  });
});
