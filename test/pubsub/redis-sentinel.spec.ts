import type { Redis } from 'ioredis';
import type { RedisPubSubOptions } from '../../lib/index.js';
import { OwnRedisSentinel } from '../fixtures/nodes/own-redis-sentinel.js';
import { disconnectQuietly, quietConnection } from '../fixtures/nodes/redis-process.js';
import { describeWhen, redisServerInstalled, uniquePrefix, waitForSubscribers } from '../fixtures/nodes/redis.js';
import { eventually, sleep } from '../support/phoenix-client.js';
import { expectBroadcastCrossesOnce, record, useInProcessNodes } from './in-process-nodes.js';

const { startNode, logs } = useInProcessNodes();

const describeSentinel = describeWhen(redisServerInstalled(), 'redis-server is not on PATH (Sentinel runs as redis-server --sentinel)');

describeSentinel('RedisPubSubAdapter through Redis Sentinel (a master, its replica, one sentinel)', () => {
  const prefix = uniquePrefix('sentinel');
  let setup: OwnRedisSentinel;
  /** Straight to the first master, to see the nodes' subscriptions where the sentinel sent them. */
  let master: Redis;
  beforeAll(async () => {
    const started = Date.now();
    setup = await OwnRedisSentinel.start('mymaster');
    master = quietConnection(setup.master!.port);
    console.info(`Redis master and Sentinel ready in ${Date.now() - started} ms`);
  }, 15_000);
  afterAll(async () => {
    disconnectQuietly(master);
    await setup?.stop();
  });

  // Only the sentinel's address: the nodes must ask it where the master is.
  const options = (): RedisPubSubOptions => ({ redis: { sentinels: setup.sentinels, name: 'mymaster' }, prefix });
  const twoNodes = () => Promise.all([startNode(options()), startNode(options())]);

  test('a broadcast reaches the other node once, and its own node once, through the master the sentinel names', async () => {
    const [one, two] = await twoNodes();
    // On this master, not some other Redis: the nodes found it through the sentinel.
    await expectBroadcastCrossesOnce(one, two, 'room:once', () => waitForSubscribers(master, `${prefix}room:once`, 2));
    const connected = logs().of('log', 'RedisPubSub').filter((entry) => entry.message === 'Connected to Redis at sentinel master "mymaster"');
    expect(connected).toHaveLength(2);
  });

  test('a burst of 50 in one turn reaches the other node complete and in order, each PUBLISH acknowledged', async () => {
    const [one, two] = await twoNodes();
    const onTwo = record(two, 'room:burst');
    await waitForSubscribers(master, `${prefix}room:burst`, 1);

    for (let n = 0; n < 50; n++) one.pubsub.broadcast('room:burst', 'n', { n });
    await eventually(() => onTwo.length === 50, 'node two got the whole burst');
    await eventually(() => one.adapter.stats.published === 50, 'every PUBLISH of the burst was acknowledged');

    expect(onTwo.map((message) => (message.payload as { n: number }).n)).toEqual(Array.from({ length: 50 }, (_, n) => n));
    expect(one.adapter.stats.dropped).toBe(0);
    expect(two.adapter.stats.missed).toBe(0);
  });

  // Runs last: the replica is the master from then on.
  test('after a failover, the nodes reconnect through the sentinel to the new master and broadcasts cross again', async () => {
    const [one, two] = await twoNodes();
    const onTwo = record(two, 'room:failover');
    record(one, 'room:failover');
    await waitForSubscribers(master, `${prefix}room:failover`, 2);
    let sent = 0;
    one.pubsub.broadcast('room:failover', 'n', { n: sent++ });
    await eventually(() => onTwo.length === 1, 'node two heard node one before the failover');

    const failing = Date.now();
    await setup.failover();
    console.info(`Sentinel promoted the replica ${Date.now() - failing} ms after the master was killed`);
    const promoted = Date.now();
    while (onTwo.length < 2) {
      if (Date.now() - promoted > 10_000) throw new Error('node two heard nothing in 10 s after the failover');
      one.pubsub.broadcast('room:failover', 'n', { n: sent++ });
      await sleep(50);
    }
    console.info(`Sentinel: cross-node delivery resumed ${Date.now() - promoted} ms after the promotion`);

    const newMaster = quietConnection(setup.replica!.port);
    try {
      await waitForSubscribers(newMaster, `${prefix}room:failover`, 2);
    } finally {
      disconnectQuietly(newMaster);
    }
    const fence = sent++;
    one.pubsub.broadcast('room:failover', 'n', { n: fence });
    await eventually(() => onTwo.some((message) => (message.payload as { n: number }).n === fence), 'node two got the fence');
    const { received, missed } = two.adapter.stats;
    console.info(`Sentinel failover: sent ${sent}; node two received ${received}, missed ${missed}; node one dropped ${one.adapter.stats.dropped}`);
    expect(received + missed).toBe(sent);
    // A node is back once both its connections are; node two's publisher, idle, may still be in its backoff.
    const count = (level: 'warn' | 'log', pattern: RegExp) => logs().of(level, 'RedisPubSub').filter((entry) => pattern.test(entry.message)).length;
    await eventually(() => count('log', /is back after/) >= 2, 'both nodes logged that Redis is back', 5000);
    expect({ outages: count('warn', /is unreachable/), recoveries: count('log', /is back after/) }).toEqual({ outages: 2, recoveries: 2 });
  }, 20_000);
});

