import type { ServerKind } from './servers/bench-server.interface.js';

/** Everything that differs between `npm run bench` and `npm run bench -- --quick`. */
export interface BenchConfig {
  mode: 'full' | 'quick';
  servers: ServerKind[];
  /** Repetitions; each starts every server and client process afresh. */
  passes: number;
  /** Subscriber counts, measured in this order on the same server process (sockets are added between steps). */
  sizes: number[];
  /** Deliveries (broadcasts x subscribers) per throughput measurement, and per warm-up. */
  deliveries: number;
  warmupDeliveries: number;
  /** Single broadcasts sent to an idle server to time reaching all N; the median is kept. */
  idleSamples: number;
  /** Paced broadcasts per latency measurement, sent at this many deliveries per second. */
  pacedCount: number;
  pacedDeliveriesPerSecond: number;
}

/** The order servers appear in tables; the first is the baseline of every ratio. */
export const ALL_SERVERS: ServerKind[] = ['ws-prebuilt', 'nestjs-channels', 'ws-send', 'socketio'];
export const BASELINE: ServerKind = 'ws-prebuilt';

export const FULL: BenchConfig = {
  mode: 'full',
  servers: ALL_SERVERS,
  passes: 3,
  sizes: [1000, 5000, 10_000, 19_000],
  deliveries: 50_000,
  warmupDeliveries: 10_000,
  idleSamples: 5,
  pacedCount: 5,
  pacedDeliveriesPerSecond: 30_000,
};

export const QUICK: BenchConfig = {
  ...FULL,
  mode: 'quick',
  sizes: [1000, 2000],
  deliveries: 15_000,
  warmupDeliveries: 4000,
  idleSamples: 3,
};

/** Where the memory-per-connection target is read: 10k as in the issue, or the largest size measured. */
export function memoryHeadlineSize(config: BenchConfig): number {
  return config.sizes.includes(10_000) ? 10_000 : Math.max(...config.sizes);
}
