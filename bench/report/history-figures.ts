import { summarize, type Summary } from '../harness/stats.js';
import type { HistoryFanout, HistoryFanoutStep } from '../scenarios/history-fanout.js';
import type { HistoryMemory } from '../scenarios/history-memory.js';
import { PAIRED_HIGHER_IS_BETTER, PAIRED_METRICS, type PairedMetric } from '../scenarios/measure-pairs.js';
import type { RecoveryStorm, StormRound } from '../scenarios/recovery-storm.js';

/** With history over without, within each pair: above 1 is faster for throughput, slower for the times. */
export function historyRatio(step: HistoryFanoutStep, metric: PairedMetric): Summary | null {
  return summarize(step.samples[metric].map(({ history, plain }) => history / plain));
}

/**
 * Whether the fan-out with history keeps up with the fan-out without at every N: each throughput
 * ratio's median at least `bound`, each time ratio's at most `1 / bound` (the same speed bound,
 * read on a time). Null when a figure is missing.
 */
export function fanoutMeets(fanout: HistoryFanout, bound: number): boolean | null {
  if (fanout.steps.length === 0) return null;
  let met = true;
  for (const step of fanout.steps) {
    for (const metric of PAIRED_METRICS) {
      const ratio = historyRatio(step, metric)?.median;
      if (ratio === undefined) return null;
      if (PAIRED_HIGHER_IS_BETTER[metric] ? ratio < bound : ratio > 1 / bound) met = false;
    }
  }
  return met;
}

/** The storm with `since` over the storm without, within each pair. */
export function stormRatio(storm: RecoveryStorm): Summary | null {
  return summarize(storm.pairs.map((pair) => pair.withSince.ms / pair.without.ms));
}

/** What is wrong with a storm's counts; empty when every client received exactly what it had to. */
export function stormCountProblems(round: Pick<StormRound, 'since' | 'clients' | 'expectedPerClient' | 'perClient' | 'recovered'>): string[] {
  const problems: string[] = [];
  let counted = 0;
  for (const [received, clients] of Object.entries(round.perClient)) {
    counted += clients;
    if (Number(received) !== round.expectedPerClient) {
      problems.push(`${clients} clients received ${received} broadcasts instead of ${round.expectedPerClient}`);
    }
  }
  if (counted !== round.clients) problems.push(`${counted} of ${round.clients} clients were counted`);
  if (round.since && round.recovered !== round.clients) {
    problems.push(`${round.clients - round.recovered} of ${round.clients} join replies did not say recovered: true`);
  }
  return problems;
}

/** What K topics cost with history, beyond the same topics, joins and broadcasts without it (bytes, after GC). */
export interface MemoryPerTopic {
  /** Growth per topic from before to after the broadcasts, on each variant. */
  plainHeapPerTopic: number;
  historyHeapPerTopic: number;
  plainRssPerTopic: number;
  historyRssPerTopic: number;
  /** The history's share: with history minus without, per topic and per kept broadcast. */
  heapPerTopic: number;
  rssPerTopic: number;
  heapPerKept: number;
  rssPerKept: number;
}

export function memoryPerTopic(memory: HistoryMemory): MemoryPerTopic | null {
  const { plain, history, topics, keptPerTopic } = memory;
  if (!plain || !history) return null;
  const growth = (reading: NonNullable<HistoryMemory['plain']>, key: 'heapUsed' | 'rss') => (reading.after[key] - reading.before[key]) / topics;
  const plainHeapPerTopic = growth(plain, 'heapUsed');
  const historyHeapPerTopic = growth(history, 'heapUsed');
  const plainRssPerTopic = growth(plain, 'rss');
  const historyRssPerTopic = growth(history, 'rss');
  const heapPerTopic = historyHeapPerTopic - plainHeapPerTopic;
  const rssPerTopic = historyRssPerTopic - plainRssPerTopic;
  return {
    plainHeapPerTopic,
    historyHeapPerTopic,
    plainRssPerTopic,
    historyRssPerTopic,
    heapPerTopic,
    rssPerTopic,
    heapPerKept: heapPerTopic / keptPerTopic,
    rssPerKept: rssPerTopic / keptPerTopic,
  };
}
