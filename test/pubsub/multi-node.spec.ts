import type { Redis } from 'ioredis';
import type { Channel as PhoenixChannel } from 'phoenix';
import { startNodes, type AppNode } from '../fixtures/nodes/node-process.js';
import { describeWhen, REDIS_URL, redisAnswers, testRedis, uniquePrefix, waitForSubscribers } from '../fixtures/nodes/redis.js';
import { ClientScope } from '../support/client-scope.js';
import { collect, eventually, push, type Vsn } from '../support/phoenix-client.js';

const describeRedis = describeWhen(await redisAnswers(REDIS_URL), `Redis is not reachable at ${REDIS_URL}`);

describeRedis('three app processes on one Redis', () => {
  const prefix = uniquePrefix('multi-node');
  let nodes: AppNode[] = [];
  let clients: Map<AppNode, ClientScope>;
  let redis: Redis;

  beforeAll(async () => {
    redis = testRedis(REDIS_URL);
    nodes = await startNodes(['a', 'b', 'c'], { REDIS_URL, CHANNELS_PREFIX: prefix });
    clients = new Map(nodes.map((node) => [node, new ClientScope(() => node.socketUrl, {})]));
  }, 30_000);
  afterEach(() => Promise.all([...clients.values()].map((scope) => scope.disconnectAll())));
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    redis?.disconnect();
  });

  /** A client of `node` joined to `topic`. */
  async function member(node: AppNode, topic: string, vsn: Vsn = '2.0.0', user?: string): Promise<PhoenixChannel> {
    const scope = clients.get(node)!;
    const socket = await scope.connected({ vsn, params: user ? { user } : {} });
    return scope.joined(socket, topic);
  }

  test('a broadcast from any node reaches every subscriber on every node exactly once, with one PUBLISH each', async () => {
    const topic = 'room:everyone';
    const members = await Promise.all(
      nodes.flatMap((node) => (['2.0.0', '1.0.0'] as Vsn[]).map(async (vsn) => ({ node, channel: await member(node, topic, vsn) }))),
    );
    const seen = members.map(({ channel }) => collect<{ round: number; node: string }>(channel, 'shout'));
    // Two clients per node, yet each node holds a single Redis subscription to the topic.
    await waitForSubscribers(redis, prefix + topic, 3);
    const spy = testRedis(REDIS_URL);
    const raw: string[] = [];
    spy.on('message', (channel: string, data: string) => raw.push(channel === prefix + topic ? data : 'fence'));
    await spy.subscribe(prefix + topic, `${prefix}spy-fence`);

    try {
      // Round 1: every node's first client shouts through its channel.
      for (const node of nodes) {
        const sender = members.find((entry) => entry.node === node)!.channel;
        expect((await push(sender, 'shout', { round: 1, node: node.name })).status).toBe('ok');
      }
      await eventually(() => seen.every((list) => list.length >= 3), 'every client got round 1');
      // Round 2, from a service on every node: published after round 1 reached Redis, so any
      // duplicate of round 1 would reach each client before the other nodes' round 2 does.
      await Promise.all(nodes.map((node) => node.post('/broadcast', { topic, event: 'shout', payload: { round: 2, node: node.name } })));
      await eventually(() => seen.every((list) => list.length >= 6), 'every client got round 2');

      for (const list of seen) {
        const round = (n: number) => list.filter((message) => message.round === n).map((message) => message.node).sort();
        expect(round(1)).toEqual(['a', 'b', 'c']);
        expect(round(2)).toEqual(['a', 'b', 'c']);
      }
      await redis.publish(`${prefix}spy-fence`, 'fence');
      await eventually(() => raw.includes('fence'), 'the spy saw its fence');
      expect(raw.filter((entry) => entry !== 'fence')).toHaveLength(6);
    } finally {
      spy.disconnect();
    }
  });

  test('a service-side broadcast on node b reaches clients on node a, bytes included', async () => {
    const [a, b] = nodes;
    const onA = await member(a, 'room:service');
    const events = collect(onA, 'news');
    const bytes = collect<ArrayBuffer>(onA, 'bytes');
    await waitForSubscribers(redis, `${prefix}room:service`, 1);

    await b.post('/broadcast', { topic: 'room:service', event: 'news', payload: { from: 'b' } });
    await b.post('/broadcast', { topic: 'room:service', event: 'bytes', base64: Buffer.from([0, 1, 254, 255]).toString('base64') });
    await eventually(() => events.length === 1 && bytes.length === 1, 'node a got both broadcasts');

    expect(events[0]).toEqual({ from: 'b' });
    expect(Buffer.from(bytes[0])).toEqual(Buffer.from([0, 1, 254, 255]));
  });

  test('broadcastFrom on node a skips its sender only, on every node', async () => {
    const [a, b] = nodes;
    const sender = await member(a, 'room:whisper');
    const neighbour = await member(a, 'room:whisper');
    const remote = await member(b, 'room:whisper');
    const heard = [sender, neighbour, remote].map((channel) => collect(channel, 'whisper'));
    await waitForSubscribers(redis, `${prefix}room:whisper`, 2);

    await push(sender, 'whisper', { secret: 1 });
    await eventually(() => heard[1].length === 1 && heard[2].length === 1, 'the others heard the whisper');
    // A broadcast from node b after the whisper reached Redis: the sender gets it only after
    // any echo of the whisper would have arrived.
    const fence = collect(sender, 'fence');
    await b.post('/broadcast', { topic: 'room:whisper', event: 'fence', payload: {} });
    await eventually(() => fence.length === 1, 'the sender got the fence');
    expect(heard[0]).toEqual([]);
  });

  test('a node subscribes in Redis to the topics its clients joined, and unsubscribes after the last leaves', async () => {
    const [a, b, c] = nodes;
    const channel = `${prefix}room:refcount`;
    const joined = [await member(c, 'room:refcount'), await member(c, 'room:refcount'), await member(c, 'room:refcount')];
    await waitForSubscribers(redis, channel, 1);
    const stats = await Promise.all([a, b, c].map((node) => node.get('/stats')));
    expect(stats.map((entry) => entry.topics.includes('room:refcount'))).toEqual([false, false, true]);

    const heard = collect(joined[2], 'ping');
    await Promise.all(joined.slice(0, 2).map((entry) => leave(entry)));
    await a.post('/broadcast', { topic: 'room:refcount', event: 'ping', payload: {} });
    await eventually(() => heard.length === 1, 'the remaining client still hears node a');

    await leave(joined[2]);
    await waitForSubscribers(redis, channel, 0);
  });

  test('disconnect(socketId) on node a closes that user\'s sockets on nodes b and c, and only those', async () => {
    const [a, b, c] = nodes;
    const annOnB = await clients.get(b)!.connected({ params: { user: 'ann' } });
    const annOnC = await clients.get(c)!.connected({ params: { user: 'ann' } });
    const bobOnB = await clients.get(b)!.connected({ params: { user: 'bob' } });
    const bobChannel = await clients.get(b)!.joined(bobOnB, 'room:bob');
    const closes = new Map<string, number[]>([['annOnB', []], ['annOnC', []], ['bobOnB', []]]);
    annOnB.onClose((event: { code: number }) => void closes.get('annOnB')!.push(event.code));
    annOnC.onClose((event: { code: number }) => void closes.get('annOnC')!.push(event.code));
    bobOnB.onClose((event: { code: number }) => void closes.get('bobOnB')!.push(event.code));
    await waitForSubscribers(redis, `${prefix}phx:socket:user_socket:ann`, 2);

    await a.post('/disconnect', { socketId: 'user_socket:ann' });
    await eventually(() => closes.get('annOnB')!.length > 0 && closes.get('annOnC')!.length > 0, "ann's sockets closed");

    expect(closes.get('annOnB')![0]).toBe(1001);
    expect(closes.get('annOnC')![0]).toBe(1001);
    expect((await push(bobChannel, 'shout', { still: 'here' })).status).toBe('ok');
    expect(closes.get('bobOnB')).toEqual([]);
  });

  test('junk published on an app channel is ignored and counted, and delivery goes on', async () => {
    const [a, b] = nodes;
    const onB = await member(b, 'room:junk');
    const shouts = collect(onB, 'shout');
    await waitForSubscribers(redis, `${prefix}room:junk`, 1);
    const before = (await b.get('/stats')).invalid;

    await redis.publish(`${prefix}room:junk`, 'definitely not an envelope');
    await redis.publish(`${prefix}room:junk`, JSON.stringify({ event: 'shout', payload: { fake: true } }));
    await a.post('/broadcast', { topic: 'room:junk', event: 'shout', payload: { real: true } });
    await eventually(() => shouts.length === 1, 'the real broadcast arrived');

    expect(shouts).toEqual([{ real: true }]);
    expect((await b.get('/stats')).invalid - before).toBe(2);
  });
});

function leave(channel: PhoenixChannel): Promise<void> {
  return new Promise((resolve, reject) => {
    channel
      .leave()
      .receive('ok', () => resolve())
      .receive('timeout', () => reject(new Error(`leave of ${channel.topic} timed out`)));
  });
}
