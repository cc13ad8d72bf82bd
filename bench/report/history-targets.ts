import { median } from '../harness/stats.js';
import type { HistoryFanout } from '../scenarios/history-fanout.js';
import type { HistoryOutcome } from '../scenarios/history.js';
import type { RecoveryStorm } from '../scenarios/recovery-storm.js';
import type { HistoryStore } from '../servers/bench-server.interface.js';
import { formatRatioWithInterval, sizeLabel } from './format.js';
import { fanoutMeets, historyRatio, stormRatio } from './history-figures.js';
import type { TargetStatus } from './targets.js';

/** The issue's bounds: fan-out with history over without (in memory, on Redis), and the storm with `since` over without. */
export const HISTORY_BOUNDS = { memory: 0.9, redis: 0.8, storm: 1.5 } as const;
/** The storm size the issue asks for. */
export const STORM_CLIENTS = 10_000;

/** How a Redis figure's history was kept: today's adapter shares none, so B numbers in memory. */
export function storeNote(store: HistoryStore | null): string {
  if (store === 'node memory') {
    return "; today's Redis adapter shares no history: node B numbered the broadcasts in its own memory, so take this figure again once the adapter shares one";
  }
  return store === 'shared' ? '; history shared through the Redis adapter' : '';
}

function fanoutTarget(fanout: HistoryFanout | null, where: 'memory' | 'redis', quote: string): TargetStatus {
  const bound = HISTORY_BOUNDS[where];
  const target =
    where === 'memory'
      ? `History, in memory: fan-out with history >= ${bound}x without (1 and 10 per turn; idle reach and paced p99 at most 1/${bound} = ${(1 / bound).toFixed(2)}x; every N)`
      : `History, two nodes on Redis (A broadcasts, subscribers on B): fan-out with history >= ${bound}x without (1 and 10 per turn; idle reach and paced p99 at most ${(1 / bound).toFixed(2)}x; every N)`;
  if (!fanout) return { target, measured: `${quote}not run (\`--no-redis\`)`, status: 'not measured' };
  const steps = fanout.steps.map((step) => {
    const ratio = (metric: Parameters<typeof historyRatio>[1]) => formatRatioWithInterval(historyRatio(step, metric));
    return `${sizeLabel(step.n)}: fan-out ${ratio('fanout')}, 10 per turn ${ratio('burst10')}, idle reach ${ratio('idleReach')}, p99 ${ratio('p99')}`;
  });
  const error = fanout.error ? `stopped early: ${fanout.error}` : '';
  const measured = `${quote}${[steps.join('; '), error].filter(Boolean).join('; ')} (with history / without, per pair)${where === 'redis' ? storeNote(fanout.store) : ''}`;
  const met = fanout.error ? null : fanoutMeets(fanout, bound);
  return { target, measured, status: met === null ? 'not measured' : met ? 'met' : 'not met' };
}

function stormTarget(storm: RecoveryStorm | null, where: 'memory' | 'redis', quote: string): TargetStatus {
  const bound = HISTORY_BOUNDS.storm;
  const place = where === 'memory' ? 'in memory' : 'on Redis (clients rejoin node B, A broadcasts)';
  const target =
    `History, recovery storm ${place}: ${STORM_CLIENTS.toLocaleString('en')} clients rejoining at once with \`since\` ` +
    `(20 missed each) take <= ${bound}x the time of the same storm without \`since\``;
  if (!storm) return { target, measured: `${quote}not run (\`--no-redis\`)`, status: 'not measured' };
  if (storm.countsWrong) return { target, measured: `${quote}wrong counts: ${storm.error}`, status: 'not met' };
  const ratio = stormRatio(storm);
  if (storm.error || !ratio) return { target, measured: `${quote}${storm.error ? `stopped early: ${storm.error}` : 'no storm measured'}`, status: 'not measured' };
  const ms = (values: number[]) => `${median(values).toFixed(0)} ms`;
  const size = storm.clients < STORM_CLIENTS ? ` (N = ${storm.clients.toLocaleString('en')}, not the issue's ${STORM_CLIENTS.toLocaleString('en')})` : '';
  const measured =
    `${quote}${formatRatioWithInterval(ratio)} over ${storm.pairs.length} pairs: with \`since\` ${ms(storm.pairs.map((pair) => pair.withSince.ms))}, ` +
    `without ${ms(storm.pairs.map((pair) => pair.without.ms))} (medians), ${storm.clients.toLocaleString('en')} clients${size}; ` +
    `every client got exactly its ${storm.missed} missed broadcasts${where === 'redis' ? storeNote(storm.store) : ''}`;
  return { target, measured, status: ratio.median <= bound ? 'met' : 'not met' };
}

/**
 * The history targets, as `outcome` measured them; `quoted` when another run's table quotes the
 * saved outcome (then each figure says which run it comes from).
 */
export function historyTargets(outcome: HistoryOutcome | null, quoted = false): TargetStatus[] {
  if (!outcome) {
    const none = 'No history result yet: `npm run bench -- --history`';
    return [
      { ...fanoutTarget(null, 'memory', ''), measured: none },
      { ...fanoutTarget(null, 'redis', ''), measured: none },
      { ...stormTarget(null, 'memory', ''), measured: none },
      { ...stormTarget(null, 'redis', ''), measured: none },
    ];
  }
  const quote = quoted ? `History run of ${outcome.date.slice(0, 10)} (\`--history\`, ${outcome.config.pairs} pairs): ` : '';
  return [
    fanoutTarget(outcome.fanout, 'memory', quote),
    fanoutTarget(outcome.redisFanout, 'redis', quote),
    stormTarget(outcome.storm, 'memory', quote),
    stormTarget(outcome.redisStorm, 'redis', quote),
  ];
}
