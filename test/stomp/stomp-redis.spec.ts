import { conformanceApp } from '../fixtures/conformance.app.js';
import { describeWhen, REDIS_URL, redisAnswers, uniquePrefix } from '../fixtures/nodes/redis.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { eventually } from '../support/phoenix-client.js';
import { json, StompProbe } from '../support/stomp-client.js';

const describeRedis = describeWhen(await redisAnswers(REDIS_URL), `Redis is not reachable at ${REDIS_URL}`);

describeRedis('STOMP on two nodes sharing Redis', () => {
  const prefix = uniquePrefix('stomp');
  let nodes: TestApp[] = [];
  const probes: StompProbe[] = [];

  beforeAll(async () => {
    const options = () => conformanceApp('express', { transports: ['stomp'], pubsub: { redis: REDIS_URL, prefix } }, { logger: ['error'] });
    nodes = [await startTestApp(options()), await startTestApp(options())];
  }, 30_000);
  afterAll(async () => {
    await Promise.all(probes.map((probe) => probe.stop()));
    await Promise.all(nodes.map((node) => node.close()));
  });

  test('a broadcast from a STOMP client on one node reaches STOMP subscribers on the other', async () => {
    const [a, b] = nodes.map((node, index) => new StompProbe(`${node.socketUrl}/stomp`, { user: `user-${index}` }));
    probes.push(a!, b!);
    await a!.connect();
    await b!.connect();
    const onA = await a!.subscribe('room:cluster');
    const onB = await b!.subscribe('room:cluster');
    // Subscriptions on Redis are confirmed asynchronously: repeat until the other node hears one.
    let sent = 0;
    await eventually(() => {
      a!.send('room:cluster', 'shout', { n: sent++ });
      return onB.messages.some((message) => message.headers.event === 'shout');
    }, 'a shout across nodes', 10_000);
    const shout = onB.messages.find((message) => message.headers.event === 'shout')!;
    expect(shout.headers).toMatchObject({ destination: '/topic/room:cluster', subscription: onB.id });
    expect(typeof json(shout).n).toBe('number');
    expect(onA.messages.some((message) => message.headers.event === 'shout')).toBe(true);
  });
});
