import type { BenchConfig } from '../config.js';
import type { BatchReport } from '../clients/client-main.js';
import { sleep } from '../harness/clock.js';
import type { ClientPool } from '../harness/client-pool.js';
import { FANOUT_TOPIC } from '../harness/payload.js';
import type { ServerProcess } from '../harness/server-process.js';
import type { MemorySample } from '../servers/server-main.js';
import { measureBurst, measureIdleReach, measurePaced, type DeliveryMeasurement } from './measure-deliveries.js';

/** Everything measured with N subscribers on one topic. */
export interface FanoutStep {
  n: number;
  /** Sockets added to reach N: connect + join, per second. */
  connect: { added: number; ms: number; perSecond: number };
  /** Idle, joined connections: server memory growth since boot, per connection (KiB, after GC). */
  memory: { rssKiBPerConnection: number; heapKiBPerConnection: number };
  /** One broadcast per event-loop turn, back to back. */
  burst: DeliveryMeasurement;
  /** Ten broadcasts per event-loop turn. */
  burst10: DeliveryMeasurement;
  /** Median time for one broadcast to reach all N on an idle server (ms). */
  idleReachMs: number;
  /** Broadcasts paced below capacity: per-delivery latency. */
  paced: DeliveryMeasurement;
}

function perConnectionKiB(now: number, boot: number, n: number): number {
  return (now - boot) / 1024 / n;
}

/**
 * Grows the subscribers of one topic to `n`, then measures in a fixed order: memory while idle,
 * warm-up bursts (not recorded), bursts of 1 and of 10 broadcasts per turn, single broadcasts
 * on an idle server, and paced broadcasts.
 */
export async function runFanoutStep(
  config: BenchConfig,
  server: ServerProcess,
  clients: ClientPool,
  n: number,
  boot: MemorySample,
): Promise<FanoutStep> {
  const added = n - clients.size;
  const firstStep = clients.size === 0;
  const batch: BatchReport = await clients.grow(server.baseUrl, n, FANOUT_TOPIC);
  if (batch.failed > 0) throw new Error(`${server.kind}: ${batch.failed} of ${added} sockets failed to connect/join: ${batch.firstError}`);
  await sleep(200);
  const memory = await server.memory();

  const burstOf = (perTurn: number, deliveries: number) => measureBurst(server, clients, perTurn, deliveries);

  // Both code paths are warmed up once per process; every size warms its socket buffers again.
  if (firstStep) await burstOf(10, config.warmupDeliveries);
  await burstOf(1, config.warmupDeliveries);
  const burst = await burstOf(1, config.deliveries);
  const burst10 = await burstOf(10, config.deliveries);

  const idleReachMs = await measureIdleReach(server, clients, config.idleSamples);

  const paced = await measurePaced(server, clients, config.pacedCount, config.pacedDeliveriesPerSecond);

  return {
    n,
    connect: { added, ms: batch.ms, perSecond: added / (batch.ms / 1000) },
    memory: {
      rssKiBPerConnection: perConnectionKiB(memory.rss, boot.rss, n),
      heapKiBPerConnection: perConnectionKiB(memory.heapUsed, boot.heapUsed, n),
    },
    burst,
    burst10,
    idleReachMs,
    paced,
  };
}
