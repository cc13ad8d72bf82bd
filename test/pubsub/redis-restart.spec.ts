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

describeOwnRedis('two app processes while their Redis stops and starts again', () => {
  const prefix = uniquePrefix('restart');
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

  async function subscribers(count: number): Promise<void> {
    const redis = testRedis(server.url);
    try {
      await waitForSubscribers(redis, `${prefix}room:restart`, count, 10_000);
    } finally {
      redis.disconnect();
    }
  }

  /** Shouts from `from` every 100 ms until `to` hears one; returns how long that took. */
  async function untilHeard(from: PhoenixChannel, heard: unknown[]): Promise<number> {
    const started = Date.now();
    const before = heard.length;
    for (let probe = 0; heard.length === before; probe++) {
      if (Date.now() - started > 15_000) throw new Error('cross-node delivery did not resume within 15 s');
      from.push('shout', { probe });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return Date.now() - started;
  }

  test('nothing crashes, local delivery goes on, the outage is logged once, and delivery resumes without restarts', async () => {
    const [a, b] = nodes;
    const onA = await clients[0].joined(await clients[0].connected(), 'room:restart');
    const onB = await clients[1].joined(await clients[1].connected(), 'room:restart');
    const heardOnA = collect(onA, 'shout');
    const heardOnB = collect(onB, 'shout');
    await subscribers(2);
    await push(onA, 'shout', { before: true });
    await eventually(() => heardOnB.length === 1, 'node b hears node a before the outage');

    await server.stop();
    await eventually(() => nodes.every((node) => node.output().includes('is unreachable')), 'both nodes noticed', 10_000);
    const heardBefore = heardOnA.length;
    for (let n = 0; n < 5; n++) expect((await push(onA, 'shout', { during: n })).status).toBe('ok');
    await eventually(() => heardOnA.length === heardBefore + 5, 'node a still delivers to its own clients');
    expect((await b.get('/stats')).node).toBe('b');

    await server.start();
    const restored = Date.now();
    await untilHeard(onA, heardOnB);
    await untilHeard(onB, heardOnA);
    console.info(`cross-node delivery resumed ${Date.now() - restored} ms after redis-server was started again`);
    await subscribers(2);

    for (const node of nodes) {
      const outages = node.output().match(/is unreachable/g) ?? [];
      const recoveries = node.output().match(/is back after/g) ?? [];
      expect({ node: node.name, outages: outages.length, recoveries: recoveries.length }).toEqual({
        node: node.name,
        outages: 1,
        recoveries: 1,
      });
    }
    expect(a.output()).not.toMatch(/Unhandled error event|UnhandledPromiseRejection/);
    if (process.env.SHOW_NODE_OUTPUT) console.info(a.output());
  });
});
