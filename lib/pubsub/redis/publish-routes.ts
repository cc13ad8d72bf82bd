import type { PendingPublish } from './pending-publishes.js';
import type { RedisClient } from './redis-client.js';

/**
 * Splits a Cluster client's batch of publishes by the master that must carry each. The client
 * itself would send each keyless PUBLISH to any master, and each master relays to the others over
 * its own bus link, so one node's broadcasts on a topic would reach the other nodes shuffled;
 * every PUBLISH of a channel goes through the same master instead (chosen by a hash of the channel
 * among the masters ioredis currently knows), which keeps them in order.
 */
export function routeClusterPublishes(cluster: RedisClient, batch: PendingPublish[]): Map<RedisClient, PendingPublish[]> {
  const routes = new Map<RedisClient, PendingPublish[]>();
  const masters = cluster.nodes?.('master') ?? [];
  for (const item of batch) {
    // No master known yet (still discovering the cluster): the client routes it itself.
    const connection = masters.length > 0 ? masters[channelHash(item.channel) % masters.length]! : cluster;
    let items = routes.get(connection);
    if (!items) routes.set(connection, (items = []));
    items.push(item);
  }
  return routes;
}

/**
 * FNV-1a over the channel's UTF-16 code units: any stable spread will do, the point is only that
 * a channel always maps to the same master while the set of masters stays the same.
 */
function channelHash(channel: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < channel.length; i++) {
    hash ^= channel.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
