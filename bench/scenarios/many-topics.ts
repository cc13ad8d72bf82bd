import type { BenchConfig } from '../config.js';
import type { ClientPool } from '../harness/client-pool.js';
import { OWN_TOPIC_PREFIX } from '../harness/payload.js';
import type { ServerProcess } from '../harness/server-process.js';
import { measureDeliveries, type DeliveryMeasurement } from './measure-deliveries.js';

export interface ManyTopicsResult {
  n: number;
  /** Every socket joining its own topic, per second. */
  joinsPerSecond: number;
  /** One broadcast to each of the N topics per event-loop turn. */
  pushes: DeliveryMeasurement;
}

/**
 * Each socket also joins a topic of its own; the server then pushes to every topic, one
 * subscriber each (point-to-point: the per-broadcast cost, not the fan-out, dominates).
 */
export async function runManyTopics(config: BenchConfig, server: ServerProcess, clients: ClientPool): Promise<ManyTopicsResult> {
  const n = clients.size;
  const joins = await clients.joinOwn(OWN_TOPIC_PREFIX);
  if (joins.failed > 0) throw new Error(`${server.kind}: ${joins.failed} own-topic joins failed: ${joins.firstError}`);
  const rounds = Math.max(1, Math.round(config.deliveries / n));
  const push = (count: number) =>
    measureDeliveries(server, clients, count, { latency: false }, (timeoutMs) =>
      server.eachTopic(OWN_TOPIC_PREFIX, 0, n, count, timeoutMs),
    );
  await push(Math.max(1, Math.round(rounds / 4)));
  return { n, joinsPerSecond: n / (joins.ms / 1000), pushes: await push(rounds) };
}
