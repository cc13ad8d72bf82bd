import type { ClientPool } from '../harness/client-pool.js';
import { sleep } from '../harness/clock.js';
import { FANOUT_TOPIC } from '../harness/payload.js';
import { median } from '../harness/stats.js';
import type { ServerProcess } from '../harness/server-process.js';
import type { SendWindow } from '../servers/broadcast-driver.js';

/** One measured schedule of broadcasts, end to end (server call to last arrival). */
export interface DeliveryMeasurement {
  expected: number;
  delivered: number;
  /** From the first broadcast call to the last arrival, in ms. */
  elapsedMs: number;
  perSecond: number;
  /** Server CPU (user + kernel) per delivery, in µs, and the kernel's share of it. */
  serverCpuUsPerDelivery: number;
  serverKernelShare: number;
  /** Server CPU time over elapsed time: near 1, the server is the bottleneck; well below, the clients are. */
  serverBusyShare: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
}

/** Generous: a server slower than 2000 deliveries/s is reported as incomplete, not waited for. */
function timeoutFor(deliveries: number): number {
  return 15_000 + deliveries / 2;
}

/**
 * Arms the clients for `perSocket` broadcasts each, lets `send` trigger them in the server,
 * and waits until every socket has them all.
 */
export async function measureDeliveries(
  server: ServerProcess,
  clients: ClientPool,
  perSocket: number,
  options: { latency: boolean },
  send: (timeoutMs: number) => Promise<SendWindow>,
): Promise<DeliveryMeasurement> {
  const expected = perSocket * clients.size;
  const timeoutMs = timeoutFor(expected);
  await clients.arm(perSocket, options.latency);
  const before = await server.cpu();
  const [window, arrivals] = await Promise.all([send(timeoutMs), clients.done(timeoutMs)]);
  const after = await server.cpu();
  if (arrivals.received < expected) {
    throw new Error(`${server.kind}: ${arrivals.received} of ${expected} deliveries arrived within ${timeoutMs} ms`);
  }
  const elapsedMs = (arrivals.lastArrival - window.t0) / 1000;
  const user = after.user - before.user;
  const system = after.system - before.system;
  const toMs = (micros: number | null) => (micros === null ? null : micros / 1000);
  return {
    expected,
    delivered: arrivals.received,
    elapsedMs,
    perSecond: arrivals.received / (elapsedMs / 1000),
    serverCpuUsPerDelivery: (user + system) / arrivals.received,
    serverKernelShare: system / Math.max(1, user + system),
    serverBusyShare: (user + system) / 1000 / elapsedMs,
    latencyP50Ms: toMs(arrivals.latency?.percentile(0.5) ?? null),
    latencyP99Ms: toMs(arrivals.latency?.percentile(0.99) ?? null),
  };
}

/** Turns of `perTurn` broadcasts needed for about `deliveries` deliveries at N, at least one. */
function turnsFor(deliveries: number, n: number, perTurn: number): number {
  return Math.max(1, Math.round(deliveries / (n * perTurn)));
}

/**
 * `perTurn` broadcasts per event-loop turn on the fan-out topic, back to back, about `deliveries`
 * in all (one turn at least: `deliveries` 0 times a single broadcast).
 */
export function measureBurst(server: ServerProcess, clients: ClientPool, perTurn: number, deliveries: number): Promise<DeliveryMeasurement> {
  const turns = turnsFor(deliveries, clients.size, perTurn);
  return measureDeliveries(server, clients, turns * perTurn, { latency: false }, (timeoutMs) =>
    server.burst(FANOUT_TOPIC, turns, perTurn, timeoutMs),
  );
}

/** `count` broadcasts on the fan-out topic on a fixed schedule, `deliveriesPerSecond` offered: latency of every delivery. */
export function measurePaced(server: ServerProcess, clients: ClientPool, count: number, deliveriesPerSecond: number): Promise<DeliveryMeasurement> {
  const intervalMs = (clients.size / deliveriesPerSecond) * 1000;
  return measureDeliveries(server, clients, count, { latency: true }, (timeoutMs) =>
    server.paced(FANOUT_TOPIC, count, intervalMs, timeoutMs),
  );
}

/** The median time (ms) for one broadcast to reach every subscriber, each sent to a server idle for 50 ms. */
export async function measureIdleReach(server: ServerProcess, clients: ClientPool, samples: number): Promise<number> {
  const elapsed: number[] = [];
  for (let i = 0; i < samples; i++) {
    await sleep(50);
    elapsed.push((await measureBurst(server, clients, 1, 0)).elapsedMs);
  }
  return median(elapsed);
}
