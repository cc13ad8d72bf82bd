import { describeWhen, redisServerInstalled } from '../fixtures/nodes/redis.js';
import { connectShouters, expectOutageLoggedOnce, shoutUntilHeard, useOutageCluster } from '../fixtures/nodes/redis-outage.js';
import { eventually } from '../support/phoenix-client.js';

const describeOwnRedis = describeWhen(redisServerInstalled(), 'redis-server is not on PATH');

describeOwnRedis('two app processes while their Redis stops and starts again', () => {
  const cluster = useOutageCluster('restart');
  const topic = 'room:restart';

  test('nothing crashes, local delivery goes on, the outage is logged once, delivery resumes without restarts, and nothing is lost silently', async () => {
    const { nodes, server } = cluster;
    const [a, b] = nodes;
    const { onB, heardOnA, fromA } = await connectShouters(cluster, topic);

    await server.stop();
    await eventually(() => nodes.every((node) => node.output().includes('is unreachable')), 'both nodes noticed', 10_000);
    const heardBefore = heardOnA.length;
    for (let n = 0; n < 5; n++) await fromA.shout({ during: n });
    await eventually(() => heardOnA.length === heardBefore + 5, 'node a still delivers to its own clients');
    expect((await b.get('/stats')).node).toBe('b');

    await server.start();
    const restored = Date.now();
    await fromA.shoutUntilHeard();
    await shoutUntilHeard(onB, heardOnA);
    console.info(`cross-node delivery resumed ${Date.now() - restored} ms after redis-server was started again`);
    await cluster.subscribers(topic, 2);

    // a queued its 5 broadcasts and sent them once back; b got those sent after it resubscribed.
    const missedOnB = await fromA.missedOn(b);
    const { dropped } = await a.get('/stats');
    console.info(`redis-server restart: a broadcast ${fromA.sent} on "${topic}" (dropped ${dropped}); b's client heard ${fromA.heard}, b counted ${missedOnB} missed`);
    expect(fromA.heard + missedOnB).toBe(fromA.sent);
    expectOutageLoggedOnce(nodes);
    if (process.env.SHOW_NODE_OUTPUT) console.info(a.output());
  });
});
