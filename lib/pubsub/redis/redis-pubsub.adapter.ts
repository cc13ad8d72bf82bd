import { Logger } from '@nestjs/common';
import type { SharedHistory } from '../../history/shared-history.interface.js';
import { OptionValidator } from '../../options/option-validator.js';
import type { BroadcastMessage } from '../broadcast-message.js';
import type { AdapterNode, PubSubAdapter } from '../pubsub-adapter.interface.js';
import { ClusterSubscriberWatch } from './cluster-subscriber-watch.js';
import { defineHistoryScripts } from './history-scripts.js';
import { loadIoredis } from './load-ioredis.js';
import { PendingPublishes } from './pending-publishes.js';
import { PublishBatch } from './publish-batch.js';
import { PublishSender } from './publish-sender.js';
import { ReconnectFlushGate } from './reconnect-flush-gate.js';
import { closeQuietly, createRedisClient, describeRedisTarget, isClusterConnection, type RedisClient } from './redis-client.js';
import { decodeEnvelope, encodeEnvelope, type ReceivedBroadcast } from './redis-envelope.js';
import { redisCounters } from './redis-counters.js';
import { RedisLinkMonitor } from './redis-link-monitor.js';
import { eventChannels } from '../../observability/event-channels.js';
import type { PubSubLinkStatus } from '../pubsub-adapter.interface.js';
import type { RedisPubSubOptions, RedisPubSubStats } from './redis-pubsub-options.interface.js';
import { RedisSharedHistory } from './redis-shared-history.js';
import { SequenceGaps } from './sequence-gaps.js';
import { SequenceTable } from './sequence-table.js';
import { SubscriptionConfirmations } from './subscription-confirmations.js';
import { validateRedisPubSubOptions } from './validate-redis-options.js';

/** Channel names of one app on a shared Redis start with this unless `prefix` says otherwise. */
export const DEFAULT_REDIS_PREFIX = 'nestjs-channels:';
const DEFAULT_MAX_QUEUED_PUBLISHES = 1000;
/** Channels per SUBSCRIBE when restoring subscriptions, to keep each command reasonably small. */
const RESUBSCRIBE_BATCH = 500;
/** Topics whose broadcast numbering a node remembers; one unused longer restarts its numbering. */
const NUMBERED_TOPICS = 100_000;
/** Senders a node tracks per topic, so that nodes gone long ago do not hold memory forever. */
const SENDERS_PER_TOPIC = 64;
/** After an outage: the other nodes' retry jitter (ioredis adds up to 200 ms), and the longest wait. */
const FLUSH_SETTLE_MS = 250;
const FLUSH_MAX_WAIT_MS = 2000;
/**
 * How long a Cluster's subscriber connection may find no node before the outage is declared
 * (`clusterSubscriberStallMs`): switching to another node when one master dies takes a few
 * milliseconds to a few round trips.
 */
const DEFAULT_CLUSTER_SUBSCRIBER_STALL_MS = 500;

/**
 * Carries broadcasts between nodes over Redis pub/sub (ioredis). Each topic is a Redis channel
 * (`prefix` + topic): a broadcast is one PUBLISH whatever the number of subscribers, and a node
 * subscribes only to the topics it has local subscribers for. Delivery across nodes is
 * at-most-once, as in Phoenix: broadcasts made while Redis is away are queued up to a bound,
 * then dropped. Each node numbers its broadcasts per topic, so that the others count the ones
 * Redis never brought them (`stats.missed`). Uses two connections, since a subscribed Redis
 * connection cannot publish.
 *
 * On topics whose channel keeps history, broadcasts go through the `history` it shares with the
 * other nodes (Redis streams, redis-shared-history.ts): numbered in Redis, delivered in order on
 * every node, gaps filled from the stream, so at least once and without duplicates within it.
 * @publicApi
 */
