import { BENCH_HISTORY, type BenchConfig, type HistoryConfig } from '../config.js';
import { sleep } from '../harness/clock.js';
import { describeMachine, type MachineDescription } from '../harness/machine.js';
import { assertRedisAnswers } from '../harness/redis-preflight.js';
import { runHistoryFanout, runRedisHistoryFanout, type HistoryFanout } from './history-fanout.js';
import { runHistoryMemory, type HistoryMemory } from './history-memory.js';
import { runRecoveryStorm, runRedisRecoveryStorm, type RecoveryStorm } from './recovery-storm.js';

/** A whole `--history` run, as saved in `bench/results/history.json`. */
export interface HistoryOutcome {
  date: string;
  machine: MachineDescription;
  mode: BenchConfig['mode'];
  config: HistoryConfig;
  /** The fan-out windows, as in the default run (`--quick` makes them lighter). */
  measurement: Pick<BenchConfig, 'deliveries' | 'warmupDeliveries' | 'idleSamples' | 'pacedCount' | 'pacedDeliveriesPerSecond'>;
  historyOptions: typeof BENCH_HISTORY;
  durationS: number;
  fanout: HistoryFanout;
  /** Null when the run skipped Redis (`--no-redis`). */
  redisFanout: HistoryFanout | null;
  storm: RecoveryStorm;
  redisStorm: RecoveryStorm | null;
  memory: HistoryMemory;
}

/** Every error of the run, for the report and the exit code. */
export function historyErrors(outcome: HistoryOutcome): string[] {
  const parts: Array<[string, { error: string | null } | null]> = [
    ['fan-out in memory', outcome.fanout],
    ['fan-out on Redis', outcome.redisFanout],
    ['recovery storm in memory', outcome.storm],
    ['recovery storm on Redis', outcome.redisStorm],
    ['memory per history topic', outcome.memory],
  ];
  return parts.filter(([, part]) => part?.error).map(([name, part]) => `${name}: ${part!.error}`);
}

function notRun<T extends { error: string | null }>(result: T, why: string): T {
  return { ...result, error: why };
}

/**
 * nestjs-channels with history against without, in one run: the fan-out by turns in memory and
 * on Redis, the recovery storm in memory and on Redis, the memory per history topic. Each part
 * runs in fresh processes and records its own error; the rest goes on.
 */
export async function runHistory(bench: BenchConfig, config: HistoryConfig, log: (line: string) => void): Promise<HistoryOutcome> {
  const started = Date.now();
  const date = new Date().toISOString();
  const machine = describeMachine();
  let redisDown: string | null = null;
  if (config.redis) {
    redisDown = await assertRedisAnswers(config.redis.url, 3000, 'the history run on Redis').then(
      () => null,
      (error: Error) => error.message,
    );
  }
  const stage = async <T>(run: () => Promise<T>): Promise<T> => {
    const result = await run();
    // Let the closed sockets' teardown finish in the kernel before the next processes boot.
    await sleep(200);
    return result;
  };

  log(`history: fan-out with and without history, in memory, N = ${config.sizes.join(', ')}, ${config.pairs} pairs each`);
  const fanout = await stage(() => runHistoryFanout(bench, config, log));
  let redisFanout: HistoryFanout | null = null;
  if (config.redis) {
    log(`history: fan-out with and without history, two nodes on Redis, N = ${config.redis.sizes.join(', ')}, ${config.pairs} pairs each`);
    redisFanout = redisDown
      ? notRun({ store: null, messageBytes: null, steps: [], error: null }, redisDown)
      : await stage(() => runRedisHistoryFanout(bench, config, log));
  }
  log(`history: recovery storm, ${config.stormClients} clients, ${config.missed} missed each, ${config.pairs} pairs`);
  const storm = await stage(() => runRecoveryStorm(config, log));
  let redisStorm: RecoveryStorm | null = null;
  if (config.redis) {
    redisStorm = redisDown
      ? notRun({ store: null, clients: config.stormClients, missed: config.missed, warmUp: null, pairs: [], error: null, countsWrong: false }, redisDown)
      : await stage(() => runRedisRecoveryStorm(config, log));
  }
  log(`history: memory per history topic, ${config.topics} topics x ${BENCH_HISTORY.size} broadcasts`);
  const memory = await stage(() => runHistoryMemory(config, log));

  const { deliveries, warmupDeliveries, idleSamples, pacedCount, pacedDeliveriesPerSecond } = bench;
  return {
    date,
    machine,
    mode: bench.mode,
    config,
    measurement: { deliveries, warmupDeliveries, idleSamples, pacedCount, pacedDeliveriesPerSecond },
    historyOptions: BENCH_HISTORY,
    durationS: (Date.now() - started) / 1000,
    fanout,
    redisFanout,
    storm,
    redisStorm,
    memory,
  };
}
