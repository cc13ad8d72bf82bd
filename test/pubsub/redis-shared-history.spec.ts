import type { BroadcastMessage } from '../../lib/index.js';
import { historyPolicy } from '../../lib/history/history-options.js';
import { HistoryScript } from '../../lib/pubsub/redis/history-scripts.js';
import type { HistoryPublish } from '../../lib/pubsub/redis/publish-batch.js';
import type { RedisClient } from '../../lib/pubsub/redis/redis-client.js';
import { RedisSharedHistory, type HistoryLink } from '../../lib/pubsub/redis/redis-shared-history.js';
import { SubscriptionConfirmations } from '../../lib/pubsub/redis/subscription-confirmations.js';

const TOPIC = 'chat:1';
const policy = historyPolicy({ size: 5, ttlMs: 60_000 });

/** The publisher connection, answering the history scripts from a store of its own. */
class FakeRedis {
  status = 'ready';
  epoch = 'E';
  offset = 0;
  now = 1_000_000;
  /** offset -> [envelope, appended at]. */
  readonly stream = new Map<number, [string, number]>();
  readonly calls: string[] = [];
  /** Set to make the next publish fail with it. */
  publishError: Error | undefined;
  /** Top reads answer once this settles. */
  topGate: Promise<void> = Promise.resolve();

  append(count: number, at = this.now): void {
    for (let n = 0; n < count; n++) {
      this.offset++;
      this.stream.set(this.offset, [JSON.stringify({ v: 1, n: 'other', e: 'said', p: { offset: this.offset } }), at]);
    }
  }

  async [HistoryScript.top](): Promise<unknown> {
    this.calls.push('top');
    await this.topGate;
    return [this.epoch, this.offset];
  }

  [HistoryScript.range](_meta: string, _stream: string, from: string, to: string): Promise<unknown> {
    this.calls.push(`range ${from}..${to}`);
    const entries = [...this.stream]
      .filter(([offset]) => offset >= Number(from) && offset <= Number(to))
      .map(([offset, [envelope, at]]) => [`${offset}-0`, ['e', envelope, 't', String(at)]]);
    return Promise.resolve([this.epoch, this.now, entries]);
  }

  [HistoryScript.publish](...args: string[]): Promise<unknown> {
    this.calls.push('publish');
    if (this.publishError) return Promise.reject(this.publishError);
    this.append(1);
    return Promise.resolve(`${this.epoch}:${this.offset}`);
  }
}

