import type { FanoutStep } from '../scenarios/fanout-step.js';
import type { ServerPassResult } from '../scenarios/server-pass.js';

/** A number read from one server's pass at one subscriber count. */
export interface Metric {
  title: string;
  unit: string;
  /** What the column means, printed under the table. */
  explanation: string;
  higherIsBetter: boolean;
  read(result: ServerPassResult, n: number): number | null;
}

function atStep(read: (step: FanoutStep) => number | null): Metric['read'] {
  return (result, n) => {
    const step = result.steps.find((candidate) => candidate.n === n);
    return step ? read(step) : null;
  };
}

export const METRICS = {
  fanout: {
    title: 'Fan-out throughput, one broadcast per event-loop turn',
    unit: 'deliveries/s',
    explanation:
      'Broadcasts sent back to back, one per event-loop turn, to N subscribers of one topic; deliveries (broadcasts x N) ' +
      'divided by the time from the first broadcast call to the last arrival at any client.',
    higherIsBetter: true,
    read: atStep((step) => step.burst.perSecond),
  },
  burst10: {
    title: 'Fan-out throughput, bursts of 10 broadcasts per event-loop turn',
    unit: 'deliveries/s',
    explanation:
      'Same, with ten broadcasts in each event-loop turn: a server that coalesces the writes to one socket in a turn ' +
      '(cork/uncork, writev) pays one syscall for ten deliveries.',
    higherIsBetter: true,
    read: atStep((step) => step.burst10.perSecond),
  },
  cpu: {
    title: 'Server CPU per delivery, one broadcast per turn',
    unit: 'µs',
    explanation: 'User + kernel CPU time of the server process during the fan-out measurement, divided by deliveries.',
    higherIsBetter: false,
    read: atStep((step) => step.burst.serverCpuUsPerDelivery),
  },
  kernelShare: {
    title: 'Kernel share of server CPU, one broadcast per turn',
    unit: '%',
    explanation: 'System time over user + system time, same window: mostly one write syscall per delivery.',
    higherIsBetter: false,
    read: atStep((step) => step.burst.serverKernelShare * 100),
  },
  busy: {
    title: 'Server CPU busy during the fan-out measurement, one broadcast per turn',
    unit: '%',
    explanation:
      'Server CPU time over the measurement window. Near 100%, the server is the bottleneck; well below, the ' +
      'single client core is, and the throughput above understates the server. (CPU is read over IPC just before ' +
      'and after the window, so a saturated server can show slightly over 100%.)',
    higherIsBetter: false,
    read: atStep((step) => step.burst.serverBusyShare * 100),
  },
  busy10: {
    title: 'Server CPU busy during the fan-out measurement, 10 broadcasts per turn',
    unit: '%',
    explanation: 'Same, for the bursts of 10 per turn.',
    higherIsBetter: false,
    read: atStep((step) => step.burst10.serverBusyShare * 100),
  },
  cpu10: {
    title: 'Server CPU per delivery, 10 broadcasts per turn',
    unit: 'µs',
    explanation: 'User + kernel CPU time of the server process during the bursts of 10, divided by deliveries.',
    higherIsBetter: false,
    read: atStep((step) => step.burst10.serverCpuUsPerDelivery),
  },
  idleReach: {
    title: 'Time for one broadcast to reach all N, idle server',
    unit: 'ms',
    explanation: 'One broadcast on an otherwise idle server: from the broadcast call to the last subscriber receiving it (median of several).',
    higherIsBetter: false,
    read: atStep((step) => step.idleReachMs),
  },
  p50: {
    title: 'Latency p50, paced broadcasts',
    unit: 'ms',
    explanation: 'Broadcasts paced at a fixed offered load (same for every server) so no backlog builds; latency of every delivery from the broadcast call to its arrival.',
    higherIsBetter: false,
    read: atStep((step) => step.paced.latencyP50Ms),
  },
  p99: {
    title: 'Latency p99, paced broadcasts',
    unit: 'ms',
    explanation: 'Same deliveries, 99th percentile.',
    higherIsBetter: false,
    read: atStep((step) => step.paced.latencyP99Ms),
  },
  rss: {
    title: 'Memory per idle joined connection, RSS',
    unit: 'KiB',
    explanation:
      'Server RSS after a full GC with N idle joined sockets, minus RSS after boot (also after GC), divided by N; ' +
      'read before the broadcasts at that N. Fixed costs (code warmed up by the first connections) weigh on small N.',
    higherIsBetter: false,
    read: atStep((step) => step.memory.rssKiBPerConnection),
  },
  heap: {
    title: 'Memory per idle joined connection, JS heap',
    unit: 'KiB',
    explanation: 'Same, V8 heap used.',
    higherIsBetter: false,
    read: atStep((step) => step.memory.heapKiBPerConnection),
  },
  connect: {
    title: 'Connect + join rate',
    unit: 'connections/s',
    explanation:
      'Sockets opened and joined to reach N from the previous size (200 handshakes in flight per client process); ' +
      'bounded by the single client core as much as by the server.',
    higherIsBetter: true,
    read: atStep((step) => step.connect.perSecond),
  },
  manyTopics: {
    title: 'Many topics: point-to-point pushes',
    unit: 'deliveries/s',
    explanation: 'Each socket also on a topic of its own; one broadcast to each of the N topics per event-loop turn.',
    higherIsBetter: true,
    read: (result, n) => (result.manyTopics?.n === n ? result.manyTopics.pushes.perSecond : null),
  },
  manyTopicsJoin: {
    title: 'Many topics: join rate of a second topic per socket',
    unit: 'joins/s',
    explanation: 'Every connected socket joining its own topic, as fast as acknowledged.',
    higherIsBetter: true,
    read: (result, n) => (result.manyTopics?.n === n ? result.manyTopics.joinsPerSecond : null),
  },
} satisfies Record<string, Metric>;

export type MetricKey = keyof typeof METRICS;
