import type { Redis } from 'ioredis';
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
import { record, useInProcessNodes } from './in-process-nodes.js';

/** Issue 10, item 16: broadcasts Redis accepted but never brought to a node are counted there. */

const { startNode, logs } = useInProcessNodes();

/** A broadcast as another node would put it on Redis; `numbering` absent mimics an older node. */
function envelope(nodeId: string, event: string, numbering?: { s: number; q: number }): string {
  return JSON.stringify({ v: 1, n: nodeId, ...numbering, e: event, p: { event } });
}

function missedWarnings(): string[] {
  return logs()
    .of('warn', 'RedisPubSub')
    .map((entry) => entry.message)
    .filter((message) => message.startsWith('Missed '));
}

const describeRedis = describeWhen(await redisAnswers(REDIS_URL), `Redis is not reachable at ${REDIS_URL}`);

describeRedis('missed broadcasts, on a shared Redis', () => {
  const prefix = uniquePrefix('missed');
  let redis: Redis;
  beforeAll(() => {
    redis = testRedis(REDIS_URL);
  });
  afterAll(() => redis.disconnect());

  test('each node numbers its broadcasts per topic on the wire; the other node counts nothing missed', async () => {
    const [one, two] = await Promise.all([startNode({ redis: REDIS_URL, prefix }), startNode({ redis: REDIS_URL, prefix })]);
    const onTwo = record(two, 'room:seq');
    await waitForSubscribers(redis, `${prefix}room:seq`, 1);
    const spy = testRedis(REDIS_URL);
    const raw: Array<{ s: number; q: number }> = [];
    spy.on('message', (_channel: string, data: string) => raw.push(JSON.parse(data)));
    await spy.subscribe(`${prefix}room:seq`);
    try {
      one.pubsub.broadcast('room:other', 'e', {});
      for (let n = 0; n < 4; n++) one.pubsub.broadcast('room:seq', 'tick', { n });
      await eventually(() => onTwo.length === 4 && raw.length === 4, 'node two and the spy got the 4 ticks');
    } finally {
      spy.disconnect();
    }
    expect(raw.map(({ q }) => q)).toEqual([1, 2, 3, 4]);
    expect(new Set(raw.map(({ s }) => s)).size).toBe(1);
    expect(two.adapter.stats).toMatchObject({ received: 4, missed: 0 });
    expect(missedWarnings()).toEqual([]);
  });

  test('a gap in a sender\'s numbers is counted and logged once; a new stream or an unnumbered message counts nothing', async () => {
    const two = await startNode({ redis: REDIS_URL, prefix });
    const onTwo = record(two, 'room:gap');
    const channel = `${prefix}room:gap`;
    await waitForSubscribers(redis, channel, 1);

    const sent = [
      envelope('ghost', 'one', { s: 1, q: 1 }),
      envelope('ghost', 'two', { s: 1, q: 2 }),
      envelope('ghost', 'five', { s: 1, q: 5 }),
      envelope('ghost', 'nine', { s: 1, q: 9 }),
      // The sender restarted its numbering for the topic: a new baseline, not a gap.
      envelope('ghost', 'restart', { s: 2, q: 1 }),
      envelope('old-node', 'unnumbered'),
      envelope('ghost', 'after', { s: 2, q: 2 }),
    ];
    for (const data of sent) await redis.publish(channel, data);
    await eventually(() => onTwo.length === sent.length, 'every message was delivered');

    expect(onTwo.map((message) => message.event)).toEqual(['one', 'two', 'five', 'nine', 'restart', 'unnumbered', 'after']);
    expect(two.adapter.stats).toMatchObject({ received: 7, missed: 5 });
    expect(missedWarnings()).toEqual([
      'Missed 2 broadcast(s) from other nodes on topic "room:gap" (lost while this node\'s Redis subscription was down, or dropped by their sender); further gaps are only counted in stats.missed',
    ]);
  });

  test('a broadcast that arrives out of order is delivered and taken back off the missed count', async () => {
    const two = await startNode({ redis: REDIS_URL, prefix });
    const onTwo = record(two, 'room:late');
    const channel = `${prefix}room:late`;
    await waitForSubscribers(redis, channel, 1);

    for (const q of [1, 3]) await redis.publish(channel, envelope('ghost', `q${q}`, { s: 1, q }));
    await eventually(() => two.adapter.stats.missed === 1, 'the gap before q3 is counted');
    await redis.publish(channel, envelope('ghost', 'q2', { s: 1, q: 2 }));
    await eventually(() => onTwo.length === 3, 'the late one is delivered');

    expect(onTwo.map((message) => message.event)).toEqual(['q1', 'q3', 'q2']);
    expect(two.adapter.stats.missed).toBe(0);
  });

  test('after unsubscribing, what was published meanwhile is not missed: the topic starts a new baseline', async () => {
    const two = await startNode({ redis: REDIS_URL, prefix });
    const channel = `${prefix}room:away`;
    const handler = () => undefined;
    two.pubsub.subscribe('room:away', handler);
    await waitForSubscribers(redis, channel, 1);
    await redis.publish(channel, envelope('ghost', 'first', { s: 1, q: 1 }));
    await eventually(() => two.adapter.stats.received === 1, 'the first one arrived');

    two.pubsub.unsubscribe('room:away', handler);
    await waitForSubscribers(redis, channel, 0);
    const onTwo = record(two, 'room:away');
    await waitForSubscribers(redis, channel, 1);
    await redis.publish(channel, envelope('ghost', 'later', { s: 1, q: 40 }));
    await eventually(() => onTwo.length === 1, 'the later one arrived');

    expect(two.adapter.stats.missed).toBe(0);
    expect(missedWarnings()).toEqual([]);
  });
});