function setup(options: { cluster?: boolean } = {}) {
  const redis = new FakeRedis();
  const state = { publisherUp: true, subscriberUp: true, subscribed: new Set([TOPIC]) };
  const counters = { published: 0, received: 0, invalid: 0, dropped: 0, missed: 0, historyRecovered: 0, historyMissed: 0, historyReads: 0 };
  const sent: HistoryPublish[] = [];
  const plain: BroadcastMessage[] = [];
  const delivered: BroadcastMessage[] = [];
  const subscriptions = new SubscriptionConfirmations();
  subscriptions.connected();
  const link: HistoryLink = {
    nodeId: () => 'this-node',
    prefix: 'p:',
    cluster: options.cluster ?? false,
    counters,
    subscriptions,
    publisher: () => (state.publisherUp ? (redis as unknown as RedisClient) : undefined),
    subscriberUp: () => state.subscriberUp,
    isSubscribed: (topic) => state.subscribed.has(topic),
    send: (item) => sent.push(item),
    publishPlain: (message) => plain.push(message),
    deliver: (message) => delivered.push(message),
  };
  const history = new RedisSharedHistory(link);
  const said = (offset: number, epoch = redis.epoch) => ({ topic: TOPIC, event: 'said', payload: { offset }, position: { epoch, offset } });
  return { redis, state, counters, sent, plain, delivered, subscriptions, history, said };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('RedisSharedHistory', () => {
  describe('recover (a join on a history topic)', () => {
    test('reads the topic\'s position only once Redis confirmed this node\'s subscription', async () => {
      const { redis, subscriptions, history } = setup();
      redis.append(3);
      const recovery = history.recover(TOPIC, null, policy);
      await settle();
      expect(redis.calls).toEqual([]);
      subscriptions.confirm(TOPIC);
      await expect(recovery).resolves.toEqual({ position: { epoch: 'E', offset: 3 }, messages: [] });
      expect(redis.calls).toEqual(['top']);
    });

    test('fails at once while Redis is unreachable or the subscriber connection is down (the join then goes on without recovery)', async () => {
      const { state, history } = setup();
      state.publisherUp = false;
      await expect(history.recover(TOPIC, null, policy)).rejects.toThrow('Redis is unreachable');
      state.publisherUp = true;
      state.subscriberUp = false;
      await expect(history.recover(TOPIC, null, policy)).rejects.toThrow('subscriber connection is down');
    });

    test('a topic this node is not subscribed to, or left while its join reads: the join fails, and no state is kept', async () => {
      const { redis, state, subscriptions, history } = setup();
      state.subscribed.delete(TOPIC);
      await expect(history.recover(TOPIC, null, policy)).rejects.toThrow('not subscribed');
      state.subscribed.add(TOPIC);
      let open!: () => void;
      redis.topGate = new Promise((resolve) => (open = resolve));
      subscriptions.confirm(TOPIC);
      const recovery = history.recover(TOPIC, null, policy);
      await settle();
      state.subscribed.delete(TOPIC);
      history.forget(TOPIC);
      open();
      await expect(recovery).rejects.toThrow('unsubscribed');
      expect(history.sequencer.trackedTopics()).toEqual([]);
    });

    test('a subscriber lost while the join waits fails it', async () => {
      const { subscriptions, history } = setup();
      const recovery = history.recover(TOPIC, null, policy);
      subscriptions.lost(new Error('the Redis subscriber connection closed'));
      await expect(recovery).rejects.toThrow('closed');
    });

    test('with since: exactly the broadcasts after it, in order, with their positions; recovered true', async () => {
      const { redis, subscriptions, history } = setup();
      redis.append(5);
      subscriptions.confirm(TOPIC);
      const recovery = await history.recover(TOPIC, { epoch: 'E', offset: 2 }, policy);
      expect(recovery.recovered).toBe(true);
      expect(recovery.position).toEqual({ epoch: 'E', offset: 5 });
      expect(recovery.messages).toEqual([3, 4, 5].map((offset) => ({ topic: TOPIC, event: 'said', payload: { offset }, position: { epoch: 'E', offset } })));
      expect(redis.calls).toEqual(['top', 'range 3..5']);
    });

    test('since at the top: recovered, with nothing to read', async () => {
      const { redis, subscriptions, history } = setup();
      redis.append(4);
      subscriptions.confirm(TOPIC);
      expect(await history.recover(TOPIC, { epoch: 'E', offset: 4 }, policy)).toEqual({ position: { epoch: 'E', offset: 4 }, recovered: true, messages: [] });
      expect(redis.calls).toEqual(['top']);
    });

    test.each([
      ['another epoch', { epoch: 'OLD', offset: 2 }, () => undefined, ['top']],
      ['a future offset', { epoch: 'E', offset: 9 }, () => undefined, ['top']],
      ['older than the stream holds (size)', { epoch: 'E', offset: 1 }, (redis: FakeRedis) => redis.stream.delete(2), ['top', 'range 2..5']],
      [
        'older than the ttl',
        { epoch: 'E', offset: 1 },
        (redis: FakeRedis) => redis.stream.set(2, [redis.stream.get(2)![0], redis.now - 60_001]),
        ['top', 'range 2..5'],
      ],
    ])('since %s: recovered false, nothing replayed', async (_, since, change, reads) => {
      const { redis, subscriptions, history } = setup();
      redis.append(5);
      change(redis);
      subscriptions.confirm(TOPIC);
      expect(await history.recover(TOPIC, since, policy)).toEqual({ position: { epoch: 'E', offset: 5 }, recovered: false, messages: [] });
      expect(redis.calls).toEqual(reads);
    });

    test('a reconnect storm: 1,000 joins asking at once from one position cost one position read and one range read', async () => {
      const { redis, subscriptions, counters, history } = setup();
      redis.append(5);
      const recoveries = Array.from({ length: 1000 }, () => history.recover(TOPIC, { epoch: 'E', offset: 3 }, policy));
      subscriptions.confirm(TOPIC);
      const recovered = await Promise.all(recoveries);
      expect(redis.calls).toEqual(['top', 'range 4..5']);
      expect(counters.historyReads).toBe(2);
      expect(recovered.every((recovery) => recovery.recovered === true && recovery.messages.length === 2)).toBe(true);
    });

    test('a node behind the store\'s top (broadcasts on their way) delivers up to it first: the live stream continues right after the position', async () => {
      const { redis, subscriptions, delivered, history, said } = setup();
      redis.append(3);
      history.received(said(3));
      redis.append(2);
      subscriptions.confirm(TOPIC);
      const recovery = await history.recover(TOPIC, { epoch: 'E', offset: 5 }, policy);
      expect(recovery).toEqual({ position: { epoch: 'E', offset: 5 }, recovered: true, messages: [] });
      expect(delivered.map((message) => message.position?.offset)).toEqual([3, 4, 5]);
      history.received(said(5));
      history.received(said(6));
      expect(delivered.map((message) => message.position?.offset)).toEqual([3, 4, 5, 6]);
    });
  });

  describe('publish', () => {
    test('one script per broadcast, in the turn\'s pipeline, with the topic\'s keys, the policy and the envelope', () => {
      const { sent, history } = setup();
      history.publish({ topic: TOPIC, event: 'said', payload: { a: 1 }, from: 'channel:x' }, policy);
      expect(sent).toHaveLength(1);
      const [meta, stream, epoch, size, ttl, metaTtl, channel, envelope, knownEpoch, knownOffset] = sent[0]!.args;
      expect({ meta, stream, size, ttl, metaTtl, channel, knownEpoch, knownOffset }).toEqual({
        meta: 'p:{chat:1}:h',
        stream: 'p:{chat:1}:s',
        size: '5',
        ttl: '60000',
        metaTtl: '86400000',
        channel: 'p:chat:1',
        knownEpoch: '',
        knownOffset: '0',
      });
      expect(epoch).toMatch(/^[A-Za-z0-9_-]+\.[0-9a-z]+$/);
      expect(JSON.parse(envelope!)).toEqual({ v: 1, n: 'this-node', e: 'said', p: { a: 1 }, f: 'channel:x' });
    });

    test('it tells Redis what this node delivered, so that a history that went back (a failover that lost writes) gets a new epoch', () => {
      const { sent, history, said } = setup();
      history.received(said(7));
      history.publish({ topic: TOPIC, event: 'said', payload: {} }, policy);
      expect(sent[0]!.args.slice(8)).toEqual(['E', '7']);
    });

    test('delivered here when Redis\'s copy comes back; from the script\'s answer when it was sent before Redis confirmed the subscription', async () => {
      const { redis, subscriptions, sent, delivered, history, said } = setup();
      history.publish({ topic: TOPIC, event: 'said', payload: { n: 1 } }, policy);
      sent[0]!.settle(null, 'E:1');
      expect(delivered).toEqual([{ topic: TOPIC, event: 'said', payload: { n: 1 }, position: { epoch: 'E', offset: 1 } }]);
      // Its copy from Redis, should it come after all, is a duplicate.
      history.received(said(1));
      // Sent before the confirmation, answered after it: Redis may have run it before the SUBSCRIBE.
      history.publish({ topic: TOPIC, event: 'said', payload: { n: 2 } }, policy);
      subscriptions.confirm(TOPIC);
      sent[1]!.settle(null, 'E:2');
      expect(delivered).toHaveLength(2);
      history.received(said(2));
      // Sent and answered under the confirmed subscription: delivered when Redis's copy comes.
      history.publish({ topic: TOPIC, event: 'said', payload: { n: 3 } }, policy);
      sent[2]!.settle(null, 'E:3');
      expect(delivered).toHaveLength(2);
      history.received(said(3));
      // The subscriber reconnected in between: its copy may be lost, the answer delivers it.
      history.publish({ topic: TOPIC, event: 'said', payload: { n: 4 } }, policy);
      subscriptions.lost(new Error('the Redis subscriber connection closed'));
      subscriptions.connected();
      subscriptions.confirm(TOPIC);
      sent[3]!.settle(null, 'E:4');
      history.received(said(4));
      expect(delivered.map((message) => message.position?.offset)).toEqual([1, 2, 3, 4]);
      expect(redis.calls).toEqual([]);
    });

    test('Redis unreachable: delivered here at once, without a position, and sent on as a plain broadcast (at most once)', () => {
      const { state, sent, plain, delivered, history } = setup();
      state.publisherUp = false;
      const message = { topic: TOPIC, event: 'said', payload: { n: 1 } };
      history.publish(message, policy);
      expect(sent).toEqual([]);
      expect(delivered).toEqual([message]);
      expect(plain).toEqual([message]);
    });

    test('a script that fails: the same, once it failed', () => {
      const { sent, plain, delivered, history } = setup();
      const message = { topic: TOPIC, event: 'said', payload: { n: 1 } };
      history.publish(message, policy);
      expect(delivered).toEqual([]);
      sent[0]!.settle(new Error('OOM command not allowed'), null);
      expect(delivered).toEqual([message]);
      expect(plain).toEqual([message]);
    });

    test('on a Cluster, a slot that moved under the pipeline: sent again as a single command, which follows the redirection', async () => {
      const { redis, sent, plain, delivered, history } = setup({ cluster: true });
      history.publish({ topic: TOPIC, event: 'said', payload: { n: 1 } }, policy);
      sent[0]!.settle(new Error('MOVED 3999 127.0.0.1:7001'), null);
      await settle();
      expect(redis.calls).toEqual(['publish']);
      expect(delivered.map((message) => message.position)).toEqual([{ epoch: 'E', offset: 1 }]);
      expect(plain).toEqual([]);
    });
  });
});
