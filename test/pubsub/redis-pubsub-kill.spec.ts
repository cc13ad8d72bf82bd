import { describeWhen, redisServerInstalled, testRedis } from '../fixtures/nodes/redis.js';
import { expectOutageLoggedOnce, shoutUntilHeard, useOutageCluster } from '../fixtures/nodes/redis-outage.js';
import { collect, eventually, push } from '../support/phoenix-client.js';

const describeOwnRedis = describeWhen(redisServerInstalled(), 'redis-server is not on PATH');

/** Issue 10, item 16: Redis stays up but kills every pub/sub connection (`CLIENT KILL TYPE pubsub`). */
describeOwnRedis('two app processes whose Redis subscriber connections are killed', () => {
  const cluster = useOutageCluster('pubsub-kill');
  const topic = 'room:kill';

  test('local delivery goes on, broadcasts never fail, the outage is logged once and subscriptions come back', async () => {
    const { nodes, clients, server } = cluster;
    const [a, b] = nodes;
    const onA = await clients[0].joined(await clients[0].connected(), topic);
    const onB = await clients[1].joined(await clients[1].connected(), topic);
    const heardOnA = collect(onA, 'shout');
    const heardOnB = collect(onB, 'shout');
    const redis = testRedis(server.url);
    try {
      await cluster.subscribers(topic, 2);
      await push(onA, 'shout', { before: true });
      await eventually(() => heardOnB.length === 1, 'node b hears node a before the kill');

      const killed = Number(await redis.call('CLIENT', 'KILL', 'TYPE', 'pubsub'));
      expect(killed).toBeGreaterThanOrEqual(2);
      const killedAt = Date.now();
      // Pushes right after the kill: channel code broadcasts, local subscribers still hear it.
      const localBefore = heardOnA.length;
      for (let n = 0; n < 5; n++) expect((await push(onA, 'shout', { during: n })).status).toBe('ok');
      await eventually(() => heardOnA.length >= localBefore + 5, 'node a still delivers to its own clients');

      await cluster.subscribers(topic, 2);
      const resubscribedMs = Date.now() - killedAt;
      await shoutUntilHeard(onA, heardOnB);
      await shoutUntilHeard(onB, heardOnA);
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
    expectOutageLoggedOnce(nodes);
    expect((await b.get('/stats')).node).toBe('b');
    if (process.env.SHOW_NODE_OUTPUT) console.info(a.output());
  });
});
