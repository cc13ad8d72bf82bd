import type { Redis } from 'ioredis';
import type { Channel as PhoenixChannel } from 'phoenix';
import { startNodes, type AppNode } from '../fixtures/nodes/node-process.js';
import { describeWhen, OwnRedisServer, REDIS_URL, redisAnswers, redisServerInstalled, testRedis, uniquePrefix, waitForSubscribers } from '../fixtures/nodes/redis.js';
import { ClientScope } from '../support/client-scope.js';
import { collect, eventually, join, sleep } from '../support/phoenix-client.js';

/** A broadcast as the client got it: phoenix.js hands the position (the message's ref) to `on` callbacks. */
interface Arrival {
  event: string;
  n: number;
  ref: string | null;
}

function record(channel: PhoenixChannel, events: string[]): Arrival[] {
  const arrivals: Arrival[] = [];
  for (const event of events) channel.on(event, (payload: { n: number }, ref?: string | null) => void arrivals.push({ event, n: payload.n, ref: ref ?? null }));
  return arrivals;
}

const epochOf = (position: string) => position.slice(0, position.lastIndexOf(':'));
const offsetOf = (position: string) => Number(position.slice(position.lastIndexOf(':') + 1));
const upTo = (count: number) => Array.from({ length: count }, (_, n) => n);

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
}

/** The node's stats once `condition` holds of them, or as they are after `timeoutMs`. */
async function statsWhen(node: AppNode, condition: (stats: any) => boolean, timeoutMs = 5000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await node.get('/stats');
    if (condition(stats) || Date.now() > deadline) return stats;
    await sleep(50);
  }
}

const describeRedis = describeWhen(await redisAnswers(REDIS_URL), `Redis is not reachable at ${REDIS_URL}`);

describeRedis('history across two app processes on one Redis', () => {
  const prefix = uniquePrefix('history-nodes');
  let nodes: AppNode[] = [];
  let clients: ClientScope[] = [];
  let redis: Redis;
  beforeAll(async () => {
    redis = testRedis(REDIS_URL);
    nodes = await startNodes(['a', 'b'], { REDIS_URL, CHANNELS_PREFIX: prefix });
    clients = nodes.map((node) => new ClientScope(() => node.socketUrl, {}));
  }, 30_000);
  afterEach(() => Promise.all(clients.map((scope) => scope.disconnectAll())));
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await deleteKeys(redis, prefix);
    redis?.disconnect();
  });

  test('a client away from node a rejoins on node b with since: exactly what it missed, in order, recovered true, then live ones', async () => {
    const [a, b] = nodes;
    const [onA, onB] = clients;
    const topic = 'chat:away';
    const first = await onA!.connected();
    const before = first.channel(topic);
    const seen = record(before, ['said']);
    expect((await join(before)).status).toBe('ok');
    await b!.post('/broadcast', { topic, event: 'said', payload: { n: 1 } });
    await eventually(() => seen.length === 1, 'the client on a got the first broadcast');
    const since = seen[0]!.ref!;
    first.disconnect();
    await waitForSubscribers(redis, `${prefix}${topic}`, 0);

    await b!.post('/broadcast', { topic, event: 'said', payload: { n: 2 } });
    await b!.post('/broadcast', { topic, event: 'typing', payload: { n: -1 } }); // ephemeral: not kept
    await a!.post('/broadcast', { topic, event: 'said', payload: { n: 3 } });

    const second = await onB!.connected();
    const after = second.channel(topic, () => ({ since }));
    const arrivals = record(after, ['said', 'typing']);
    const reply = await join(after);
    expect(reply).toEqual({ status: 'ok', response: { node: 'b', recovery: { position: expect.any(String), recovered: true } } });
    await eventually(() => arrivals.length === 2, 'the two missed broadcasts');
    await b!.post('/broadcast', { topic, event: 'said', payload: { n: 4 } });
    await a!.post('/broadcast', { topic, event: 'said', payload: { n: 5 } });
    await eventually(() => arrivals.length === 4, 'the live ones after them');

    expect(arrivals.map(({ event, n }) => [event, n])).toEqual([['said', 2], ['said', 3], ['said', 4], ['said', 5]]);
    expect(arrivals.map(({ ref }) => epochOf(ref!))).toEqual(Array(4).fill(epochOf(since)));
    expect(arrivals.map(({ ref }) => offsetOf(ref!))).toEqual([1, 2, 3, 4].map((n) => offsetOf(since) + n));
    expect(reply.response.recovery.position).toBe(arrivals[1]!.ref);
  });

  test('a broadcast from a channel on node a reaches clients on both nodes with the same position', async () => {
    const [onA, onB] = clients;
    const topic = 'chat:same';
    const sender = await onA!.joined(await onA!.connected(), topic);
    const listener = await onB!.joined(await onB!.connected(), topic);
    const [heardA, heardB] = [record(sender, ['said']), record(listener, ['said'])];
    await waitForSubscribers(redis, `${prefix}${topic}`, 2);
    for (let n = 0; n < 5; n++) sender.push('say', { n });
    await eventually(() => heardA.length === 5 && heardB.length === 5, 'both clients got the five');
    expect(heardA).toEqual(heardB);
    expect(heardA.map(({ n }) => n)).toEqual(upTo(5));
  });
});

const describeOwnRedis = describeWhen(redisServerInstalled(), 'redis-server is not on PATH');

