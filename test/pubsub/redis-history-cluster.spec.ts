import type { BroadcastMessage } from '../../lib/index.js';
import { historyPolicy } from '../../lib/history/history-options.js';
import { historyKeys } from '../../lib/pubsub/redis/history-keys.js';
import { OwnRedisCluster, redisClusterToolsInstalled } from '../fixtures/nodes/own-redis-cluster.js';
import { describeWhen, uniquePrefix } from '../fixtures/nodes/redis.js';
import { eventually, sleep } from '../support/phoenix-client.js';
import { useInProcessNodes, type InProcessNode } from './in-process-nodes.js';

const { startNode } = useInProcessNodes();
const HISTORY = { 'chat:*': { size: 50, ttlMs: 60_000 } };
const policy = historyPolicy(HISTORY['chat:*']);
const IOREDIS_DISCONNECT_TIMEOUT_MS = 2000;

const describeCluster = describeWhen(redisClusterToolsInstalled(), 'redis-server or redis-cli is not on PATH (a Redis Cluster needs both)');

describeCluster('the shared history on a Redis Cluster (3 masters, no replicas)', () => {
  const prefix = uniquePrefix('history-cluster');
  let cluster: OwnRedisCluster;
  beforeAll(async () => {
    cluster = await OwnRedisCluster.start(3);
  }, 15_000);
  afterAll(async () => {
    await cluster?.stop();
    await sleep(IOREDIS_DISCONNECT_TIMEOUT_MS);
  });

  const node = () => startNode({ redis: { cluster: cluster.nodes }, prefix }, HISTORY);

  test('each topic\'s two keys share a slot; on topics served by every master, history broadcasts reach both nodes in one order, and joins recover', async () => {
    const topics = await topicsOnEveryMaster(cluster, prefix);
    for (const topic of topics) {
      const { meta, stream } = historyKeys(prefix, topic);
      expect(await cluster.ownerOf(stream)).toBe(await cluster.ownerOf(meta));
    }
    const [one, two] = await Promise.all([node(), node()]);
    const seen = [one, two].map((each) => collectAll(each, topics));
    for (const topic of topics) await cluster.waitForSubscribers(`${prefix}${topic}`, 2);

    // Bursts in one turn from both nodes: one pipeline per topic and node.
    for (let n = 0; n < 10; n++) for (const topic of topics) one.pubsub.broadcast(topic, 'said', { from: 'one', n });
    for (let n = 0; n < 10; n++) for (const topic of topics) two.pubsub.broadcast(topic, 'said', { from: 'two', n });
    await eventually(() => seen.every((messages) => messages.length === 20 * topics.length), 'both nodes got every broadcast');

    for (const topic of topics) {
      const [onOne, onTwo] = seen.map((messages) => messages.filter((message) => message.topic === topic));
      expect(onOne).toEqual(onTwo);
      expect(onOne!.map((message) => message.position!.offset)).toEqual(Array.from({ length: 20 }, (_, n) => n + 1));
      const fromOne = onOne!.filter((message) => (message.payload as { from: string }).from === 'one');
      expect(fromOne.map((message) => (message.payload as { n: number }).n)).toEqual(Array.from({ length: 10 }, (_, n) => n));

      const since = onOne![14]!.position!;
      const recovery = await two.pubsub.recover(topic, since, policy);
      expect(recovery).toEqual({ position: onOne![19]!.position, recovered: true, messages: onOne!.slice(15) });
      expect((await two.pubsub.recover(topic, { epoch: 'other', offset: 3 }, policy)).recovered).toBe(false);
    }
    expect([one.adapter.stats, two.adapter.stats]).toMatchObject([
      { published: 10 * topics.length, historyMissed: 0, dropped: 0 },
      { published: 10 * topics.length, historyMissed: 0, dropped: 0 },
    ]);
  }, 20_000);
});

/** One topic per master: the slot of its history keys is served by that master. */
async function topicsOnEveryMaster(cluster: OwnRedisCluster, prefix: string): Promise<string[]> {
  const byMaster = new Map<number, string>();
  for (let n = 0; byMaster.size < cluster.servers.length; n++) {
    if (n > 1000) throw new Error('no topic found for every master');
    const topic = `chat:slot-${n}`;
    const owner = await cluster.ownerOf(historyKeys(prefix, topic).meta);
    if (!byMaster.has(owner)) byMaster.set(owner, topic);
  }
  return [...byMaster.values()];
}

function collectAll(node: InProcessNode, topics: string[]): BroadcastMessage[] {
  const seen: BroadcastMessage[] = [];
  for (const topic of topics) node.pubsub.subscribe(topic, (message) => seen.push(message));
  return seen;
}
