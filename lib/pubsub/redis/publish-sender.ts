import { HistoryScript, runHistoryScript } from './history-scripts.js';
import type { PendingPublish, PendingPublishes } from './pending-publishes.js';
import { isHistoryPublish, type HistoryPublish, type OutgoingPublish } from './publish-batch.js';
import { routeClusterPublishes } from './publish-routes.js';
import type { RedisClient } from './redis-client.js';
import type { RedisPubSubStats } from './redis-pubsub-options.interface.js';

const UNREACHABLE = new Error('Redis is unreachable');

/**
 * Sends a turn's publishes to Redis: over one connection, in one pipeline (one TCP write), in the
 * order they were made. On a Cluster, plain PUBLISHes go through one master per channel
 * (publish-routes.ts), and history scripts to the master of their topic's slot (the cluster client
 * routes them by their keys), one pipeline per topic, so each topic's stay in order.
 */
export class PublishSender {
  constructor(
    private readonly counters: RedisPubSubStats,
    /** Where plain publishes wait while Redis is away. */
    private readonly pending: PendingPublishes,
    private readonly cluster: boolean,
  ) {}

  send(publisher: RedisClient | undefined, batch: OutgoingPublish[]): void {
    // Down since these were batched: plain ones wait with the others for the connection to return.
    if (publisher?.status !== 'ready') {
      for (const item of batch) {
        if (isHistoryPublish(item)) item.settle(UNREACHABLE, null);
        else this.counters.dropped += this.pending.add(item);
      }
      return;
    }
    if (!this.cluster) return this.sendOver(publisher, batch);
    const plain: PendingPublish[] = [];
    const byTopic = new Map<string, HistoryPublish[]>();
    for (const item of batch) {
      if (!isHistoryPublish(item)) plain.push(item);
      else if (byTopic.has(item.topic)) byTopic.get(item.topic)!.push(item);
      else byTopic.set(item.topic, [item]);
    }
    for (const [connection, items] of routeClusterPublishes(publisher, plain)) this.sendOver(connection, items);
    for (const items of byTopic.values()) this.sendOver(publisher, items);
  }

  /** One command, or a pipeline of them for several. */
  private sendOver(connection: RedisClient, items: OutgoingPublish[]): void {
    if (items.length === 1) return this.sendOne(connection, items[0]!);
    const commands = items.map((item) => (isHistoryPublish(item) ? [HistoryScript.publish, ...item.args] : ['publish', item.channel, item.data]));
    connection.pipeline(commands).exec().then(
      (results) => items.forEach((item, index) => this.settled(item, results?.[index] ?? [UNREACHABLE, null])),
      (error: Error) => items.forEach((item) => this.settled(item, [error, null])),
    );
  }

  private sendOne(connection: RedisClient, item: OutgoingPublish): void {
    const sent = isHistoryPublish(item) ? runHistoryScript(connection, HistoryScript.publish, item.args) : connection.publish(item.channel, item.data);
    sent.then(
      (reply) => this.settled(item, [null, reply]),
      (error: Error) => this.settled(item, [error, null]),
    );
  }

  private settled(item: OutgoingPublish, [error, reply]: [Error | null, unknown]): void {
    if (isHistoryPublish(item)) return item.settle(error, reply);
    // A plain PUBLISH the connection dropped under: the monitor logs the outage, we only count.
    if (error) this.counters.dropped++;
    else this.counters.published++;
  }
}
