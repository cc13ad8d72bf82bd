import { Logger } from '@nestjs/common';
import type { HistoryPolicy } from '../../history/history-options.js';
import { parsePosition, type Position } from '../../history/position.js';
import type { Recovery } from '../../history/recovery.js';
import type { SharedHistory } from '../../history/shared-history.interface.js';
import { randomNodeId } from '../../node-identity.js';
import type { BroadcastMessage } from '../broadcast-message.js';
import { CoalescedReads } from './coalesced-reads.js';
import { historyKeys, metaTtlMs } from './history-keys.js';
import { HistoryScript, runHistoryScript } from './history-scripts.js';
import { HistorySequencer, type PositionedMessage, type StreamRange } from './history-sequencer.js';
import type { HistoryPublish } from './publish-batch.js';
import type { RedisClient } from './redis-client.js';
import { encodeEnvelope } from './redis-envelope.js';
import type { RedisPubSubStats } from './redis-pubsub-options.interface.js';
import { parseRange, parseTop } from './stream-replies.js';
import type { SubscriptionConfirmations } from './subscription-confirmations.js';

/** How long a node waits for the stream to fill a gap before it counts the gap missed. */
const GAP_WAIT_MS = 2000;
/** History reads one node runs at a time; the others wait their turn. */
const MAX_CONCURRENT_READS = 8;
/** The longest a join waits for its subscription and the history before it goes on without recovery. */
const RECOVER_TIMEOUT_MS = 5000;
/** Redis answers these when a Cluster slot moved under a pipeline: the command did not run. */
const REDIRECTED = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN)\b/;

/** What the history needs of the adapter that carries it. */
export interface HistoryLink {
  nodeId(): string;
  readonly prefix: string;
  readonly cluster: boolean;
  readonly counters: RedisPubSubStats;
  readonly subscriptions: SubscriptionConfirmations;
  /** The publisher connection, when it takes commands now. */
  publisher(): RedisClient | undefined;
  subscriberUp(): boolean;
  /** This node has local subscribers on `topic` (it asked Redis for its broadcasts). */
  isSubscribed(topic: string): boolean;
  /** Adds a history publish to this turn's pipeline. */
  send(item: HistoryPublish): void;
  /** A plain publish to the other nodes: at most once, queued while Redis is away. */
  publishPlain(message: BroadcastMessage): void;
  /** Delivers to this node's subscribers. */
  deliver(message: BroadcastMessage): void;
}

/**
 * The history every node shares, in Redis: per topic a hash (epoch, last offset) and a stream of
 * the last `size` broadcasts (history-keys.ts). A history broadcast is one script run, in the
 * turn's pipeline like a plain PUBLISH (one round trip): it numbers, appends and publishes at once
 * (history-scripts.ts). Every node, this one included, delivers it when it comes back from Redis,
 * through the sequencer, which keeps each topic in order and fills gaps from the stream.
 */
export class RedisSharedHistory implements SharedHistory {
  private readonly logger = new Logger('RedisPubSub');
  private readonly reads = new CoalescedReads(MAX_CONCURRENT_READS);
  readonly sequencer: HistorySequencer;
  private readonly epochPrefix = randomNodeId();
  private epochs = 0;
  private failureLogged = false;

  constructor(private readonly link: HistoryLink) {
    this.sequencer = new HistorySequencer(
      { read: (topic, from, to) => this.readRange(topic, from, to) },
      (message) => link.deliver(message),
      link.counters,
      GAP_WAIT_MS,
    );
  }

  publish(message: BroadcastMessage, policy: HistoryPolicy): void {
    if (this.link.publisher() === undefined) return this.fallback(message);
    let envelope: string;
    try {
      envelope = encodeEnvelope(this.link.nodeId(), message);
    } catch (error) {
      this.link.counters.dropped++;
      this.logger.warn(`Broadcast "${message.event}" on "${message.topic}" cannot be sent to other nodes: ${String(error)}`);
      this.link.deliver(message);
      return;
    }
    const { meta, stream } = historyKeys(this.link.prefix, message.topic);
    const known = this.sequencer.position(message.topic);
    const args = [
      meta,
      stream,
      this.nextEpoch(),
      String(policy.size),
      String(policy.ttlMs),
      String(metaTtlMs(policy.ttlMs)),
      this.link.prefix + message.topic,
      envelope,
      known?.epoch ?? '',
      String(known?.offset ?? 0),
    ];
    let retried = false;
    // Which confirmation of this node's subscription the script runs under (0: none yet).
    const subscription = this.link.subscriptions.stamp(message.topic);
    const item: HistoryPublish = {
      topic: message.topic,
      args,
      settle: (error, reply) => {
        if (error === null) return this.published(message, reply, subscription);
        // A Cluster slot moved under a pipeline: the client follows redirections for a single command.
        if (this.link.cluster && !retried && REDIRECTED.test(error.message) && this.link.publisher()) {
          retried = true;
          runHistoryScript(this.link.publisher()!, HistoryScript.publish, args).then(
            (answer) => item.settle(null, answer),
            (failure: Error) => item.settle(failure, null),
          );
          return;
        }
        this.failed(message, error);
      },
    };
    this.link.send(item);
  }

  recover(topic: string, since: Position | null, policy: HistoryPolicy): Promise<Recovery> {
    return withTimeout(this.recoverNow(topic, since, policy), RECOVER_TIMEOUT_MS, `reading the history of "${topic}"`);
  }