describeOwnRedis('history across two app processes while Redis misbehaves (own redis-server)', () => {
  let server: OwnRedisServer;
  let nodes: AppNode[] = [];
  let clients: ClientScope[] = [];
  const prefix = uniquePrefix('history-outage');
  beforeAll(async () => {
    server = await OwnRedisServer.start();
    nodes = await startNodes(['a', 'b'], { REDIS_URL: server.url, CHANNELS_PREFIX: prefix, REDIS_NAMED: '1' });
    clients = nodes.map((node) => new ClientScope(() => node.socketUrl, {}));
  }, 30_000);
  afterEach(() => Promise.all(clients.map((scope) => scope.disconnectAll())));
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await server?.stop();
  });

  test('node a\'s subscriber connection killed while node b broadcasts: history topics lose nothing (filled from the stream), plain ones count their losses', async () => {
    const [a, b] = nodes;
    const socket = await clients[0]!.connected();
    const chat = record(await clients[0]!.joined(socket, 'chat:kill'), ['said']);
    const plain = collect<{ n: number }>(await clients[0]!.joined(socket, 'room:kill'), 'said');
    const redis = testRedis(server.url);
    try {
      await waitForSubscribers(redis, `${prefix}chat:kill`, 1);
      await waitForSubscribers(redis, `${prefix}room:kill`, 1);
      const count = 300;
      const series = b!.post('/broadcast-series', { topics: ['chat:kill', 'room:kill'], event: 'said', count, everyMs: 5 });
      await eventually(() => chat.length >= 20, 'node b is broadcasting');
      // Only the connection of node a that is in pub/sub mode: CLIENT KILL's filters combine.
      const ids = String(await redis.call('CLIENT', 'LIST'))
        .split('\n')
        .filter((line) => line.includes(' name=nestjs-channels-a '))
        .map((line) => /^id=(\d+)/.exec(line)![1]!);
      let killed = 0;
      for (const id of ids) killed += Number(await redis.call('CLIENT', 'KILL', 'TYPE', 'pubsub', 'ID', id));
      expect(killed).toBe(1);
      expect(chat.length).toBeLessThan(count);
      await series;
      await eventually(() => chat.length >= count, 'node a\'s client got every history broadcast', 10_000);
      // The plain topic: what arrived plus what node a counted missed is everything (the last may still be on their way).
      const stats = await statsWhen(a!, (stats) => plain.length + stats.missed === count);
      console.info(
        `CLIENT KILL TYPE pubsub on node a's subscriber during ${count} broadcasts: history topic ${chat.length} delivered, ` +
          `${stats.historyRecovered} of them read back from the stream, ${stats.historyMissed} missed; plain topic ${plain.length} delivered, ${stats.missed} missed`,
      );
      expect(chat.map(({ n }) => n)).toEqual(upTo(count));
      const offsets = chat.map(({ ref }) => offsetOf(ref!));
      expect(offsets).toEqual(upTo(count).map((n) => offsets[0]! + n));
      expect(stats).toMatchObject({ historyMissed: 0 });
      expect(stats.historyRecovered).toBeGreaterThanOrEqual(1);
      expect(plain.length + stats.missed).toBe(count);
      expect(stats.missed).toBeGreaterThanOrEqual(1);
    } finally {
      redis.disconnect();
    }
  }, 30_000);

  test('Redis down: joins answer without a position (recovered false); restarted without persistence: a new epoch, and an old position gets recovered false', async () => {
    const [a, b] = nodes;
    const topic = 'chat:restart';
    const watcher = record(await clients[0]!.joined(await clients[0]!.connected(), topic), ['said']);
    await b!.post('/broadcast', { topic, event: 'said', payload: { n: 1 } });
    await eventually(() => watcher.length === 1, 'the client on a got the first broadcast');
    const old = watcher[0]!.ref!;

    const count = (node: AppNode, pattern: RegExp) => (node.output().match(pattern) ?? []).length;
    const [downBefore, backBefore] = [nodes.map((node) => count(node, /is unreachable/g)), nodes.map((node) => count(node, /is back after/g))];
    await server.stop();
    await eventually(() => nodes.every((node, i) => count(node, /is unreachable/g) > downBefore[i]!), 'both nodes noticed', 10_000);
    const meanwhile = (await clients[1]!.connected()).channel(topic, { since: old });
    expect(await join(meanwhile)).toEqual({ status: 'ok', response: { node: 'b', recovery: { recovered: false } } });
    meanwhile.leave();
    await server.start();
    await eventually(() => nodes.every((node, i) => count(node, /is back after/g) > backBefore[i]!), 'both nodes are back', 15_000);

    const rejoined = (await clients[1]!.connected()).channel(topic, { since: old });
    const arrivals = record(rejoined, ['said']);
    const reply = await join(rejoined);
    expect(reply).toEqual({ status: 'ok', response: { node: 'b', recovery: { position: expect.any(String), recovered: false } } });
    const position = reply.response.recovery.position as string;
    expect(epochOf(position)).not.toBe(epochOf(old));

    await a!.post('/broadcast', { topic, event: 'said', payload: { n: 2 } });
    await eventually(() => arrivals.length === 1 && watcher.length === 2, 'both clients got the next one');
    expect(arrivals[0]).toEqual({ event: 'said', n: 2, ref: `${epochOf(position)}:${offsetOf(position) + 1}` });
    // The client that stayed on node a goes on in the new epoch too.
    expect(watcher[1]!.ref).toBe(arrivals[0]!.ref);
    expect(arrivals).toHaveLength(1);
  }, 30_000);
});
