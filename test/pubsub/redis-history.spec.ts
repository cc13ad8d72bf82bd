import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { formatPosition, type BroadcastMessage, type Position, type Recovery, type RedisPubSubOptions } from '../../lib/index.js';
import { historyPolicy } from '../../lib/history/history-options.js';
import { positionedEnvelope } from '../../lib/pubsub/redis/redis-envelope.js';
import { describeWhen, OwnRedisServer, REDIS_URL, redisAnswers, redisServerInstalled, testRedis, uniquePrefix, waitForSubscribers } from '../fixtures/nodes/redis.js';
import { eventually } from '../support/phoenix-client.js';
import { record, useInProcessNodes, type InProcessNode } from './in-process-nodes.js';

const { startNode } = useInProcessNodes();
const HISTORY = { 'chat:*': { size: 5, ttlMs: 60_000, ephemeral: ['typing'] }, 'long:*': { size: 10_000, ttlMs: 60_000 } };
const policy = historyPolicy(HISTORY['chat:*']);
const positions = (messages: BroadcastMessage[]) => messages.map((message) => message.position && formatPosition(message.position));
const offsets = (messages: BroadcastMessage[]) => messages.map((message) => message.position?.offset);
const upFrom = (first: number, count: number) => Array.from({ length: count }, (_, n) => first + n);

/** Redis's view of one command: which connection sent it, and the command. */
interface Monitored {
  source: string;
  args: string[];
}

const describeRedis = describeWhen(await redisAnswers(REDIS_URL), `Redis is not reachable at ${REDIS_URL}`);

