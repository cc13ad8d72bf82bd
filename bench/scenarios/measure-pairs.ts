import type { BenchConfig } from '../config.js';
import type { ClientPool } from '../harness/client-pool.js';
import type { ServerProcess } from '../harness/server-process.js';
import { measureBurst, measureIdleReach, measurePaced } from './measure-deliveries.js';

/** What a pair compares, in the order each pair measures them. */
export const PAIRED_METRICS = ['fanout', 'burst10', 'idleReach', 'p99'] as const;
export type PairedMetric = (typeof PAIRED_METRICS)[number];

/** Higher is better for throughput; the other two are times. */
export const PAIRED_HIGHER_IS_BETTER: Record<PairedMetric, boolean> = { fanout: true, burst10: true, idleReach: false, p99: false };

/** One side of a pair: the process that broadcasts, and the clients (joined to the fan-out topic) that receive. */
export interface PairSide {
  sender: ServerProcess;
  clients: ClientPool;
}

/** Per pair, the first side's figure and the second's. */
export type PairSamples = Record<PairedMetric, Array<{ first: number; second: number }>>;

/** Both code paths warmed up, as the default run does before it measures. */
export async function warmUp(config: BenchConfig, { sender, clients }: PairSide): Promise<void> {
  await measureBurst(sender, clients, 10, config.warmupDeliveries);
  await measureBurst(sender, clients, 1, config.warmupDeliveries);
}

/**
 * `pairs` pairs of back-to-back measurements of two sides that are up at once: in each, a fan-out
 * window with one and one with ten broadcasts per turn, an idle-reach figure and a paced window of
 * each side, the order swapped from pair to pair (ABBA) so that a drift of the box within a pair
 * touches both alike. The ratio is to be taken within each pair.
 */
export async function measurePairs(config: BenchConfig, pairs: number, first: PairSide, second: PairSide): Promise<PairSamples> {
  const samples: PairSamples = { fanout: [], burst10: [], idleReach: [], p99: [] };
  for (let pair = 0; pair < pairs; pair++) {
    const firstFirst = pair % 2 === 0;
    for (const metric of PAIRED_METRICS) {
      const a = await measure(config, metric, firstFirst ? first : second);
      const b = await measure(config, metric, firstFirst ? second : first);
      samples[metric].push(firstFirst ? { first: a, second: b } : { first: b, second: a });
    }
  }
  return samples;
}

async function measure(config: BenchConfig, metric: PairedMetric, { sender, clients }: PairSide): Promise<number> {
  if (metric === 'fanout') return (await measureBurst(sender, clients, 1, config.deliveries)).perSecond;
  if (metric === 'burst10') return (await measureBurst(sender, clients, 10, config.deliveries)).perSecond;
  if (metric === 'idleReach') return measureIdleReach(sender, clients, config.idleSamples);
  const paced = await measurePaced(sender, clients, config.pacedCount, config.pacedDeliveriesPerSecond);
  if (paced.latencyP99Ms === null) throw new Error(`${sender.kind}: no latency recorded in a paced window`);
  return paced.latencyP99Ms;
}