export class RedisPubSubAdapter implements PubSubAdapter {
  /** Tags this node's messages so that it ignores its own broadcasts coming back from Redis. */
  private id: string | undefined;
  readonly prefix: string;
  private readonly logger = new Logger('RedisPubSub');
  private readonly options: RedisPubSubOptions;
  private readonly pending: PendingPublishes;
  /** A Redis Cluster client: each channel's publishes are routed to one master (publish-routes.ts). */
  private readonly cluster: boolean;
  /** This turn's publishes, sent together at its end. */
  private readonly batch = new PublishBatch((batch) => this.closed || this.sender.send(this.publisher, batch));
  private readonly sender: PublishSender;
  /** Holds the publishes queued during an outage until the other nodes have likely resubscribed. */
  private readonly flushGate = new ReconnectFlushGate(() => this.flushPending(), FLUSH_SETTLE_MS, FLUSH_MAX_WAIT_MS);
  /** This node's subscriptions are in place in Redis (false from the subscriber's loss until restored). */
  private subscriptionsBack = false;
  /**
   * Topics with local subscribers. `PubSub` counts the subscribers and calls `subscribe` for a
   * topic's first and `unsubscribe` after its last, so one SUBSCRIBE per topic and node.
   */
  private readonly topics = new Set<string>();
  private readonly counters: RedisPubSubStats = redisCounters();
  /** Topics whose SUBSCRIBE Redis answered on the current subscriber connection. */
  private readonly subscriptions = new SubscriptionConfirmations();
  private readonly sharedHistory: RedisSharedHistory;
  /** Numbers our broadcasts per topic, so that other nodes can count the ones they miss. */
  private readonly sequences = new SequenceTable(NUMBERED_TOPICS);
  /** The other nodes' numbering on our topics, to count what Redis lost on the way here. */
  private readonly gaps = new SequenceGaps(SENDERS_PER_TOPIC);
  private publisher: RedisClient | undefined;
  private subscriber: RedisClient | undefined;
  private monitor: RedisLinkMonitor | undefined;
  /** A Cluster client's subscriber connection, whose loss ioredis does not report. */
  private subscriberWatch: ClusterSubscriberWatch | undefined;
  private deliver: (message: BroadcastMessage) => void = () => {};
  private closed = false;
  private invalidLogged = false;
  /** Set again each time the subscriber connection is (re)ready: one warning per outage. */
  private missedLogArmed = true;

  constructor(options: RedisPubSubOptions | string) {
    this.options = typeof options === 'string' ? { redis: options } : options;
    validateRedisPubSubOptions(this.options, new OptionValidator('RedisPubSubAdapter'));
    this.prefix = this.options.prefix ?? DEFAULT_REDIS_PREFIX;
    this.cluster = isClusterConnection(this.options.redis);
    this.pending = new PendingPublishes(this.options.maxQueuedPublishes ?? DEFAULT_MAX_QUEUED_PUBLISHES);
    this.sender = new PublishSender(this.counters, this.pending, this.cluster);
    this.sharedHistory = this.createHistory();
  }

  /** The history every node shares in Redis: PubSub sends the broadcasts of history topics through it. */
  get history(): SharedHistory {
    return this.sharedHistory;
  }

  /** This node's id, as `init` received it; its messages carry it. */
  get nodeId(): string {
    if (this.id === undefined) throw new Error('RedisPubSubAdapter.nodeId is read before init()');
    return this.id;
  }

  /** Counters since start: publishes, deliveries from other nodes, invalid, dropped and missed messages. */
  get stats(): Readonly<RedisPubSubStats> {
    return { ...this.counters };
  }

  /** The link to Redis as the health indicator reports it. */
  get linkStatus(): PubSubLinkStatus {
    return this.monitor?.status ?? { state: 'connecting', target: describeRedisTarget(this.options.redis) };
  }

  /** Topics this node is subscribed to in Redis (or will be once it is reachable). */
  get subscribedTopics(): string[] {
    return [...this.topics];
  }

