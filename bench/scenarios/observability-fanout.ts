import type { BenchConfig } from '../config.js';
import { withNodes, type PoolSpec } from '../harness/bench-session.js';
import { FANOUT_TOPIC } from '../harness/payload.js';
import { sleep } from '../harness/clock.js';
import { measurePairs, PAIRED_METRICS, warmUp, type PairedMetric, type PairSide } from './measure-pairs.js';

const KIND = 'nestjs-channels';
/** What is compared with the library as it runs with nobody observing. */
export const OBSERVED = ['metrics', 'tracing'] as const;
export type Observed = (typeof OBSERVED)[number];

/** One subscriber count: per observed variant, per pair, its figure and the plain one's. */
export interface ObservabilityStep {
  n: number;
  samples: Record<Observed, Record<PairedMetric, Array<{ observed: number; plain: number }>>>;
}

/** A whole `--observability` run; `error` set if it stopped early. */
export interface ObservabilityOutcome {
  date: string;
  sizes: number[];
  pairs: number;
  steps: ObservabilityStep[];
  error: string | null;
}

/** Median of observed / plain over the pairs (throughputs: above 1 is faster; times: above 1 is slower). */
export function medianRatio(samples: Array<{ observed: number; plain: number }>): number {
  const ratios = samples.map(({ observed, plain }) => observed / plain).sort((a, b) => a - b);
  return ratios[ratios.length >> 1]!;
}

/**
 * Three nestjs-channels servers up at once, each with its own clients: with no event subscriber
 * (plain), with `ChannelsMetricsModule`, with `ChannelsTracingModule`. At each N, each observed
 * server is measured by turns with the plain one (`measurePairs`: ABBA), so the ratios come from
 * one run on one box.
 */
export async function runObservabilityFanout(bench: BenchConfig, pairs: number, log: (line: string) => void): Promise<ObservabilityOutcome> {
  const outcome: ObservabilityOutcome = { date: new Date().toISOString(), sizes: bench.sizes, pairs, steps: [], error: null };
  const pool: PoolSpec = { protocol: 'phoenix-v2', maxSockets: Math.max(...bench.sizes) };
  try {
    await withNodes(KIND, [{}, { observe: 'metrics' }, { observe: 'tracing' }], [pool, pool, pool], async (servers, pools) => {
      const sides: PairSide[] = servers.map((sender, index) => ({ sender, clients: pools[index]! }));
      const [plain, ...observed] = sides as [PairSide, PairSide, PairSide];
      for (const n of bench.sizes) {
        for (const side of sides) {
          const added = n - side.clients.size;
          const batch = await side.clients.grow(side.sender.baseUrl, n, FANOUT_TOPIC);
          if (batch.failed > 0) throw new Error(`${batch.failed} of ${added} sockets failed to connect/join: ${batch.firstError}`);
        }
        await sleep(200);
        for (const side of sides) await warmUp(bench, side);
        const step = { n, samples: {} } as ObservabilityStep;
        for (const [index, name] of OBSERVED.entries()) {
          const samples = await measurePairs(bench, pairs, observed[index]!, plain);
          step.samples[name] = Object.fromEntries(
            PAIRED_METRICS.map((metric) => [metric, samples[metric].map(({ first, second }) => ({ observed: first, plain: second }))]),
          ) as ObservabilityStep['samples'][Observed];
          const ratio = (metric: PairedMetric) => `${medianRatio(step.samples[name][metric]).toFixed(2)}x`;
          log(
            `  observability N=${n}: ${name} on / off, median of ${pairs} pairs: fan-out ${ratio('fanout')}, ` +
              `10 per turn ${ratio('burst10')}, idle reach ${ratio('idleReach')}, paced p99 ${ratio('p99')}`,
          );
        }
        outcome.steps.push(step);
      }
    });
  } catch (error) {
    outcome.error = error instanceof Error ? error.message : String(error);
    log(`  observability: stopped early: ${outcome.error}`);
  }
  return outcome;
}
