import type { BenchConfig, HistoryConfig } from '../config.js';
import { withNodes, type PoolSpec } from '../harness/bench-session.js';
import { CLIENT_CPU, type ClientPool } from '../harness/client-pool.js';
import { sleep } from '../harness/clock.js';
import { FANOUT_TOPIC } from '../harness/payload.js';
import { uniqueRedisPrefix } from '../harness/redis-prefix.js';
import { SERVER_CPU, type ServerProcess, type ServerProcessOptions } from '../harness/server-process.js';
import type { HistoryStore } from '../servers/bench-server.interface.js';
import { measurePairs, warmUp, type PairedMetric, type PairSide } from './measure-pairs.js';
import { SUBSCRIBE_SETTLE_MS } from './two-node-fanout.js';

const KIND = 'nestjs-channels';

/** One subscriber count: per pair, the figure with history and the one without, measured back to back. */
export interface HistoryFanoutStep {
  n: number;
  samples: Record<PairedMetric, Array<{ history: number; plain: number }>>;
}

/** The fan-out comparison in one topology; `error` set if it stopped early. */
export interface HistoryFanout {
  /** Where the history variant kept its history (on Redis: the adapter's shared history, or node B's memory). */
  store: HistoryStore | null;
  /** Bytes of the WebSocket message per broadcast and subscriber, without and with history (the position in `ref`). */
  messageBytes: { plain: number; history: number } | null;
  steps: HistoryFanoutStep[];
  error: string | null;
}

/** Each variant: who broadcasts, where its subscribers connect, and its clients. */
interface Variant {
  sender: ServerProcess;
  fanout: ServerProcess;
  clients: ClientPool;
}

/**
 * Grows both variants' subscribers to each N in turn (each warmed up), then measures them by turns
 * (`measurePairs`: 1 and 10 per turn, idle reach, paced p99; ABBA); the ratio is history / plain
 * within each pair.
 */
async function compareVariants(
  bench: BenchConfig,
  config: HistoryConfig,
  sizes: number[],
  plain: Variant,
  history: Variant,
  settleMs: number,
  label: string,
  log: (line: string) => void,
  result: HistoryFanout,
): Promise<void> {
  result.store = await history.fanout.historyStore();
  result.messageBytes = { plain: await plain.fanout.messageBytes(FANOUT_TOPIC), history: await history.fanout.messageBytes(FANOUT_TOPIC) };
  for (const n of sizes) {
    for (const variant of [plain, history]) {
      const added = n - variant.clients.size;
      const batch = await variant.clients.grow(variant.fanout.baseUrl, n, FANOUT_TOPIC);
      if (batch.failed > 0) throw new Error(`${batch.failed} of ${added} sockets failed to connect/join: ${batch.firstError}`);
    }
    await sleep(settleMs);
    const sides: PairSide[] = [history, plain].map((variant) => ({ sender: variant.sender, clients: variant.clients }));
    for (const side of sides) await warmUp(bench, side);
    const samples = await measurePairs(bench, config.pairs, sides[0]!, sides[1]!);
    const named = (metric: PairedMetric) => samples[metric].map(({ first, second }) => ({ history: first, plain: second }));
    const step: HistoryFanoutStep = { n, samples: { fanout: named('fanout'), burst10: named('burst10'), idleReach: named('idleReach'), p99: named('p99') } };
    result.steps.push(step);
    const ratio = (metric: PairedMetric) => {
      const ratios = step.samples[metric].map(({ history: h, plain: p }) => h / p).sort((a, b) => a - b);
      return `${ratios[ratios.length >> 1]!.toFixed(2)}x`;
    };
    log(
      `  history ${label} N=${n}: with / without history, median of ${config.pairs} pairs: fan-out ${ratio('fanout')}, ` +
        `10 per turn ${ratio('burst10')}, idle reach ${ratio('idleReach')}, paced p99 ${ratio('p99')}`,
    );
  }
}

/** Both variants on one node each, up at once: the server without history and the one with it, each on CPU 0 with its own clients on CPU 1. */
export async function runHistoryFanout(bench: BenchConfig, config: HistoryConfig, log: (line: string) => void): Promise<HistoryFanout> {
  const result: HistoryFanout = { store: null, messageBytes: null, steps: [], error: null };
  const pool: PoolSpec = { protocol: 'phoenix-v2', maxSockets: Math.max(...config.sizes) };
  try {
    await withNodes(KIND, [{ history: false }, { history: true }], [pool, pool], async ([plain, history], [plainClients, historyClients]) => {
      const plainVariant = { sender: plain!, fanout: plain!, clients: plainClients! };
      const historyVariant = { sender: history!, fanout: history!, clients: historyClients! };
      await compareVariants(bench, config, config.sizes, plainVariant, historyVariant, 200, 'in memory', log, result);
    });
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    log(`  history in memory: stopped early: ${result.error}`);
  }
  return result;
}

/**
 * Two nodes on Redis per variant, all four up at once: node A broadcasts (on CPU 1 with the
 * clients, as in the two-node scenario), node B holds the subscribers (CPU 0); each variant has a
 * Redis key prefix of its own.
 */
export async function runRedisHistoryFanout(bench: BenchConfig, config: HistoryConfig, log: (line: string) => void): Promise<HistoryFanout> {
  const result: HistoryFanout = { store: null, messageBytes: null, steps: [], error: null };
  const redis = config.redis!;
  const pool: PoolSpec = { protocol: 'phoenix-v2', maxSockets: Math.max(...redis.sizes) };
  const nodes = (history: boolean): ServerProcessOptions[] => {
    const options = { pubsub: redis.url, redisPrefix: uniqueRedisPrefix(history ? 'history' : 'plain'), history };
    return [{ ...options, cpu: CLIENT_CPU }, { ...options, cpu: SERVER_CPU }];
  };
  try {
    await withNodes(KIND, [...nodes(false), ...nodes(true)], [pool, pool], async ([plainA, plainB, historyA, historyB], [plainClients, historyClients]) => {
      const plainVariant = { sender: plainA!, fanout: plainB!, clients: plainClients! };
      const historyVariant = { sender: historyA!, fanout: historyB!, clients: historyClients! };
      await compareVariants(bench, config, redis.sizes, plainVariant, historyVariant, SUBSCRIBE_SETTLE_MS, 'A -> Redis -> B', log, result);
    });
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    log(`  history on Redis: stopped early: ${result.error}`);
  }
  return result;
}
