import { BENCH_HISTORY, type HistoryConfig } from '../config.js';
import { withSession } from '../harness/bench-session.js';
import { OWN_TOPIC_PREFIX, FANOUT_TOPIC } from '../harness/payload.js';
import type { SettledMemorySample } from '../servers/server-main.js';
import { measureDeliveries } from './measure-deliveries.js';

/** One variant: K topics joined, memory before and after `keptPerTopic` broadcasts to each. */
export interface TopicMemoryReading {
  history: boolean;
  /** After every join, before any broadcast; then after the broadcasts (both after GC, young generation shrunk). */
  before: SettledMemorySample;
  after: SettledMemorySample;
  fillMs: number;
}

export interface HistoryMemory {
  topics: number;
  keptPerTopic: number;
  plain: TopicMemoryReading | null;
  history: TopicMemoryReading | null;
  error: string | null;
}

/**
 * K sockets, each joined to a topic of its own (`bench:s:<i>`); the server then broadcasts
 * `BENCH_HISTORY.size` times to each topic (one round over every topic per event-loop turn), so that
 * with history every topic holds a full history. Memory is read after GC before and after.
 */
function measureVariant(topics: number, history: boolean): Promise<TopicMemoryReading> {
  return withSession('nestjs-channels', { history }, 'phoenix-v2', topics, async ({ server, clients }) => {
    const batch = await clients.grow(server.baseUrl, topics, FANOUT_TOPIC);
    if (batch.failed > 0) throw new Error(`${batch.failed} of ${topics} sockets failed to connect/join: ${batch.firstError}`);
    const joins = await clients.joinOwn(OWN_TOPIC_PREFIX);
    if (joins.failed > 0) throw new Error(`${joins.failed} of ${topics} own-topic joins failed: ${joins.firstError}`);
    const before = await server.settledMemory();
    const fill = await measureDeliveries(server, clients, BENCH_HISTORY.size, { latency: false }, (timeoutMs) =>
      server.eachTopic(OWN_TOPIC_PREFIX, 0, topics, BENCH_HISTORY.size, timeoutMs),
    );
    const after = await server.settledMemory();
    return { history, before, after, fillMs: fill.elapsedMs };
  });
}

/** The same K topics, joins and broadcasts on a server without history, then on one with it (fresh processes each). */
export async function runHistoryMemory(config: HistoryConfig, log: (line: string) => void): Promise<HistoryMemory> {
  const result: HistoryMemory = { topics: config.topics, keptPerTopic: BENCH_HISTORY.size, plain: null, history: null, error: null };
  try {
    for (const history of [false, true]) {
      const reading = await measureVariant(config.topics, history);
      result[history ? 'history' : 'plain'] = reading;
      const growth = (pick: (sample: SettledMemorySample) => number) => (pick(reading.after) - pick(reading.before)) / config.topics;
      log(
        `  memory ${history ? 'with' : 'without'} history, ${config.topics} topics x ${BENCH_HISTORY.size} broadcasts: ` +
          `heap +${growth((sample) => sample.heapUsed).toFixed(0)} B, RSS +${growth((sample) => sample.rss).toFixed(0)} B per topic`,
      );
    }
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    log(`  memory per history topic: stopped early: ${result.error}`);
  }
  return result;
}
