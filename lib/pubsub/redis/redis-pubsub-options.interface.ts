/**
 * ioredis connection options (`RedisOptions`: host, port, password, db, tls, retryStrategy, ...;
 * Sentinel: `sentinels` and `name`). Typed loosely so that ioredis stays an optional dependency;
 * every key is passed to ioredis as is.
 * @publicApi
 */
export interface RedisConnectionOptions {
  host?: string;
  port?: number;
  path?: string;
  username?: string;
  password?: string;
  db?: number;
  /** Sentinel addresses; `name` then names the master group. */
  sentinels?: Array<{ host?: string; port?: number }>;
  name?: string;
  [option: string]: any;
}

/** A Redis Cluster: its startup nodes and ioredis `ClusterOptions`, passed through. @publicApi */
export interface RedisClusterConnection {
  cluster: Array<string | number | { host?: string; port?: number }>;
  clusterOptions?: Record<string, unknown>;
}

/** Where Redis is: a `redis://` or `rediss://` URL, ioredis options, or a cluster. @publicApi */
export type RedisConnection = string | RedisConnectionOptions | RedisClusterConnection;

/** Options of the Redis PubSub adapter. @publicApi */
export interface RedisPubSubOptions {
  redis: RedisConnection;
  /**
   * Prepended to every topic to name its Redis channel, so that several apps (or environments)
   * can share one Redis. Nodes of one app must use the same prefix. Default `'nestjs-channels:'`.
   */
  prefix?: string;
  /**
   * Broadcasts kept while Redis is unreachable and published once it is back; beyond this the
   * oldest are dropped. `0` drops every broadcast made during an outage. Default 1000.
   */
  maxQueuedPublishes?: number;
  /**
   * Redis Cluster only: how long ioredis's subscriber connection may find no reachable node
   * before the outage is logged and the Cluster client reconnected (under its
   * `clusterRetryStrategy`). Switching to another node when a master dies normally takes a few
   * milliseconds; raise this where it takes longer (TLS, distant nodes), or a healthy switch is
   * logged as an outage and a recovery. Default 500 (ms).
   */
  clusterSubscriberStallMs?: number;
}

/** Counters of one Redis adapter since it started. @publicApi */
export interface RedisPubSubStats {
  /** Broadcasts Redis accepted (one PUBLISH each). */
  published: number;
  /** Broadcasts received from other nodes and delivered here. */
  received: number;
  /** Messages on our channels that were not a valid envelope (a third party published them). */
  invalid: number;
  /** Broadcasts that never reached Redis (outage with a full queue, or a failed PUBLISH). */
  dropped: number;
  /**
   * Broadcasts of other nodes, on topics this node is subscribed to, that never arrived: Redis
   * pub/sub does not keep what is published while this node's subscription is down (Redis
   * restarting, the connection killed or resubscribing), and a sender's `dropped` ones are missing
   * too. Found from gaps in each sender's per-topic numbering, so a gap is counted only once that
   * sender's next broadcast on that topic arrives; losses on a topic that stays silent afterwards,
   * or from a node older than this counter, are not counted. With Redis Cluster, a broadcast that
   * arrives out of order is counted while it is late, and taken back when it comes. History
   * broadcasts are not counted here (see `historyRecovered` and `historyMissed`).
   */
  missed: number;
  /**
   * History broadcasts (on topics whose channel keeps history) that Redis pub/sub did not bring
   * this node, which it read back from the topic's stream and delivered in order after all.
   */
  historyRecovered: number;
  /**
   * History broadcasts that did not reach this node and that the stream no longer held (beyond its
   * `size` or `ttlMs`), or could not give within the wait: this node's subscribers never got them.
   */
  historyMissed: number;
  /**
   * Reads of the shared history sent to Redis: a topic's position for joins, ranges for joins with
   * `since` and for gaps. Identical reads made while one is under way share it and count once.
   */
  historyReads: number;
}