  /**
   * Connects both connections. Resolves once Redis answered or the first attempt failed: a Redis
   * that is down at boot is logged and retried, it does not stop the app.
   */
  async init(deliver: (message: BroadcastMessage) => void, node: AdapterNode): Promise<void> {
    this.deliver = deliver;
    this.id = node.nodeId;
    const classes = await loadIoredis();
    const { redis } = this.options;
    this.monitor = new RedisLinkMonitor(this.logger, describeRedisTarget(redis), ['publisher', 'subscriber']);
    this.publisher = createRedisClient(classes, redis, 'nestjs-channels:pub');
    this.subscriber = createRedisClient(classes, redis, 'nestjs-channels:sub');
    defineHistoryScripts(this.publisher);
    const closed = () => this.closed;
    this.monitor.watch(this.publisher, 'publisher', closed, () => this.flushGate.publisherReady(this.pending.size, this.subscriptionsBack));
    this.monitor.watch(this.subscriber, 'subscriber', closed, () => {
      this.missedLogArmed = true;
      this.subscriptions.connected();
      this.restoreSubscriptions();
    });
    this.subscriber.on('close', () => {
      this.subscriptionsBack = false;
      this.subscriptions.lost(new Error('the Redis subscriber connection closed'));
    });
    this.subscriber.on('message', (channel: string, data: string) => this.receive(channel, data));
    if (this.cluster) {
      const stallMs = this.options.clusterSubscriberStallMs ?? DEFAULT_CLUSTER_SUBSCRIBER_STALL_MS;
      // The reason it gives is logged when the Cluster client then reports the outage ('close').
      this.subscriberWatch = new ClusterSubscriberWatch(this.subscriber, stallMs, (error) => this.monitor?.connectionError(error));
    }
    await this.monitor.firstAttempt;
  }

  publish(message: BroadcastMessage): void {
    if (this.closed) return;
    let data: string;
    try {
      // Numbered before it can fail, so that receivers count a broadcast lost here as missed too.
      data = encodeEnvelope(this.nodeId, message, this.sequences.next(message.topic));
    } catch (error) {
      this.counters.dropped++;
      this.logger.warn(`Broadcast "${message.event}" on "${message.topic}" cannot be sent to other nodes: ${String(error)}`);
      return;
    }
    const channel = this.prefix + message.topic;
    if (this.publisher?.status === 'ready' && !this.flushGate.holding) this.batch.add({ channel, data });
    else this.counters.dropped += this.pending.add({ channel, data });
  }

  subscribe(topic: string): void {
    if (this.topics.has(topic)) return;
    this.topics.add(topic);
    if (this.subscriber?.status === 'ready') void this.subscribeNow([topic], topic);
  }

