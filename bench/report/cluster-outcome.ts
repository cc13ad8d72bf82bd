import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLUSTER_CONNECTIONS, type ClusterConfig } from '../config.js';
import type { MachineDescription } from '../harness/machine.js';
import type { ClusterBroadcast } from '../scenarios/cluster-broadcast.js';
import type { ClusterConnectFigures } from '../scenarios/cluster-connect.js';
import { RESULTS_DIR } from './results-dir.js';
import type { TargetStatus } from './targets.js';

/** One sample of the hold: the nodes' memory after GC (summed), sockets open, and a broadcast. */
export interface ClusterHoldSample {
  atS: number;
  rssMiB: number;
  heapMiB: number;
  /** The nodes' young generations, summed (see `young-generation.ts`). */
  newSpaceMiB: number;
  open: number;
  broadcast: ClusterBroadcast;
}

/** What `cluster.json` holds. */
export interface ClusterOutcome {
  date: string;
  machine: MachineDescription;
  /** How the nodes and clients were placed on the cores. */
  pinning: string;
  loadAverageAtEnd: number[];
  durationS: number;
  config: ClusterConfig;
  redisPrefix: string;
  heartbeatMs: number;
  idleTimeoutMs: number;
  sourceAddresses: string;
  channels: ClusterConnectFigures;
  /** One broadcast from each node in turn, right after the connect phase. */
  broadcasts: ClusterBroadcast[];
  hold: ClusterHoldSample[];
  /** Nodes' RSS (summed) from the hold's first sample (after the first broadcasts) to its last. */
  rssDrift: number;
  /** Raw ws, pre-built frames, same layout without Redis; null with `--cluster-no-ws`. */
  ws: ClusterConnectFigures | null;
  /** All N joined, every broadcast reached every socket exactly once, all open through the hold. */
  met: boolean;
}

/** `cluster` for the 100k, `cluster-custom` for any other N: a development run never overwrites the quoted one. */
export function clusterResultName(config: ClusterConfig): string {
  return config.connections === CLUSTER_CONNECTIONS ? 'cluster' : 'cluster-custom';
}

/** The last 100k `--cluster` run from `bench/results/cluster.json`, or null if there is none (or it is unreadable). */
export function readClusterOutcome(): ClusterOutcome | null {
  try {
    const outcome = JSON.parse(readFileSync(join(RESULTS_DIR, 'cluster.json'), 'utf8')) as Partial<ClusterOutcome>;
    const complete =
      typeof outcome.date === 'string' &&
      typeof outcome.met === 'boolean' &&
      typeof outcome.config?.nodes === 'number' &&
      typeof outcome.channels?.connections === 'number' &&
      typeof outcome.channels.rssKiBPerConnection === 'number';
    return complete ? (outcome as ClusterOutcome) : null;
  } catch {
    return null;
  }
}

/** The cluster target, quoting the last `--cluster` run with its date (as the soak target does). */
export function clusterTarget(): TargetStatus {
  const target = '100,000 joined connections across several processes of one cluster on Redis';
  const run = readClusterOutcome();
  if (!run || run.channels.connections < CLUSTER_CONNECTIONS) {
    return { target, measured: 'No 100k cluster result yet: `npm run bench -- --cluster`', status: 'not measured' };
  }
  const every = [...run.broadcasts, ...run.hold.map((sample) => sample.broadcast)];
  const last = Math.max(...every.map((broadcast) => broadcast.lastMs ?? Infinity));
  const reach = Number.isFinite(last) ? `a broadcast from any node reached all in ${last.toFixed(0)} ms at most` : 'a broadcast did not reach all';
  const perConnection = (figures: ClusterConnectFigures) =>
    `${figures.rssKiBPerConnection.toFixed(1)} KiB (${figures.rssExcludingYoungKiBPerConnection.toFixed(1)} without V8's young generation)`;
  const ws = run.ws ? `; raw ws, same layout: ${perConnection(run.ws)}` : '';
  const measured =
    `Cluster run of ${run.date.slice(0, 10)} (\`--cluster\`): ${run.channels.connections.toLocaleString('en')} joined over ` +
    `${run.config.nodes} nodes in ${(run.channels.connectMs / 1000).toFixed(0)} s; ${reach}; RSS per connection ${perConnection(run.channels)}${ws}; ` +
    `held ${run.config.holdS} s heartbeating, all open and reached: ${run.met ? 'yes' : 'no (cluster.md)'}`;
  return { target, measured, status: run.met ? 'met' : 'not met' };
}
