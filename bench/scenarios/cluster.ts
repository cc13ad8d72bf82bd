import os from 'node:os';
import type { ClusterConfig } from '../config.js';
import { sleep } from '../harness/clock.js';
import { describeMachine } from '../harness/machine.js';
import { assertRedisAnswers } from '../harness/redis-preflight.js';
import { uniqueRedisPrefix } from '../harness/redis-prefix.js';
import { sourceAddressRange } from '../harness/source-addresses.js';
import type { ClusterHoldSample, ClusterOutcome } from '../report/cluster-outcome.js';
import { renderClusterMarkdown, writeClusterReport } from '../report/cluster-report.js';
import { broadcastToCluster, describeBroadcast, type ClusterBroadcast } from './cluster-broadcast.js';
import {
  CLUSTER_HEARTBEAT_MS,
  CLUSTER_IDLE_TIMEOUT_MS,
  describeClusterPinning,
  withConnectedCluster,
  type ConnectedCluster,
} from './cluster-connect.js';

/** A hold sample (memory, open sockets, a broadcast) this often, and one at the end. */
const HOLD_SAMPLE_EVERY_MS = 15_000;
/**
 * Longest wait for a node's young generation to shrink before a hold sample: short, since with
 * heartbeats from ~17k sockets per node it stays grown whatever the wait (see `young-generation.ts`).
 */
const HOLD_SETTLE_TIMEOUT_MS = 5000;
/** Between two broadcasts right after the connect phase: let the clients' receive queues drain. */
const BROADCAST_GAP_MS = 500;

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

interface Exercised {
  broadcasts: ClusterBroadcast[];
  hold: ClusterHoldSample[];
}

/**
 * With the cluster connected: one broadcast from each node in turn, then the hold, sampling the
 * nodes' memory, the sockets still open and one broadcast (from the next node) every 15 s.
 */
async function exercise({ servers, pools }: ConnectedCluster, config: ClusterConfig, log: (line: string) => void): Promise<Exercised> {
  let sent = 0;
  const broadcastFrom = (node: number) => broadcastToCluster(servers, pools, node, sent++);
  const broadcasts: ClusterBroadcast[] = [];
  for (let node = 0; node < servers.length; node++) {
    if (node > 0) await sleep(BROADCAST_GAP_MS);
    broadcasts.push(await broadcastFrom(node));
    log(`  ${describeBroadcast(broadcasts[broadcasts.length - 1]!)}`);
  }

  const hold: ClusterHoldSample[] = [];
  const holdMs = config.holdS * 1000;
  const started = Date.now();
  for (let dueMs = 0; ; ) {
    await sleep(Math.max(0, started + dueMs - Date.now()));
    const atS = Math.round((Date.now() - started) / 1000);
    const memory = await Promise.all(servers.map((server) => server.settledMemory(HOLD_SETTLE_TIMEOUT_MS)));
    const open = sum(await Promise.all(pools.map((pool) => pool.openCount())));
    const broadcast = await broadcastFrom(sent % servers.length);
    const rssMiB = sum(memory.map((sample) => sample.rss)) / 2 ** 20;
    const heapMiB = sum(memory.map((sample) => sample.heapUsed)) / 2 ** 20;
    const newSpaceMiB = sum(memory.map((sample) => sample.newSpace)) / 2 ** 20;
    hold.push({ atS, rssMiB, heapMiB, newSpaceMiB, open, broadcast });
    log(`  hold ${atS} s: nodes' RSS ${rssMiB.toFixed(1)} MiB, heap ${heapMiB.toFixed(1)} MiB, ${open} open; ${describeBroadcast(broadcast)}`);
    if (dueMs >= holdMs) break;
    // A sample (its memory reading, its broadcast) can outlast the period: skip the times missed.
    const elapsedMs = Date.now() - started;
    dueMs = Math.min(holdMs, (Math.floor(elapsedMs / HOLD_SAMPLE_EVERY_MS) + 1) * HOLD_SAMPLE_EVERY_MS);
  }
  return { broadcasts, hold };
}

/**
 * Issue 9's cluster target: `config.connections` joined connections over `config.nodes`
 * nestjs-channels processes on one Redis (a key prefix of this run's own), heartbeating; one
 * broadcast from each node must reach every socket of every node exactly once; then the hold.
 * Raw ws with the same layout (no Redis: each node alone) gives the memory baseline. Writes
 * `bench/results/cluster.md` and `.json`; throws (non-zero exit) if a socket failed to connect,
 * and after writing the report if the target was not met.
 */
export async function runCluster(config: ClusterConfig, log: (line: string) => void): Promise<void> {
  await assertRedisAnswers(config.redisUrl);
  const machine = describeMachine();
  const started = Date.now();
  const redisPrefix = uniqueRedisPrefix('cluster');
  log(`cluster: ${config.connections} connections over ${config.nodes} nodes on ${config.redisUrl} (prefix ${redisPrefix}), hold ${config.holdS} s`);
  const channels = await withConnectedCluster(
    'nestjs-channels',
    config,
    { pubsub: config.redisUrl, redisPrefix },
    log,
    async (cluster) => ({ figures: cluster.figures, ...(await exercise(cluster, config, log)) }),
  );
  // Let the kernel finish tearing down 100k sockets before the next cluster boots.
  await sleep(1000);
  const ws = config.wsBaseline ? await withConnectedCluster('ws-prebuilt', config, {}, log, async ({ figures }) => figures) : null;

  const everyBroadcast = [...channels.broadcasts, ...channels.hold.map((sample) => sample.broadcast)];
  const [first, last] = [channels.hold[0], channels.hold[channels.hold.length - 1]];
  const outcome: ClusterOutcome = {
    date: machine.date,
    machine,
    pinning: describeClusterPinning(),
    loadAverageAtEnd: os.loadavg().map((load) => Math.round(load * 100) / 100),
    durationS: (Date.now() - started) / 1000,
    config,
    redisPrefix,
    heartbeatMs: CLUSTER_HEARTBEAT_MS,
    idleTimeoutMs: CLUSTER_IDLE_TIMEOUT_MS,
    sourceAddresses: sourceAddressRange(),
    channels: channels.figures,
    broadcasts: channels.broadcasts,
    hold: channels.hold,
    rssDrift: first && last ? last.rssMiB / first.rssMiB - 1 : 0,
    ws,
    met:
      everyBroadcast.every((broadcast) => broadcast.exactlyOnce) &&
      channels.hold.every((sample) => sample.open === config.connections),
  };
  const markdown = renderClusterMarkdown(outcome);
  log(`\n${markdown}`);
  for (const path of writeClusterReport(outcome, markdown)) log(`written: ${path}`);
  if (!outcome.met) throw new Error('cluster: target not met (a broadcast missed sockets or reached one twice, or sockets closed): see the report above');
}