  unsubscribe(topic: string): void {
    if (!this.topics.delete(topic)) return;
    this.gaps.forget(topic);
    this.subscriptions.fail(topic, new Error(`this node unsubscribed from "${topic}"`));
    this.sharedHistory.forget(topic);
    // A connection that is down has no subscriptions on the server; restore skips this topic.
    if (this.subscriber?.status === 'ready') {
      this.subscriber.unsubscribe(this.prefix + topic).catch((error) => this.commandFailed('UNSUBSCRIBE', topic, error));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flushGate.close();
    this.sharedHistory.close();
    this.subscriptions.lost(new Error('the Redis adapter is closed'));
    this.subscriberWatch?.stop();
    await Promise.all([this.publisher, this.subscriber].map((client) => client && closeQuietly(client)));
  }

  private flushPending(): void {
    const queued = this.pending.drain();
    if (queued.length > 0 && !this.closed) this.sender.send(this.publisher, queued);
  }

  private restoreSubscriptions(): void {
    const topics = [...this.topics];
    const subscribed: Promise<unknown>[] = [];
    for (let start = 0; start < topics.length; start += RESUBSCRIBE_BATCH) {
      const batch = topics.slice(start, start + RESUBSCRIBE_BATCH);
      subscribed.push(this.subscribeNow(batch, `${batch.length} topics`));
    }
    if (topics.length > 0) this.logger.debug(`Subscribed to ${topics.length} topic(s) in Redis`);
    void Promise.all(subscribed).then(() => {
      if (this.closed || this.subscriber?.status !== 'ready') return;
      this.subscriptionsBack = true;
      this.flushGate.subscriptionsRestored();
      this.sharedHistory.resubscribed();
    });
  }

  /** One SUBSCRIBE for `topics`; Redis's answer confirms them (a topic left meanwhile stays unconfirmed). */
  private subscribeNow(topics: string[], what: string): Promise<void> {
    return this.subscriber!.subscribe(...topics.map((topic) => this.prefix + topic)).then(
      () => {
        if (this.subscriber?.status !== 'ready') return;
        for (const topic of topics) if (this.topics.has(topic)) this.subscriptions.confirm(topic);
      },
      (error: Error) => {
        for (const topic of topics) this.subscriptions.fail(topic, error);
        this.commandFailed('SUBSCRIBE', what, error);
      },
    );
  }

  private receive(channel: string, data: string): void {
    if (!channel.startsWith(this.prefix)) return;
    const received = decodeEnvelope(data);
    if (!received) {
      this.counters.invalid++;
      if (!this.invalidLogged) {
        this.invalidLogged = true;
        this.logger.warn(`Ignoring a message on Redis channel "${channel}" that no nestjs-channels node sent (further ones are only counted)`);
      }
      return;
    }
    const topic = channel.slice(this.prefix.length);
    if (received.position !== undefined) return this.receiveHistory(topic, received);
    // This node delivered its own broadcast locally when it published it.
    if (received.nodeId === this.nodeId) return;
    this.counters.received++;
    // A message still in flight after UNSUBSCRIBE must not bring back the topic's forgotten state.
    if (received.seq !== undefined && this.topics.has(topic)) this.countGap(topic, received);
    const { event, payload, from } = received;
    this.deliver(from === undefined ? { topic, event, payload } : { topic, event, payload, from });
  }

  /** A history broadcast, this node's own included: the sequencer delivers it in order. */
  private receiveHistory(topic: string, received: ReceivedBroadcast): void {
    if (!this.topics.has(topic)) return;
    if (received.nodeId !== this.nodeId) this.counters.received++;
    const { event, payload, from } = received;
    const position = received.position!;
    this.sharedHistory.received(from === undefined ? { topic, event, payload, position } : { topic, event, payload, from, position });
  }

  private createHistory(): RedisSharedHistory {
    return new RedisSharedHistory({
      prefix: this.prefix,
      cluster: this.cluster,
      counters: this.counters,
      subscriptions: this.subscriptions,
      nodeId: () => this.nodeId,
      publisher: () => (!this.closed && this.publisher?.status === 'ready' ? this.publisher : undefined),
      subscriberUp: () => !this.closed && this.subscriber?.status === 'ready',
      isSubscribed: (topic) => this.topics.has(topic),
      send: (item) => this.batch.add(item),
      publishPlain: (message) => this.publish(message),
      deliver: (message) => this.deliver(message),
    });
  }

  private countGap(topic: string, received: ReceivedBroadcast): void {
    const change = this.gaps.record(topic, received.nodeId, received.stream!, received.seq!);
    if (change === 0) return;
    this.counters.missed += change;
    if (change > 0 && eventChannels.pubsubMiss.hasSubscribers) eventChannels.pubsubMiss.publish({ count: change, topic });
    if (change > 0 && this.missedLogArmed) {
      this.missedLogArmed = false;
      this.logger.warn(
        `Missed ${change} broadcast(s) from other nodes on topic "${topic}" (lost while this node's Redis subscription ` +
          'was down, or dropped by their sender); further gaps are only counted in stats.missed',
      );
    }
  }

  private commandFailed(command: string, what: string, error: unknown): void {
    // Failures from a dropped connection are repaired on reconnect; anything else (ACLs) is not.
    if (this.closed || !this.monitor?.isUp) return;
    this.logger.warn(`Redis ${command} for "${what}" failed: ${String(error)}`);
  }
}
