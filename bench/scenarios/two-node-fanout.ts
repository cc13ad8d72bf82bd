import type { BenchConfig } from '../config.js';
import { sleep } from '../harness/clock.js';
import type { ClientPool } from '../harness/client-pool.js';
import { FANOUT_TOPIC } from '../harness/payload.js';
import type { ServerProcess } from '../harness/server-process.js';
import { median } from '../harness/stats.js';
import { measureDeliveries, type DeliveryMeasurement } from './measure-deliveries.js';

/** What one topology (one node, or A -> Redis -> B) did with N subscribers. */
export interface TopologyFigures {
  /** One broadcast per event-loop turn, back to back. */
  burst: DeliveryMeasurement;
  /** Ten broadcasts per event-loop turn: on one node too, writes to a socket can then be coalesced. */
  burst10: DeliveryMeasurement;
  /** Median time for one broadcast to reach all N, idle (ms). */
  idleReachMs: number;
  /** Broadcasts paced below capacity: per-delivery latency. */
  paced: DeliveryMeasurement;
}

/** Time for B to subscribe to the topic on Redis after its first join (the subscribe is asynchronous). */
export const SUBSCRIBE_SETTLE_MS = 500;

/**
 * Throughput measurements repeated per figure, the median kept: at 5k a burst of ten per turn is
 * a single turn of about 100 ms, and one sample of it swings by a third on a shared machine.
 */
const BURST_SAMPLES = 3;

async function medianOf(samples: number, measure: () => Promise<DeliveryMeasurement>): Promise<DeliveryMeasurement> {
  const measured: DeliveryMeasurement[] = [];
  for (let i = 0; i < samples; i++) measured.push(await measure());
  return measured.sort((x, y) => x.perSecond - y.perSecond)[samples >> 1]!;
}

/**
 * Grows the subscribers of the fan-out topic on `subscriberUrl` to `n`, then measures broadcasts
 * made by `sender` (the same node, or node A when the subscribers are on B): a warm-up, bursts of
 * one and of ten broadcasts per turn (median of `BURST_SAMPLES`), single broadcasts on an idle
 * server, and paced broadcasts.
 */
export async function measureTopology(
  config: BenchConfig,
  sender: ServerProcess,
  subscriberUrl: string,
  clients: ClientPool,
  n: number,
): Promise<TopologyFigures> {
  const added = n - clients.size;
  const batch = await clients.grow(subscriberUrl, n, FANOUT_TOPIC);
  if (batch.failed > 0) throw new Error(`${batch.failed} of ${added} sockets failed to connect/join: ${batch.firstError}`);
  await sleep(SUBSCRIBE_SETTLE_MS);

  const burstOf = (deliveries: number, perTurn = 1) => {
    const turns = Math.max(1, Math.round(deliveries / (n * perTurn)));
    return measureDeliveries(sender, clients, turns * perTurn, { latency: false }, (timeoutMs) =>
      sender.burst(FANOUT_TOPIC, turns, perTurn, timeoutMs),
    );
  };
  await burstOf(config.warmupDeliveries);
  const burst = await medianOf(BURST_SAMPLES, () => burstOf(config.deliveries));
  const burst10 = await medianOf(BURST_SAMPLES, () => burstOf(config.deliveries, 10));

  const idle: number[] = [];
  for (let i = 0; i < config.idleSamples; i++) {
    await sleep(50);
    idle.push((await burstOf(0)).elapsedMs);
  }

  const intervalMs = (n / config.pacedDeliveriesPerSecond) * 1000;
  const paced = await measureDeliveries(sender, clients, config.pacedCount, { latency: true }, (timeoutMs) =>
    sender.paced(FANOUT_TOPIC, config.pacedCount, intervalMs, timeoutMs),
  );
  return { burst, burst10, idleReachMs: median(idle), paced };
}
