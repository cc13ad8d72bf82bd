import type { Channel as PhoenixChannel } from 'phoenix';
import { startNodes, type AppNode } from '../fixtures/nodes/node-process.js';
import {
  describeWhen,
  OwnRedisServer,
  redisServerInstalled,
  testRedis,
  uniquePrefix,
  waitForSubscribers,
} from '../fixtures/nodes/redis.js';
import { ClientScope } from '../support/client-scope.js';
import { collect, eventually, push } from '../support/phoenix-client.js';

const describeOwnRedis = describeWhen(redisServerInstalled(), 'redis-server is not on PATH');

/** Issue 10, item 16: Redis stays up but kills every pub/sub connection (`CLIENT KILL TYPE pubsub`). */
describeOwnRedis('two app processes whose Redis subscriber connections are killed', () => {
  const prefix = uniquePrefix('pubsub-kill');
  const topic = 'room:kill';
  let server: OwnRedisServer;
  let nodes: AppNode[] = [];
  let clients: ClientScope[] = [];

  beforeAll(async () => {
    server = await OwnRedisServer.start();
    nodes = await startNodes(['a', 'b'], { REDIS_URL: server.url, CHANNELS_PREFIX: prefix });
    clients = nodes.map((node) => new ClientScope(() => node.socketUrl, {}));
  }, 30_000);
  afterAll(async () => {
    await Promise.all(clients.map((scope) => scope.disconnectAll()));
    await Promise.all(nodes.map((node) => node.stop()));
    await server?.stop();
  });

  /** Shouts from `from` every 50 ms until one is heard in `heard`; every push must be answered "ok". */
  async function untilHeard(from: PhoenixChannel, heard: unknown[]): Promise<void> {
    const started = Date.now();
    const before = heard.length;
    for (let probe = 0; heard.length === before; probe++) {
      if (Date.now() - started > 15_000) throw new Error('cross-node delivery did not resume within 15 s');
      expect((await push(from, 'shout', { probe })).status).toBe('ok');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  test('local delivery goes on, broadcasts never fail, the outage is logged once and subscriptions come back', async () => {
    const [a, b] = nodes;
    const onA = await clients[0].joined(await clients[0].connected(), topic);
    const onB = await clients[1].joined(await clients[1].connected(), topic);
    const heardOnA = collect(onA, 'shout');
    const heardOnB = collect(onB, 'shout');
    const redis = testRedis(server.url);
    try {
      await waitForSubscribers(redis, prefix + topic, 2, 10_000);
      await push(onA, 'shout', { before: true });
      await eventually(() => heardOnB.length === 1, 'node b hears node a before the kill');

      const killed = Number(await redis.call('CLIENT', 'KILL', 'TYPE', 'pubsub'));
      expect(killed).toBeGreaterThanOrEqual(2);
      const killedAt = Date.now();
      // Pushes right after the kill: channel code broadcasts, local subscribers still hear it.
      const localBefore = heardOnA.length;
      for (let n = 0; n < 5; n++) expect((await push(onA, 'shout', { during: n })).status).toBe('ok');
      await eventually(() => heardOnA.length >= localBefore + 5, 'node a still delivers to its own clients');

      await waitForSubscribers(redis, prefix + topic, 2, 10_000);
      const resubscribedMs = Date.now() - killedAt;
      await untilHeard(onA, heardOnB);
      await untilHeard(onB, heardOnA);
      console.info(`CLIENT KILL TYPE pubsub: both nodes resubscribed ${resubscribedMs} ms later; cross-node delivery resumed ${Date.now() - killedAt} ms later`);
    } finally {
      redis.disconnect();
    }

    const stats = await Promise.all(nodes.map((node) => node.get('/stats')));
    console.info(`adapter stats after the kill: ${JSON.stringify(stats.map(({ node, published, received, dropped, invalid }) => ({ node, published, received, dropped, invalid })))}`);
    console.info(`a published ${stats[0].published}, b received ${stats[1].received}: the broadcasts made while b was resubscribing never reached it`);
    for (const node of stats) expect(node.topics).toContain(topic);
    // Whatever b missed while unsubscribed, it never received more than a published.
    expect(stats[1].received).toBeLessThanOrEqual(stats[0].published);
    for (const node of nodes) {
      const outages = node.output().match(/is unreachable/g) ?? [];
      const recoveries = node.output().match(/is back after/g) ?? [];
      expect({ node: node.name, outages: outages.length, recoveries: recoveries.length }).toEqual({
        node: node.name,
        outages: 1,
        recoveries: 1,
      });
      expect(node.output()).not.toMatch(/Unhandled error event|UnhandledPromiseRejection/);
    }
    expect((await b.get('/stats')).node).toBe('b');
    if (process.env.SHOW_NODE_OUTPUT) console.info(a.output());
  });
});
