import type { BroadcastMessage, RedisPubSubOptions } from '../../lib/index.js';
import { OwnRedisCluster, redisClusterToolsInstalled } from '../fixtures/nodes/own-redis-cluster.js';
import { describeWhen, uniquePrefix } from '../fixtures/nodes/redis.js';
import { eventually, sleep } from '../support/phoenix-client.js';
import { expectBroadcastCrossesOnce, record, useInProcessNodes, type InProcessNode } from './in-process-nodes.js';

const { startNode, logs } = useInProcessNodes();

const describeCluster = describeWhen(redisClusterToolsInstalled(), 'redis-server or redis-cli is not on PATH (a Redis Cluster needs both)');

const IOREDIS_DISCONNECT_TIMEOUT_MS = 2000;
const numbers = (messages: BroadcastMessage[]) => messages.map((message) => (message.payload as { n: number }).n);
const upTo = (count: number) => Array.from({ length: count }, (_, n) => n);

// The tests share one cluster; those that kill masters start them again before they end.
describeCluster('RedisPubSubAdapter on a Redis Cluster (3 masters, no replicas)', () => {
  const prefix = uniquePrefix('cluster');
  let cluster: OwnRedisCluster;
  beforeAll(async () => {
    const started = Date.now();
    cluster = await OwnRedisCluster.start(3);
    console.info(`Redis Cluster of 3 masters ready in ${Date.now() - started} ms`);
  }, 15_000);
  afterAll(async () => {
    await cluster?.stop();
    // Each subscriber connection an outage made ioredis replace leaves a timer of its disconnectTimeout
    // (2 s, set on a socket that had already closed); waiting them out lets jest exit promptly.
    await sleep(IOREDIS_DISCONNECT_TIMEOUT_MS);
  });

  const options = (clusterOptions?: Record<string, unknown>, more: Partial<RedisPubSubOptions> = {}): RedisPubSubOptions =>
    ({ redis: { cluster: cluster.nodes, clusterOptions }, prefix, ...more });
  const twoNodes = () => Promise.all([startNode(options()), startNode(options())]);
  const outageLogs = (pattern: RegExp) => logs().of('warn', 'RedisPubSub').filter((entry) => pattern.test(entry.message)).length;

  test('a broadcast reaches the other node once, and its own node once (not again through Redis)', async () => {
    const [one, two] = await twoNodes();
    await expectBroadcastCrossesOnce(one, two, 'room:once', () => cluster.waitForSubscribers(`${prefix}room:once`, 2));
    expect(logs().of('log', 'RedisPubSub').map((entry) => entry.message)).toContain('Connected to Redis at cluster (3 startup node(s))');
  });

  test('a burst of 50 in one turn reaches the other node complete, each PUBLISH acknowledged, none counted missed', async () => {
    const [one, two] = await twoNodes();
    const onTwo = record(two, 'room:burst');
    await cluster.waitForSubscribers(`${prefix}room:burst`, 1);

    for (let n = 0; n < 50; n++) one.pubsub.broadcast('room:burst', 'n', { n });
    await eventually(() => onTwo.length === 50, 'node two got the whole burst');
    await eventually(() => one.adapter.stats.published === 50, 'every PUBLISH of the burst was acknowledged');

    const arrived = numbers(onTwo);
    const outOfPlace = arrived.filter((n, index) => n !== index).length;
    console.info(`Cluster burst of 50: ${outOfPlace} arrived out of place (order is asserted by the next test)`);
    expect([...arrived].sort((a, b) => a - b)).toEqual(upTo(50));
    expect(one.adapter.stats.dropped).toBe(0);
    // Late ones are counted missed while late, and taken back when they arrive.
    expect(two.adapter.stats.missed).toBe(0);
  });

  // ioredis would send each keyless PUBLISH to a random master, and masters relay over separate
  // cluster-bus links, so broadcasts arrived shuffled (every 50-burst tried). The adapter sends all
  // PUBLISHes of a channel through one master (lib/pubsub/redis/publish-routes.ts); this checks a
  // burst in one turn and broadcasts of consecutive turns.
  test('one node’s broadcasts on one topic arrive in the order sent, in one turn and across turns', async () => {
    const [one, two] = await twoNodes();
    const onTwo = record(two, 'room:order');
    await cluster.waitForSubscribers(`${prefix}room:order`, 1);

    for (let n = 0; n < 50; n++) one.pubsub.broadcast('room:order', 'n', { n });
    await eventually(() => onTwo.length === 50, 'node two got the burst');
    expect(numbers(onTwo)).toEqual(upTo(50));

    onTwo.length = 0;
    for (let n = 0; n < 50; n++) {
      one.pubsub.broadcast('room:order', 'n', { n });
      await new Promise((resolve) => setImmediate(resolve));
    }
    await eventually(() => onTwo.length === 50, 'node two got the broadcasts of 50 turns');
    expect(numbers(onTwo)).toEqual(upTo(50));
  });

  test('broadcasts on topics whose channels hash to slots of different masters all arrive, both ways', async () => {
    const topics = await topicsOnEveryMaster(cluster, prefix);
    const [one, two] = await twoNodes();
    const [allOnOne, allOnTwo] = [collectAll(one, topics), collectAll(two, topics)];
    for (const topic of topics) await cluster.waitForSubscribers(`${prefix}${topic}`, 2);

    for (const topic of topics) one.pubsub.broadcast(topic, 'from-one', {});
    for (const topic of topics) two.pubsub.broadcast(topic, 'from-two', {});
    await eventually(() => allOnOne.length === 2 * topics.length && allOnTwo.length === 2 * topics.length, 'every broadcast crossed');

    const received = (seen: BroadcastMessage[], event: string) =>
      seen.filter((message) => message.event === event).map((message) => message.topic).sort();
    expect(received(allOnTwo, 'from-one')).toEqual([...topics].sort());
    expect(received(allOnOne, 'from-two')).toEqual([...topics].sort());
  });

  test('the master a node subscribes through is killed: broadcasts keep crossing, none throws, each arrives or is counted missed', async () => {
    const one = await startNode(options());
    // Names node two's connections, so that the test can find the master its subscriber uses.
    const two = await startNode(options({ redisOptions: { connectionName: 'node-two' } }));
    const onOne = record(one, 'room:failover');
    const onTwo = record(two, 'room:failover');
    await cluster.waitForSubscribers(`${prefix}room:failover`, 2);
    one.pubsub.broadcast('room:failover', 'n', { n: 0 });
    await eventually(() => onTwo.length === 1, 'node two heard node one before the kill');

    const victim = await cluster.nodeWithClient('(subscriber):node-two');
    try {
      await cluster.kill(victim);
      const killed = Date.now();
      let sent = 1;
      const heardBefore = onTwo.length;
      // ioredis moves the subscriber to another master and subscribes it again on its own.
      while (onTwo.length < heardBefore + 5) {
        if (Date.now() - killed > 5000) throw new Error(`node two heard ${onTwo.length - heardBefore} broadcast(s) in 5 s after the kill`);
        one.pubsub.broadcast('room:failover', 'n', { n: sent++ });
        await sleep(20);
      }
      console.info(`Cluster: node two heard node one again ${Date.now() - killed} ms after its subscriber's master was killed`);
      one.pubsub.broadcast('room:failover', 'fence', { n: sent++ });
      await eventually(() => onTwo.some((message) => message.event === 'fence'), 'node two got the fence');

      // Acknowledgements to node one may still be on their way when node two has the fence.
      await eventually(() => one.adapter.stats.published + one.adapter.stats.dropped === sent, 'every broadcast was sent or counted dropped');
      const { dropped, published } = one.adapter.stats;
      const { received, missed } = two.adapter.stats;
      console.info(`Cluster, one master killed: sent ${sent}, published ${published}, dropped ${dropped}; node two received ${received}, missed ${missed}`);
      expect(onOne).toHaveLength(sent);
      // The fence is node one's last, so each earlier one has arrived or is counted missed (until it does).
      expect(received + missed).toBe(sent);
    } finally {
      await cluster.restart(victim);
    }
  }, 15_000);

  test('every master killed, then back: broadcasts never throw, stay local meanwhile, the outage is logged, queued ones arrive after', async () => {
    const [one, two] = await twoNodes();
    const onOne = record(one, 'room:outage');
    const onTwo = record(two, 'room:outage');
    await cluster.waitForSubscribers(`${prefix}room:outage`, 2);
    let sent = 0;
    one.pubsub.broadcast('room:outage', 'n', { n: sent++ });
    await eventually(() => onTwo.length === 1, 'node two heard node one before the outage');

    const ports = cluster.servers.map(({ port }) => port);
    try {
      await Promise.all(ports.map((port) => cluster.kill(port)));
      for (let n = 0; n < 5; n++) {
        one.pubsub.broadcast('room:outage', 'n', { n: sent++ });
        // Node two publishes too (elsewhere): its publisher notices at once, its subscriber after a stall.
        two.pubsub.broadcast('room:elsewhere', 'n', {});
        await sleep(50);
      }
      await eventually(() => outageLogs(/is unreachable/) === 2, 'both nodes logged the outage');
      expect(onOne).toHaveLength(sent);
      expect(onTwo).toHaveLength(1);
    } finally {
      await Promise.all(ports.map((port) => cluster.restart(port)));
    }
    const restarted = Date.now();
    while (!onTwo.some((message) => message.event === 'fence')) {
      if (Date.now() - restarted > 10_000) throw new Error('node two heard nothing in 10 s after the cluster was back');
      one.pubsub.broadcast('room:outage', 'fence', { n: sent++ });
      await sleep(50);
    }
    console.info(`Cluster: cross-node delivery resumed ${Date.now() - restarted} ms after every master answered again`);
    await eventually(() => one.adapter.stats.published + one.adapter.stats.dropped === sent, 'every broadcast was sent or counted dropped');
    // The fence that arrived is not necessarily the last one sent (several may be in flight).
    await eventually(() => two.adapter.stats.received + two.adapter.stats.missed === sent, 'every broadcast arrived or was counted missed');

    const { published, dropped } = one.adapter.stats;
    const { received, missed } = two.adapter.stats;
    console.info(`Cluster, every master killed: sent ${sent}, published ${published} (queued ones included), dropped ${dropped}; node two received ${received}, missed ${missed}`);
    expect(onOne).toHaveLength(sent);
    // Once per outage and node, not per broadcast or retry; node two's idle publisher may still be in its backoff.
    const recoveries = () => logs().of('log', 'RedisPubSub').filter((entry) => /is back after/.test(entry.message)).length;
    await eventually(() => recoveries() >= 2, 'both nodes logged that Redis is back', 5000);
    expect({ outages: outageLogs(/is unreachable/), recoveries: recoveries() }).toEqual({ outages: 2, recoveries: 2 });
  }, 20_000);

  // ioredis keeps a Cluster client "ready" while its private subscriber connection finds no node
  // (it retries in a loop), and the lazy pool connections of a node that never publishes notice
  // nothing: lib/pubsub/redis/cluster-subscriber-watch.ts follows that connection instead.
  test('a node that only subscribes logs a total Cluster outage once, then that Redis is back, and receives again', async () => {
    const listener = await startNode(options());
    const onListener = record(listener, 'room:silent');
    await cluster.waitForSubscribers(`${prefix}room:silent`, 1);

    const ports = cluster.servers.map(({ port }) => port);
    try {
      await Promise.all(ports.map((port) => cluster.kill(port)));
      const killed = Date.now();
      await eventually(() => outageLogs(/is unreachable/) === 1, 'the listening node logged the outage');
      console.info(`Cluster: the node that only subscribes logged the outage ${Date.now() - killed} ms after every master was killed`);
    } finally {
      await Promise.all(ports.map((port) => cluster.restart(port)));
    }
    const recoveries = () => logs().of('log', 'RedisPubSub').filter((entry) => /is back after/.test(entry.message)).length;
    await eventually(() => recoveries() === 1, 'the listening node logged that Redis is back', 5000);

    // Started after the outage, so that the only outage and recovery logged are the listener's.
    const sender = await startNode(options());
    const sending = Date.now();
    while (onListener.length === 0) {
      if (Date.now() - sending > 10_000) throw new Error('the listening node heard nothing in 10 s after the cluster was back');
      sender.pubsub.broadcast('room:silent', 'again', {});
      await sleep(50);
    }
    expect(onListener[0]).toEqual({ topic: 'room:silent', event: 'again', payload: {} });
    expect({ outages: outageLogs(/is unreachable/), recoveries: recoveries() }).toEqual({ outages: 1, recoveries: 1 });
  }, 20_000);

  test('clusterSubscriberStallMs: a node that only subscribes waits that long before it declares the outage', async () => {
    const stallMs = 1500;
    // Both only subscribe: a receiving node's outage is the one only the watch can notice.
    record(await startNode(options(undefined, { clusterSubscriberStallMs: stallMs })), 'room:patient');
    record(await startNode(options()), 'room:patient');
    await cluster.waitForSubscribers(`${prefix}room:patient`, 2);
    const outages = () => outageLogs(/is unreachable/);
    const ports = cluster.servers.map(({ port }) => port);
    let loggedAfterMs = 0;
    try {
      // Taken before the kill: the nodes may see their connections close before the kill resolves,
      // and the stall is counted from that moment.
      const killed = Date.now();
      await Promise.all(ports.map((port) => cluster.kill(port)));
      // The second node (default 500 ms) logs first, and shows the masters are really gone by then.
      await eventually(() => outages() >= 1, 'the node with the default logged the outage');
      const defaultAfterMs = Date.now() - killed;
      await eventually(() => outages() === 2, 'the node with clusterSubscriberStallMs 1500 logged the outage', 5000);
      loggedAfterMs = Date.now() - killed;
      console.info(`Cluster: outage logged ${defaultAfterMs} ms after the kill by default, ${loggedAfterMs} ms with clusterSubscriberStallMs ${stallMs}`);
    } finally {
      await Promise.all(ports.map((port) => cluster.restart(port)));
    }
    expect(loggedAfterMs).toBeGreaterThanOrEqual(stallMs);
  }, 20_000);
});

/** One topic per master: the slot of its channel name is served by that master. */
async function topicsOnEveryMaster(cluster: OwnRedisCluster, prefix: string): Promise<string[]> {
  const byMaster = new Map<number, string>();
  for (let n = 0; byMaster.size < cluster.servers.length; n++) {
    if (n > 1000) throw new Error('no topic found for every master');
    const topic = `room:slot-${n}`;
    const owner = await cluster.ownerOf(prefix + topic);
    if (!byMaster.has(owner)) byMaster.set(owner, topic);
  }
  return [...byMaster.values()];
}

/** Everything `node` receives on `topics`, in arrival order. */
function collectAll(node: InProcessNode, topics: string[]): BroadcastMessage[] {
  const seen: BroadcastMessage[] = [];
  for (const topic of topics) node.pubsub.subscribe(topic, (message) => seen.push(message));
  return seen;
}