describeRedis('the shared history on Redis (in-process nodes)', () => {
  const prefix = uniquePrefix('history');
  let redis: Redis;
  beforeAll(() => {
    redis = testRedis(REDIS_URL);
  });
  afterAll(async () => {
    // The epochs and offsets would stay a day: the test's keys go now.
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  /** A node whose two connections carry `name`, so that the test can find them in CLIENT LIST. */
  const node = (name?: string): Promise<InProcessNode> => {
    const { hostname, port } = new URL(REDIS_URL);
    const options: RedisPubSubOptions = name ? { redis: { host: hostname, port: Number(port || 6379), connectionName: name }, prefix } : { redis: REDIS_URL, prefix };
    return startNode(options, HISTORY);
  };

  test('a history broadcast reaches every node, the publishing one included, once each, in the order Redis numbered it', async () => {
    const [one, two] = await Promise.all([node(), node()]);
    const [onOne, onTwo] = [record(one, 'chat:order'), record(two, 'chat:order')];
    await waitForSubscribers(redis, `${prefix}chat:order`, 2);
    const spy = testRedis(REDIS_URL);
    const raw: string[] = [];
    spy.on('message', (_channel: string, data: string) => raw.push(data));
    await spy.subscribe(`${prefix}chat:order`);
    try {
      for (let n = 0; n < 3; n++) one.pubsub.broadcast('chat:order', 'said', { from: 'one', n });
      two.pubsub.broadcast('chat:order', 'typing', {}); // ephemeral: neither kept nor numbered
      for (let n = 0; n < 3; n++) two.pubsub.broadcast('chat:order', 'said', { from: 'two', n });
      await eventually(() => onOne.length === 7 && onTwo.length === 7 && raw.length === 7, 'both nodes and the spy got everything');
    } finally {
      spy.disconnect();
    }
    const said = (seen: BroadcastMessage[]) => seen.filter((message) => message.event === 'said');
    // Both nodes deliver the same sequence: Redis's, offsets 1..6 of one epoch.
    expect(positions(said(onOne))).toEqual(positions(said(onTwo)));
    expect(offsets(said(onOne))).toEqual(upFrom(1, 6));
    expect(said(onOne).map((message) => message.payload)).toEqual(said(onTwo).map((message) => message.payload));
    expect(onTwo.find((message) => message.event === 'typing')).toEqual({ topic: 'chat:order', event: 'typing', payload: {} });
    // On the wire: the envelope the node sent, with its position in front.
    const history = raw.filter((data) => data.startsWith('{"h":'));
    expect(history).toHaveLength(6);
    const { epoch } = said(onOne)[0]!.position!;
    expect(history[0]).toBe(positionedEnvelope(JSON.stringify({ v: 1, n: one.adapter.nodeId, e: 'said', p: { from: 'one', n: 0 } }), { epoch, offset: 1 }));
    // In Redis: the last `size` (5), expiring with the ttl; the epoch and offset for a day.
    const [meta, stream] = [`${prefix}{chat:order}:h`, `${prefix}{chat:order}:s`];
    expect(await redis.hgetall(meta)).toEqual({ epoch, offset: '6' });
    expect((await redis.xrange(stream, '-', '+')).map(([id]) => id)).toEqual(['2-0', '3-0', '4-0', '5-0', '6-0']);
    expect(await redis.pttl(stream)).toBeGreaterThan(50_000);
    expect(await redis.pttl(stream)).toBeLessThanOrEqual(60_000);
    expect(await redis.pttl(meta)).toBeGreaterThan(86_000_000);
    expect({ one: one.adapter.stats, two: two.adapter.stats }).toMatchObject({
      one: { published: 3, received: 4, historyRecovered: 0, historyMissed: 0 },
      two: { published: 4, received: 3, historyRecovered: 0, historyMissed: 0 },
    });
  });

  test('round trips: a history broadcast is one command, like a plain one; a join with since is two (position, then range)', async () => {
    const name = `history-rt-${randomBytes(4).toString('hex')}`;
    const one = await node(name);
    const two = await node();
    const onOne = record(one, 'chat:rt');
    record(two, 'chat:rt');
    await waitForSubscribers(redis, `${prefix}chat:rt`, 2);
    const clients = String(await redis.call('CLIENT', 'LIST')).split('\n');
    const publisher = clients.find((line) => line.includes(` name=${name} `) && / sub=0 /.test(line) && / psub=0 /.test(line))!;
    const address = / addr=(\S+)/.exec(publisher)![1];
    const monitored = testRedis(REDIS_URL);
    const monitor = await monitored.monitor();
    const seen: Monitored[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source === address) seen.push({ source, args });
    });
    try {
      // Apart, so that each is a pipeline of its own.
      for (let n = 1; n <= 3; n++) {
        one.pubsub.broadcast('chat:rt', 'said', { n });
        await eventually(() => onOne.length === n, `broadcast ${n} came back`);
      }
      one.pubsub.broadcast('plain:rt', 'said', {});
      const recovery = await one.pubsub.recover('chat:rt', onOne[0]!.position!, policy);
      expect(recovery).toMatchObject({ recovered: true, messages: [{ payload: { n: 2 } }, { payload: { n: 3 } }] });
      await eventually(() => seen.length >= 6, 'MONITOR showed the range read');
    } finally {
      monitor.disconnect();
      monitored.disconnect();
    }
    // EVAL loads a script on a connection's first use, EVALSHA runs it afterwards: one command either way.
    const kind = ({ args }: Monitored) => {
      const [command] = args;
      if (command === 'publish') return 'PUBLISH';
      const argv = args.length - 5; // command, script or sha, numkeys, 2 keys
      return `${command.toUpperCase()} ${argv === 8 ? 'publish' : argv === 4 ? 'top' : argv === 2 ? 'range' : '?'}`;
    };
    // The plain PUBLISH leaves at the end of its turn, after the join's first read may have: order aside.
    expect(seen.map(kind).sort()).toEqual(['EVAL publish', 'EVALSHA publish', 'EVALSHA publish', 'PUBLISH', 'EVAL top', 'EVAL range'].sort());
  });

  test('a reconnect storm: 500 joins asking at once from one position cost one position read and one range read', async () => {
    const [one, two] = await Promise.all([node(), node()]);
    const onOne = record(one, 'chat:storm');
    await waitForSubscribers(redis, `${prefix}chat:storm`, 1);
    for (let n = 0; n < 4; n++) one.pubsub.broadcast('chat:storm', 'said', { n });
    await eventually(() => onOne.length === 4, 'the broadcasts came back');
    const since = onOne[1]!.position!;

    const readsBefore = two.adapter.stats.historyReads;
    record(two, 'chat:storm');
    const recoveries = await Promise.all(Array.from({ length: 500 }, () => two.pubsub.recover('chat:storm', since, policy)));
    expect(two.adapter.stats.historyReads - readsBefore).toBe(2);
    for (const recovery of recoveries) {
      expect(recovery.recovered).toBe(true);
      expect(offsets([...recovery.messages])).toEqual([3, 4]);
      expect(recovery.position).toEqual(onOne[3]!.position);
    }
  });

  test('joins while another node broadcasts without pause: what they recover, then what arrives live after their position, is every broadcast once, in order', async () => {
    const [one, two] = await Promise.all([node(), node()]);
    const onOne = record(one, 'long:race');
    await waitForSubscribers(redis, `${prefix}long:race`, 1);
    let sending = true;
    let sent = 0;
    const sender = (async () => {
      while (sending) {
        one.pubsub.broadcast('long:race', 'said', { n: sent++ });
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await eventually(() => onOne.length >= 20, 'node one is broadcasting');
    // The first join subscribes node two; the second finds it subscribed and receiving.
    const joins: Array<{ since: Position; live: BroadcastMessage[]; recovery: Recovery }> = [];
    for (let join = 0; join < 2; join++) {
      const since = onOne.at(-5)!.position!;
      const live = record(two, 'long:race');
      const recovery = await two.pubsub.recover('long:race', since, historyPolicy(HISTORY['long:*']));
      joins.push({ since, live, recovery });
      await eventually(() => live.length >= 20, 'the join hears the live stream');
    }
    sending = false;
    await sender;
    await eventually(() => onOne.length === sent, 'node one got all of its own back');
    const last = onOne.at(-1)!.position!.offset;
    await eventually(() => joins.every(({ live }) => live.at(-1)?.position?.offset === last), 'node two got the last one');
    for (const { since, live, recovery } of joins) {
      expect(recovery.recovered).toBe(true);
      const seen = [...recovery.messages, ...live.filter((message) => message.position!.offset > recovery.position.offset)];
      expect(offsets(seen)).toEqual(upFrom(since.offset + 1, last - since.offset));
    }
    expect(two.adapter.stats.historyMissed).toBe(0);
  });
});

const describeOwnRedis = describeWhen(redisServerInstalled(), 'redis-server is not on PATH');

describeOwnRedis('the shared history while Redis is unreachable (own redis-server)', () => {
  let server: OwnRedisServer;
  beforeAll(async () => {
    server = await OwnRedisServer.start();
  });
  afterAll(() => server?.stop());

  test('a history broadcast is still delivered here, without a position, and reaches the others once Redis is back; joins go on without recovery', async () => {
    const prefix = uniquePrefix('history-down');
    const [one, two] = await Promise.all([startNode({ redis: server.url, prefix }, HISTORY), startNode({ redis: server.url, prefix }, HISTORY)]);
    const [onOne, onTwo] = [record(one, 'chat:down'), record(two, 'chat:down')];
    const redis = testRedis(server.url);
    try {
      await waitForSubscribers(redis, `${prefix}chat:down`, 2);
    } finally {
      redis.disconnect();
    }
    one.pubsub.broadcast('chat:down', 'said', { n: 0 });
    await eventually(() => onTwo.length === 1, 'node two got the first one');

    await server.stop();
    // Both connections: with only the subscriber down, the publisher still sends the script and
    // the broadcast waits for its answer, which is the case this test is not about.
    await eventually(() => isDown(one), 'node one noticed');
    one.pubsub.broadcast('chat:down', 'said', { n: 1 });
    expect(onOne.at(-1)).toEqual({ topic: 'chat:down', event: 'said', payload: { n: 1 } });
    await expect(one.pubsub.recover('chat:down', onOne[0]!.position!, policy)).rejects.toThrow();

    await server.start();
    await eventually(() => onTwo.length === 2, 'node two got the one queued meanwhile', 10_000);
    expect(onTwo[1]).toEqual({ topic: 'chat:down', event: 'said', payload: { n: 1 } });
    // Numbered again once back; the history starts over (a Redis without persistence lost it): a new epoch.
    await eventually(() => isUp(one) && isUp(two), 'both nodes are back', 10_000);
    one.pubsub.broadcast('chat:down', 'said', { n: 2 });
    await eventually(() => onTwo.length === 3, 'node two got the next one');
    expect(onTwo[2]!.position).toEqual({ epoch: expect.any(String), offset: 1 });
    expect(onTwo[2]!.position!.epoch).not.toBe(onTwo[0]!.position!.epoch);
  }, 30_000);
});

/** Neither of the node's connections is ready: the adapter knows Redis is away. */
function isDown(node: InProcessNode): boolean {
  const adapter = node.adapter as unknown as { publisher?: { status: string }; subscriber?: { status: string } };
  return adapter.publisher?.status !== 'ready' && adapter.subscriber?.status !== 'ready';
}

/** The node's link is up: both connections ready (what the adapter's stats cannot tell). */
function isUp(node: InProcessNode): boolean {
  const adapter = node.adapter as unknown as { publisher?: { status: string }; subscriber?: { status: string } };
  return adapter.publisher?.status === 'ready' && adapter.subscriber?.status === 'ready';
}
