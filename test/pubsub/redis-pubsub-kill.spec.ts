import { describeWhen, redisServerInstalled, testRedis } from '../fixtures/nodes/redis.js';
import { connectShouters, expectOutageLoggedOnce, shoutUntilHeard, useOutageCluster } from '../fixtures/nodes/redis-outage.js';
import { eventually } from '../support/phoenix-client.js';

const describeOwnRedis = describeWhen(redisServerInstalled(), 'redis-server is not on PATH');

/** Issue 10, item 16: Redis stays up but kills every pub/sub connection (`CLIENT KILL TYPE pubsub`). */
describeOwnRedis('two app processes whose Redis subscriber connections are killed', () => {
  const cluster = useOutageCluster('pubsub-kill');
  const topic = 'room:kill';

  test('local delivery goes on, broadcasts never fail, the outage is logged once, subscriptions come back, and what b missed is counted', async () => {
    const { nodes, server } = cluster;
    const [a, b] = nodes;
    const { onB, heardOnA, fromA } = await connectShouters(cluster, topic);
    const redis = testRedis(server.url);
    try {

      const killed = Number(await redis.call('CLIENT', 'KILL', 'TYPE', 'pubsub'));
      expect(killed).toBeGreaterThanOrEqual(2);
      const killedAt = Date.now();
      // Pushed at once, while ioredis waits before its first reconnect, so b has no subscription.
      // Channel code broadcasts, and a's own clients still hear it.
      const localBefore = heardOnA.length;
      await Promise.all([0, 1, 2, 3, 4].map((n) => fromA.shout({ during: n })));
      await eventually(() => heardOnA.length >= localBefore + 5, 'node a still delivers to its own clients');

      await cluster.subscribers(topic, 2);
      const resubscribedMs = Date.now() - killedAt;
      // A broadcast from a after b resubscribed: the gap before it is what b missed.
      await fromA.shoutUntilHeard();
      await shoutUntilHeard(onB, heardOnA);
      console.info(`CLIENT KILL TYPE pubsub: both nodes resubscribed ${resubscribedMs} ms later; cross-node delivery resumed ${Date.now() - killedAt} ms later`);
    } finally {
      redis.disconnect();
    }

    const missedOnB = await fromA.missedOn(b);
    const stats = await Promise.all(nodes.map((node) => node.get('/stats')));
    console.info(`adapter stats after the kill: ${JSON.stringify(stats.map(({ node, published, received, dropped, invalid, missed }) => ({ node, published, received, dropped, invalid, missed })))}`);
    console.info(`CLIENT KILL TYPE pubsub: a broadcast ${fromA.sent} on "${topic}"; b's client heard ${fromA.heard}, b counted ${missedOnB} missed`);
    // Nothing is lost silently: each broadcast of a reached b's client or is counted missed on b.
    expect(fromA.heard + missedOnB).toBe(fromA.sent);
    // The pushes right after the kill went out while b had no subscription.
    expect(missedOnB).toBeGreaterThanOrEqual(1);
    expect(b.output().match(/Missed \d+ broadcast\(s\) from other nodes on topic "room:kill"/g)).toHaveLength(1);
    expect(a.output().match(/Missed \d+ broadcast/g)?.length ?? 0).toBeLessThanOrEqual(1);
    for (const node of stats) expect(node.topics).toContain(topic);
    expectOutageLoggedOnce(nodes);
    if (process.env.SHOW_NODE_OUTPUT) console.info(a.output());
  });
});
