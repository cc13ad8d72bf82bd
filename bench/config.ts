import type { ServerKind } from './servers/bench-server.interface.js';

/** Everything that differs between `npm run bench` and `npm run bench -- --quick`. */
export interface BenchConfig {
  mode: 'full' | 'quick';
  servers: ServerKind[];
  /** Repetitions; each starts every server and client process afresh. */
  passes: number;
  /** Subscriber counts, measured in this order on the same server process (sockets are added between steps). */
  sizes: number[];
  /** Deliveries (broadcasts x subscribers) per throughput measurement, and per warm-up. */
  deliveries: number;
  warmupDeliveries: number;
  /** Single broadcasts sent to an idle server to time reaching all N; the median is kept. */
  idleSamples: number;
  /** Paced broadcasts per latency measurement, sent at this many deliveries per second. */
  pacedCount: number;
  pacedDeliveriesPerSecond: number;
  /** Two nodes on Redis (fan-out A -> subscribers on B, presence churn); skipped with `--no-redis`. */
  redis: RedisScenarioConfig | null;
  /** `--only-redis`: the two-node scenarios alone, without the single-server comparison. */
  onlyRedis?: boolean;
}

/** The two-node scenarios, run once per pass when nestjs-channels is among the servers. */
export interface RedisScenarioConfig {
  /** Where Redis is; `REDIS_URL` or the local default. Every run uses a key prefix of its own. */
  url: string;
  /** Subscriber counts on node B. */
  sizes: number[];
  /** Presences joined (then left) on each node in the churn burst. */
  churnPerNode: number;
}

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The cluster run (`--cluster`): N joined connections over several nestjs-channels nodes on one Redis. */
export interface ClusterConfig {
  /** Joined connections in all, spread evenly over the nodes. */
  connections: number;
  /** Node processes; each holds `connections / nodes`, under the 20000 open-files limit. */
  nodes: number;
  /** How long the connections are held, heartbeating, after the first broadcasts (s). */
  holdS: number;
  /** Also measure raw ws (pre-built frames, no Redis) with the same layout, for the memory ratio. */
  wsBaseline: boolean;
  redisUrl: string;
}

/** Issue 9's cluster target. */
export const CLUSTER_CONNECTIONS = 100_000;
/** Connections per node when `--nodes` is not given: 100k -> 6 nodes of 16.7k. */
export const CLUSTER_CONNECTIONS_PER_NODE = 17_000;
/** The most a node (or a client process) may hold: the soak's 19k, 1000 descriptors under the limit. */
export const MAX_CONNECTIONS_PER_PROCESS = 19_000;

/** `--cluster[=N]` with the nodes it needs, at least two (else it is no cluster). */
export function clusterConfig(connections = CLUSTER_CONNECTIONS, nodes?: number): ClusterConfig {
  return {
    connections,
    nodes: nodes ?? Math.max(2, Math.ceil(connections / CLUSTER_CONNECTIONS_PER_NODE)),
    holdS: 60,
    wsBaseline: true,
    redisUrl: REDIS_URL,
  };
}

/** The order servers appear in tables; the first is the baseline of every ratio. */
export const ALL_SERVERS: ServerKind[] = ['ws-prebuilt', 'nestjs-channels', 'ws-send', 'socketio'];
export const BASELINE: ServerKind = 'ws-prebuilt';

export const FULL: BenchConfig = {
  mode: 'full',
  servers: ALL_SERVERS,
  passes: 3,
  sizes: [1000, 5000, 10_000, 19_000],
  // About a second per throughput window and ten paced broadcasts per latency figure: with half
  // of each, single runs on this 2-core box swung by a third and the verdicts at 0.9x flipped.
  deliveries: 100_000,
  warmupDeliveries: 10_000,
  idleSamples: 5,
  pacedCount: 10,
  pacedDeliveriesPerSecond: 30_000,
  redis: { url: REDIS_URL, sizes: [1000, 5000], churnPerNode: 1000 },
};

export const QUICK: BenchConfig = {
  ...FULL,
  mode: 'quick',
  sizes: [1000, 2000],
  deliveries: 15_000,
  warmupDeliveries: 4000,
  idleSamples: 3,
  pacedCount: 5,
  redis: { url: REDIS_URL, sizes: [1000], churnPerNode: 500 },
};

/** What `@Channel('bench:*', { history })` keeps on the history server variant (`ServerOptions.history`). */
export const BENCH_HISTORY = { size: 100, ttlMs: 300_000 } as const;

/**
 * The history run (`--history`): nestjs-channels with history against without, measured by turns
 * (both variants up at once, the ratio within each pair), in memory and on Redis; the recovery
 * storm; the memory each history topic holds.
 */
export interface HistoryConfig {
  /** Pairs per figure: back-to-back measurements of both variants (fan-out) or both storms (with and without `since`). */
  pairs: number;
  /** Subscriber counts of the in-memory fan-out comparison. */
  sizes: number[];
  /** Two nodes on Redis (A broadcasts, subscribers on B): subscriber counts on B; null with `--no-redis`. */
  redis: { url: string; sizes: number[] } | null;
  /** Clients in the recovery storm, and the broadcasts each misses while disconnected. */
  stormClients: number;
  missed: number;
  /** Topics of the memory scenario, each filled with `BENCH_HISTORY.size` broadcasts. */
  topics: number;
}

export const HISTORY_FULL: HistoryConfig = {
  pairs: 10,
  sizes: [1000, 10_000],
  redis: { url: REDIS_URL, sizes: [1000, 5000] },
  stormClients: 10_000,
  missed: 20,
  topics: 10_000,
};

export const HISTORY_QUICK: HistoryConfig = {
  pairs: 3,
  sizes: [1000],
  redis: { url: REDIS_URL, sizes: [1000] },
  stormClients: 2000,
  missed: 20,
  topics: 1000,
};

/** Where the memory-per-connection target is read: 10k as in the issue, or the largest size measured. */
export function memoryHeadlineSize(config: BenchConfig): number {
  return config.sizes.includes(10_000) ? 10_000 : Math.max(...config.sizes);
}
