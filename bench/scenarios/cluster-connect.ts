import os from 'node:os';
import type { ClusterConfig } from '../config.js';
import { withNodes, type PoolSpec } from '../harness/bench-session.js';
import { hasTaskset } from '../harness/child-process.js';
import { MAX_SOCKETS_PER_CLIENT, type ClientPool } from '../harness/client-pool.js';
import { nowMicros, sleep } from '../harness/clock.js';
import { FANOUT_TOPIC } from '../harness/payload.js';
import type { ServerProcess, ServerProcessOptions } from '../harness/server-process.js';
import type { ServerKind, ServerOptions } from '../servers/bench-server.interface.js';
import type { SettledMemorySample } from '../servers/server-main.js';

/** Every socket of the cluster joins this one topic, whichever node it is connected to. */
export const CLUSTER_TOPIC = FANOUT_TOPIC;
/** As the phoenix JS client, against the library's default 60 s idle timeout (as the soak). */
export const CLUSTER_HEARTBEAT_MS = 30_000;
export const CLUSTER_IDLE_TIMEOUT_MS = 60_000;
/** After the last join: stragglers' replies and the nodes' Redis SUBSCRIBE, before sockets are counted. */
const SETTLE_MS = 1000;

/**
 * One node's memory (after a full GC, once V8's young generation has shrunk back: see
 * `young-generation.ts`) before any connection and with its share joined.
 */
export interface ClusterNodeFigures {
  node: number;
  /** CPU it is pinned to; null when unpinned. */
  cpu: number | null;
  connections: number;
  boot: SettledMemorySample;
  joined: SettledMemorySample;
}

/** Connecting all N: time, rate, and the memory it cost over every node. */
export interface ClusterConnectFigures {
  kind: ServerKind;
  connections: number;
  clientProcesses: number;
  /** Wall time from the first connect to the last join acknowledged, every node in parallel (ms). */
  connectMs: number;
  perSecond: number;
  nodes: ClusterNodeFigures[];
  /** Growth from boot, summed over the nodes, per connection (KiB). */
  rssKiBPerConnection: number;
  heapKiBPerConnection: number;
  /**
   * The part of the RSS growth that is V8's young generation grown back to its maximum (32 MiB
   * per process: a fixed cost once traffic passes 1 MB/s, not one per connection), and the rest.
   */
  youngGenerationKiBPerConnection: number;
  rssExcludingYoungKiBPerConnection: number;
  /** Every node's RSS with the connections joined, summed (MiB), and that per connection (KiB). */
  rssTotalMiB: number;
  rssTotalKiBPerConnection: number;
}

/** The running cluster, connected, as the measurements after the connect phase see it. */
export interface ConnectedCluster {
  servers: ServerProcess[];
  /** `pools[i]` holds the sockets connected to `servers[i]`. */
  pools: ClientPool[];
  figures: ClusterConnectFigures;
}