const describeOwnRedis = describeWhen(redisServerInstalled(), 'redis-server is not on PATH');

describeOwnRedis('missed broadcasts across connection outages (own redis-server)', () => {
  let server: OwnRedisServer;
  let redis: Redis;
  beforeAll(async () => {
    server = await OwnRedisServer.start();
    redis = testRedis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  test('the warning is logged once per subscriber outage: a reconnect arms it again', async () => {
    const prefix = uniquePrefix('missed-rearm');
    const two = await startNode({ redis: server.url, prefix });
    const onTwo = record(two, 'room:rearm');
    const channel = `${prefix}room:rearm`;
    await waitForSubscribers(redis, channel, 1);
    const publish = async (q: number) => redis.publish(channel, envelope('ghost', `q${q}`, { s: 1, q }));

    for (const q of [1, 3, 5]) await publish(q);
    await eventually(() => onTwo.length === 3, 'the first three arrived');
    expect(missedWarnings()).toHaveLength(1);

    expect(Number(await redis.call('CLIENT', 'KILL', 'TYPE', 'pubsub'))).toBe(1);
    await waitForSubscribers(redis, channel, 1, 10_000);
    await publish(8);
    await eventually(() => onTwo.length === 4, 'q8 arrived after the resubscribe');

    expect(two.adapter.stats.missed).toBe(1 + 1 + 2);
    expect(missedWarnings()).toEqual([expect.stringContaining('Missed 1 broadcast(s)'), expect.stringContaining('Missed 2 broadcast(s)')]);
  });

  test('broadcasts the sender dropped while its publisher was down show up as missed on the receiver', async () => {
    const prefix = uniquePrefix('missed-dropped');
    const one = await startNode({ redis: server.url, prefix, maxQueuedPublishes: 1 });
    const two = await startNode({ redis: server.url, prefix });
    const onTwo = record(two, 'room:dropped');
    await waitForSubscribers(redis, `${prefix}room:dropped`, 1);
    one.pubsub.broadcast('room:dropped', 'before', {});
    await eventually(() => onTwo.length === 1, 'node two got the first broadcast');

    // Broadcast as soon as both nodes saw their publisher go, well before ioredis's first retry.
    const publishersLost = new Promise<void>((resolve) => {
      const logger = logs();
      const warn = logger.warn.bind(logger);
      let lost = 0;
      logger.warn = (message: unknown, ...rest: unknown[]) => {
        warn(message, ...rest);
        if (String(message).includes('is unreachable') && ++lost === 2) resolve();
      };
    });
    const clients = String(await redis.call('CLIENT', 'LIST')).split('\n');
    const publishers = clients.filter((line) => line.includes(' name=nestjs-channels:pub ')).map((line) => /^id=(\d+)/.exec(line)![1]);
    expect(publishers).toHaveLength(2);
    for (const id of publishers) await redis.call('CLIENT', 'KILL', 'ID', id);
    await publishersLost;
    for (let n = 0; n < 5; n++) one.pubsub.broadcast('room:dropped', 'during', { n });
    await eventually(() => one.adapter.stats.published === 2, 'node one published what it kept, once back', 10_000);
    one.pubsub.broadcast('room:dropped', 'after', {});
    await eventually(() => onTwo.some((message) => message.event === 'after'), 'node two got the broadcast after the outage');
    // Both links back, so that closing the nodes interrupts no reconnection.
    await eventually(() => logs().of('log', 'RedisPubSub').filter((entry) => entry.message.includes('is back after')).length === 2, 'both nodes reconnected', 10_000);

    const { dropped } = one.adapter.stats;
    const { missed, received } = two.adapter.stats;
    console.info(`publisher outage with maxQueuedPublishes 1: the sender dropped ${dropped} of 5; the receiver counted ${missed} missed, received ${received} of 7`);
    expect(dropped).toBe(4);
    expect(missed).toBe(dropped);
    expect(received + missed).toBe(7);
    expect(onTwo.map((message) => message.event)).toEqual(['before', 'during', 'after']);
  });
});
