import type { IoRedisClasses } from './load-ioredis.js';
import type { RedisClusterConnection, RedisConnection } from './redis-pubsub-options.interface.js';

/** What the adapter uses of an ioredis `Redis` or `Cluster` client. */
export interface RedisClient {
  readonly status: string;
  on(event: string, listener: (...args: any[]) => void): unknown;
  publish(channel: string, message: string): Promise<unknown>;
  /** Commands sent in one write; each result is `[error, reply]`. */
  pipeline(commands: string[][]): { exec(): Promise<Array<[Error | null, unknown]> | null> };
  /** A Cluster client's connections to its nodes (ioredis `Cluster#nodes`); absent on a single connection. */
  nodes?(role: 'master'): RedisClient[];
  subscribe(...channels: string[]): Promise<unknown>;
  unsubscribe(...channels: string[]): Promise<unknown>;
  quit(): Promise<unknown>;
  /** With `reconnect`, ioredis reconnects under its retry strategy, as after a lost connection. */
  disconnect(reconnect?: boolean): void;
  /** Adds a Lua script as a command (ioredis sends EVALSHA, or EVAL on a connection that does not know it yet). */
  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void;
}

/**
 * The adapter queues and resubscribes itself, so ioredis must not: a command issued while Redis
 * is away fails at once instead of piling up in ioredis's unbounded offline queue.
 */
const OWN_QUEUEING = { enableOfflineQueue: false, autoResubscribe: false, lazyConnect: false };

/** Opens one connection to `connection`; the user's ioredis options pass through untouched otherwise. */
export function createRedisClient(classes: IoRedisClasses, connection: RedisConnection, role: string): RedisClient {
  if (typeof connection === 'string') {
    return new classes.Redis(connection, { ...OWN_QUEUEING, connectionName: role }) as unknown as RedisClient;
  }
  if (isClusterConnection(connection)) {
    const options = connection.clusterOptions ?? {};
    const redisOptions = (options.redisOptions ?? {}) as Record<string, unknown>;
    return new classes.Cluster(connection.cluster as never, {
      ...options,
      enableOfflineQueue: false,
      redisOptions: { connectionName: role, ...redisOptions, autoResubscribe: false },
    }) as unknown as RedisClient;
  }
  return new classes.Redis({ connectionName: role, ...connection, ...OWN_QUEUEING } as never) as unknown as RedisClient;
}

/** A printable name for `connection`, without its password. */
export function describeRedisTarget(connection: RedisConnection): string {
  if (typeof connection === 'string') {
    const url = new URL(connection);
    if (url.password) url.password = '***';
    return url.toString();
  }
  if (isClusterConnection(connection)) return `cluster (${connection.cluster.length} startup node(s))`;
  if (connection.sentinels) return `sentinel master "${connection.name}"`;
  if (connection.path) return connection.path;
  return `${connection.host ?? '127.0.0.1'}:${connection.port ?? 6379}`;
}

export function isClusterConnection(connection: RedisConnection): connection is RedisClusterConnection {
  return typeof connection === 'object' && 'cluster' in connection;
}

/** QUITs `client` when it is connected, else just drops it. */
export async function closeQuietly(client: RedisClient): Promise<void> {
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // Fall through: the connection went away while quitting.
    }
  }
  client.disconnect();
}