  /** The subscriber is back and subscribed again: topics that went on meanwhile catch up from the stream. */
  resubscribed(): void {
    for (const topic of this.sequencer.trackedTopics()) {
      void this.readTop(topic, metaTtlMs(0))
        .then((top) => this.catchUp(topic, top))
        .catch(() => undefined);
    }
  }

  /** A history broadcast from Redis. */
  received(message: PositionedMessage): void {
    this.sequencer.receive(message);
  }

  forget(topic: string): void {
    this.sequencer.forget(topic);
  }

  close(): void {
    this.sequencer.close();
  }

  private async recoverNow(topic: string, since: Position | null, policy: HistoryPolicy): Promise<Recovery> {
    if (this.link.publisher() === undefined) throw new Error('Redis is unreachable');
    if (!this.link.isSubscribed(topic)) throw new Error(`this node is not subscribed to "${topic}"`);
    // Read after the subscription is in place: every broadcast numbered after the read reaches this node.
    await this.link.subscriptions.whenConfirmed(topic, this.link.subscriberUp());
    const top = await this.readTop(topic, metaTtlMs(policy.ttlMs));
    // The live stream continues right after what this node delivered, which catchUp brings to the top.
    const position = await this.catchUp(topic, top);
    if (since === null) return { position, messages: [] };
    const lost: Recovery = { position, recovered: false, messages: [] };
    if (since.epoch !== position.epoch || since.offset > position.offset) return lost;
    if (since.offset === position.offset) return { position, recovered: true, messages: [] };
    const range = await this.readRange(topic, since.offset + 1, position.offset);
    const oldest = range.now - policy.ttlMs;
    const complete =
      range.epoch === position.epoch &&
      range.entries.length === position.offset - since.offset &&
      range.entries.every((entry) => entry.at >= oldest);
    return complete ? { position, recovered: true, messages: range.entries.map((entry) => entry.message) } : lost;
  }

  /** Where this node stands once it delivered up to `top` (which it reads from the store). */
  private async catchUp(topic: string, top: Position): Promise<Position> {
    // A topic left meanwhile must not get its state back.
    const position = this.link.isSubscribed(topic) ? await this.sequencer.catchUp(topic, top) : undefined;
    if (position === undefined) throw new Error(`this node unsubscribed from "${topic}" meanwhile`);
    return position;
  }

  /** The topic's epoch and last offset; joins asking at once share one read per confirmed subscription. */
  private readTop(topic: string, metaTtl: number): Promise<Position> {
    const known = this.sequencer.position(topic);
    return this.reads.read(`top\0${this.link.subscriptions.stamp(topic)}\0${topic}`, async () => {
      const connection = this.connection();
      this.link.counters.historyReads++;
      const { meta, stream } = historyKeys(this.link.prefix, topic);
      const reply = await runHistoryScript(connection, HistoryScript.top, [
        meta,
        stream,
        this.nextEpoch(),
        String(metaTtl),
        known?.epoch ?? '',
        String(known?.offset ?? 0),
      ]);
      return parseTop(reply);
    });
  }

  /** Offsets `from` to `to` of the topic's stream; identical reads under way are shared. */
  private readRange(topic: string, from: number, to: number): Promise<StreamRange> {
    return this.reads.read(`range\0${topic}\0${from}\0${to}`, async () => {
      const connection = this.connection();
      this.link.counters.historyReads++;
      const { meta, stream } = historyKeys(this.link.prefix, topic);
      const reply = await runHistoryScript(connection, HistoryScript.range, [meta, stream, String(from), String(to)]);
      return parseRange(topic, reply);
    });
  }

  private published(message: BroadcastMessage, reply: unknown, subscription: number): void {
    this.link.counters.published++;
    const position = parsePosition(reply);
    if (position === null || !this.link.isSubscribed(message.topic)) return;
    // Sent under a subscription Redis had confirmed, still the same: its copy comes back through it.
    if (subscription !== 0 && this.link.subscriptions.stamp(message.topic) === subscription) return;
    // Sent before Redis confirmed it (or since lost): the copy may never come back, so the script's
    // answer delivers it here (the sequencer drops whichever of the two comes second).
    this.sequencer.receive({ ...message, position });
  }

  /** Redis did not take it: delivered here without a position, and sent on as a plain broadcast. */
  private failed(message: BroadcastMessage, error: Error): void {
    // While Redis is away the outage is logged once already; anything else (OOM, ACLs) once here.
    if (!this.failureLogged && this.link.publisher() !== undefined) {
      this.failureLogged = true;
      this.logger.warn(
        `A history broadcast on "${message.topic}" failed in Redis (${error.message}); it goes out as a plain broadcast, ` +
          'without a position (further failures are not logged)',
      );
    }
    this.fallback(message);
  }

  private fallback(message: BroadcastMessage): void {
    this.link.deliver(message);
    this.link.publishPlain(message);
  }

  private connection(): RedisClient {
    const connection = this.link.publisher();
    if (connection === undefined) throw new Error('Redis is unreachable');
    return connection;
  }

  /** An epoch to propose: random per node, with a counter, so that no two proposals are equal. */
  private nextEpoch(): string {
    return `${this.epochPrefix}.${(this.epochs++).toString(36)}`;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
