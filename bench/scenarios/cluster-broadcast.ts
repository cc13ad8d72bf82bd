import type { ClientPool } from '../harness/client-pool.js';
import type { ServerProcess } from '../harness/server-process.js';
import { CLUSTER_TOPIC } from './cluster-connect.js';

/** Generous for one broadcast to 100k on 2 shared cores; a miss is reported, not waited for. */
const BROADCAST_TIMEOUT_MS = 30_000;

/** One broadcast made on one node, as every socket of the cluster saw it. */
export interface ClusterBroadcast {
  /** The node whose `ChannelsServer.broadcast` was called. */
  fromNode: number;
  expected: number;
  delivered: number;
  /** Deliveries to the sockets of each node (index = node). */
  deliveredPerNode: number[];
  /** Every socket has received every broadcast of the run exactly once so far (none missing, none twice). */
  exactlyOnce: boolean;
  /** From the broadcast call to the first and the last arrival, and the median and 99th percentile (ms). */
  firstMs: number | null;
  lastMs: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
}

/** True when every socket's broadcast count is `sent`. */
function everySocketHas(tally: Record<number, number>, sent: number): boolean {
  return Object.keys(tally).every((count) => Number(count) === sent);
}

/**
 * Node `fromNode` broadcasts once on the cluster topic; every pool (the sockets of each node)
 * waits for one delivery per socket. `sentBefore` broadcasts were made earlier in the run: each
 * socket must now have received `sentBefore + 1`, which a total alone would not show (a socket
 * served twice hides one served never).
 */
export async function broadcastToCluster(
  servers: ServerProcess[],
  pools: ClientPool[],
  fromNode: number,
  sentBefore: number,
): Promise<ClusterBroadcast> {
  const sender = servers[fromNode]!;
  await Promise.all(pools.map((pool) => pool.arm(1, true)));
  const [window, arrivals] = await Promise.all([
    sender.burst(CLUSTER_TOPIC, 1, 1, BROADCAST_TIMEOUT_MS),
    Promise.all(pools.map((pool) => pool.done(BROADCAST_TIMEOUT_MS))),
  ]);
  const tallies = await Promise.all(pools.map((pool) => pool.broadcastsPerSocket()));
  const delivered = arrivals.reduce((total, pool) => total + pool.received, 0);
  const expected = arrivals.reduce((total, pool) => total + pool.expected, 0);
  const complete = delivered === expected;
  const sinceSend = (micros: number) => (micros - window.t0) / 1000;
  const latency = arrivals.map((pool) => pool.latency).find((histogram) => histogram !== null) ?? null;
  // Percentiles over all pools: merge their histograms into the first.
  for (const pool of arrivals) if (pool.latency && pool.latency !== latency) latency!.merge(pool.latency.toJSON());
  const firsts = arrivals.filter((pool) => pool.received > 0).map((pool) => pool.firstArrival);
  const percentile = (fraction: number) => {
    const micros = latency?.percentile(fraction) ?? null;
    return micros === null ? null : micros / 1000;
  };
  return {
    fromNode,
    expected,
    delivered,
    deliveredPerNode: arrivals.map((pool) => pool.received),
    exactlyOnce: complete && tallies.every((tally) => everySocketHas(tally, sentBefore + 1)),
    firstMs: firsts.length > 0 ? sinceSend(Math.min(...firsts)) : null,
    lastMs: complete ? sinceSend(Math.max(...arrivals.map((pool) => pool.lastArrival))) : null,
    p50Ms: percentile(0.5),
    p99Ms: percentile(0.99),
  };
}

/** One line for the console. */
export function describeBroadcast(broadcast: ClusterBroadcast): string {
  const ms = (value: number | null) => (value === null ? '–' : value.toFixed(0));
  return (
    `broadcast from node ${broadcast.fromNode}: ${broadcast.delivered}/${broadcast.expected} ` +
    `(per node ${broadcast.deliveredPerNode.join(', ')}), exactly once: ${broadcast.exactlyOnce ? 'yes' : 'NO'}, ` +
    `first ${ms(broadcast.firstMs)} ms, p50 ${ms(broadcast.p50Ms)} ms, last ${ms(broadcast.lastMs)} ms`
  );
}
