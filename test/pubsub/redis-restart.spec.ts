import { describeWhen, redisServerInstalled } from '../fixtures/nodes/redis.js';
import { expectOutageLoggedOnce, shoutUntilHeard, useOutageCluster } from '../fixtures/nodes/redis-outage.js';
import { collect, eventually, push } from '../support/phoenix-client.js';

const describeOwnRedis = describeWhen(redisServerInstalled(), 'redis-server is not on PATH');

describeOwnRedis('two app processes while their Redis stops and starts again', () => {
  const cluster = useOutageCluster('restart');
  const topic = 'room:restart';

  test('nothing crashes, local delivery goes on, the outage is logged once, and delivery resumes without restarts', async () => {
    const { nodes, clients, server } = cluster;
    const [a, b] = nodes;
    const onA = await clients[0].joined(await clients[0].connected(), topic);
    const onB = await clients[1].joined(await clients[1].connected(), topic);
    const heardOnA = collect(onA, 'shout');
    const heardOnB = collect(onB, 'shout');
    await cluster.subscribers(topic, 2);
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
    await shoutUntilHeard(onA, heardOnB);
    await shoutUntilHeard(onB, heardOnA);
    console.info(`cross-node delivery resumed ${Date.now() - restored} ms after redis-server was started again`);
    await cluster.subscribers(topic, 2);

    expectOutageLoggedOnce(nodes);
    if (process.env.SHOW_NODE_OUTPUT) console.info(a.output());
  });
});