/** `total` split as evenly as possible into `parts` (the first ones get the remainder). */
export function evenShares(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

/** Node i on CPU i mod cores (2 cores: alternating), when taskset exists; else unpinned. */
export function nodeCpu(node: number): number | null {
  return hasTaskset() ? node % os.cpus().length : null;
}

/** How the processes are placed, for the report. */
export function describeClusterPinning(): string {
  const cores = os.cpus().length;
  return hasTaskset()
    ? `taskset: node i on CPU i mod ${cores}; client processes and Redis unpinned`
    : 'none (taskset not found): every process unpinned';
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

function memoryFigures(kind: ServerKind, connections: number, clientProcesses: number, connectMs: number, nodes: ClusterNodeFigures[]): ClusterConnectFigures {
  const growth = (pick: (sample: SettledMemorySample) => number) => sum(nodes.map((node) => pick(node.joined) - pick(node.boot)));
  const rssTotal = sum(nodes.map((node) => node.joined.rss));
  const perConnection = (bytes: number) => bytes / 1024 / connections;
  return {
    kind,
    connections,
    clientProcesses,
    connectMs,
    perSecond: connections / (connectMs / 1000),
    nodes,
    rssKiBPerConnection: perConnection(growth((sample) => sample.rss)),
    heapKiBPerConnection: perConnection(growth((sample) => sample.heapUsed)),
    youngGenerationKiBPerConnection: perConnection(growth((sample) => sample.newSpace)),
    rssExcludingYoungKiBPerConnection: perConnection(growth((sample) => sample.rss - sample.newSpace)),
    rssTotalMiB: rssTotal / 2 ** 20,
    rssTotalKiBPerConnection: rssTotal / 1024 / connections,
  };
}

/**
 * Boots `config.nodes` processes of `kind` (each with `serverOptions`) and, per node, client
 * processes for its share; reads each node's memory, connects every share in parallel (each
 * socket joins `CLUSTER_TOPIC` and heartbeats), reads memory again, then runs `body`. Throws,
 * with the first error, if any socket failed to connect or join, or was closed: a cluster run
 * reports all N or nothing. Every process is stopped whatever happens.
 */
export function withConnectedCluster<T>(
  kind: ServerKind,
  config: ClusterConfig,
  serverOptions: ServerOptions,
  log: (line: string) => void,
  body: (cluster: ConnectedCluster) => Promise<T>,
): Promise<T> {
  const shares = evenShares(config.connections, config.nodes);
  const nodes: ServerProcessOptions[] = shares.map((_, i) => ({ ...serverOptions, idleTimeoutMs: CLUSTER_IDLE_TIMEOUT_MS, cpu: nodeCpu(i) }));
  const pools: PoolSpec[] = shares.map((share) => ({ protocol: 'phoenix-v2', maxSockets: share, cpu: null }));
  const clientProcesses = sum(shares.map((share) => Math.max(1, Math.ceil(share / MAX_SOCKETS_PER_CLIENT))));
  return withNodes(kind, nodes, pools, async (servers, clients) => {
    log(`${kind}: ${servers.length} nodes and ${clientProcesses} client processes up; connecting ${config.connections}`);
    const boot = await Promise.all(servers.map((server) => server.settledMemory()));
    const started = nowMicros();
    const batches = await Promise.all(
      clients.map((pool, i) => pool.grow(servers[i]!.baseUrl, shares[i]!, CLUSTER_TOPIC, CLUSTER_HEARTBEAT_MS)),
    );
    const connectMs = (nowMicros() - started) / 1000;
    const failed = sum(batches.map((batch) => batch.failed));
    if (failed > 0) {
      const firstError = batches.find((batch) => batch.firstError)?.firstError;
      throw new Error(`${kind}: ${failed} of ${config.connections} sockets failed to connect or join (first error: ${firstError})`);
    }
    await sleep(SETTLE_MS);
    const open = sum(await Promise.all(clients.map((pool) => pool.openCount())));
    if (open !== config.connections) throw new Error(`${kind}: ${config.connections - open} of ${config.connections} sockets closed right after joining`);
    const joined = await Promise.all(servers.map((server) => server.settledMemory()));
    const perNode = shares.map((connections, i) => ({ node: i, cpu: nodes[i]!.cpu ?? null, connections, boot: boot[i]!, joined: joined[i]! }));
    const figures = memoryFigures(kind, config.connections, clientProcesses, connectMs, perNode);
    log(
      `${kind}: ${config.connections} joined in ${(connectMs / 1000).toFixed(1)} s (${Math.round(figures.perSecond)}/s); ` +
        `RSS +${figures.rssKiBPerConnection.toFixed(2)} KiB (${figures.rssExcludingYoungKiBPerConnection.toFixed(2)} without the young generation), heap +${figures.heapKiBPerConnection.toFixed(2)} KiB per connection ` +
        `(nodes' RSS ${figures.rssTotalMiB.toFixed(0)} MiB in all)`,
    );
    return body({ servers, pools: clients, figures });
  });
}
