import type { ClientProtocol } from '../clients/bench-connection.interface.js';
import type { BenchConfig } from '../config.js';
import { withSession, type BenchSession } from '../harness/bench-session.js';
import { sleep } from '../harness/clock.js';
import { describeMachine, type MachineDescription } from '../harness/machine.js';
import { FANOUT_TOPIC } from '../harness/payload.js';
import type { ServerProcessOptions } from '../harness/server-process.js';
import type { ServerKind } from '../servers/bench-server.interface.js';
import type { SettledMemorySample } from '../servers/server-main.js';
import { measureBurst } from './measure-deliveries.js';
import { warmUp } from './measure-pairs.js';

/** The four servers of the issue, in its order: (a) ours compressed once, (b) ours uncompressed, (c) ws per socket, (d) ws pre-built. */
export const COMPRESSION_VARIANTS = ['compressed', 'uncompressed', 'wsDeflate', 'wsPrebuilt'] as const;
export type CompressionVariant = (typeof COMPRESSION_VARIANTS)[number];

/** `body` bytes that make the Phoenix V2 broadcast frame about 2 KB. */
export const COMPRESSION_BODY_BYTES = 1950;

/** Every client offers permessage-deflate and compresses what it sends, as browsers do; the servers that decline it send plain frames. */
const CLIENTS: ClientProtocol = 'phoenix-v2-deflate';

const SERVERS: Record<CompressionVariant, { kind: ServerKind; options: ServerProcessOptions }> = {
  compressed: { kind: 'nestjs-channels', options: { compression: true, bodyBytes: COMPRESSION_BODY_BYTES } },
  uncompressed: { kind: 'nestjs-channels', options: { bodyBytes: COMPRESSION_BODY_BYTES } },
  wsDeflate: { kind: 'ws-deflate', options: { bodyBytes: COMPRESSION_BODY_BYTES } },
  wsPrebuilt: { kind: 'ws-prebuilt', options: { bodyBytes: COMPRESSION_BODY_BYTES } },
};

/** One fan-out window of one variant. */
export interface CompressionSample {
  perSecond: number;
  serverCpuUsPerDelivery: number;
  /** Bytes the clients' TCP sockets read per delivery: frame headers and payload, compressed or not. */
  wireBytesPerDelivery: number;
}

export interface CompressionStep {
  n: number;
  /** Per round, one sample of each variant, measured back to back in a rotating order. */
  rounds: Array<Record<CompressionVariant, CompressionSample>>;
}

/** Memory of M idle joined connections (each sent its join compressed), then after one broadcast reached them. */
export interface IdleMemoryReading {
  variant: CompressionVariant;
  connections: number;
  before: SettledMemorySample;
  idle: SettledMemorySample;
  afterBroadcast: SettledMemorySample;
}

/** A whole `--compression` run, as saved in `bench/results/compression.json`. */
export interface CompressionOutcome {
  date: string;
  machine: MachineDescription;
  mode: BenchConfig['mode'];
  rounds: number;
  deliveriesPerWindow: number;
  messageBytes: number | null;
  steps: CompressionStep[];
  memory: IdleMemoryReading[];
  durationS: number;
  error: string | null;
}

/** Boots every variant's server and clients at once (each in fresh processes), runs `body`, stops them all. */
function withAllVariants<T>(maxSockets: number, body: (sessions: Record<CompressionVariant, BenchSession>) => Promise<T>): Promise<T> {
  const open = (index: number, sessions: Partial<Record<CompressionVariant, BenchSession>>): Promise<T> => {
    const variant = COMPRESSION_VARIANTS[index];
    if (variant === undefined) return body(sessions as Record<CompressionVariant, BenchSession>);
    const { kind, options } = SERVERS[variant];
    return withSession(kind, options, CLIENTS, maxSockets, (session) => open(index + 1, { ...sessions, [variant]: session }));
  };
  return open(0, {});
}

async function grow(session: BenchSession, n: number): Promise<void> {
  const batch = await session.clients.grow(session.server.baseUrl, n, FANOUT_TOPIC);
  if (batch.failed > 0) throw new Error(`${session.server.kind}: ${batch.failed} sockets failed to connect/join: ${batch.firstError}`);
}

async function sample(config: BenchConfig, { server, clients }: BenchSession): Promise<CompressionSample> {
  const bytesBefore = await clients.bytesRead();
  const measured = await measureBurst(server, clients, 1, config.deliveries);
  const wire = (await clients.bytesRead()) - bytesBefore;
  return { perSecond: measured.perSecond, serverCpuUsPerDelivery: measured.serverCpuUsPerDelivery, wireBytesPerDelivery: wire / measured.delivered };
}

/**
 * The four variants up at once, measured by turns: at each N, `rounds` rounds of one fan-out
 * window (one ~2 KB broadcast per event-loop turn) of each variant, back to back, the order
 * rotated every round; the ratios are taken within each round, as in `--paired`.
 */
async function measureFanout(config: BenchConfig, rounds: number, outcome: CompressionOutcome, log: (line: string) => void): Promise<void> {
  await withAllVariants(Math.max(...config.sizes), async (sessions) => {
    outcome.messageBytes = await sessions.uncompressed.server.messageBytes(FANOUT_TOPIC);
    for (const n of config.sizes) {
      for (const variant of COMPRESSION_VARIANTS) {
        await grow(sessions[variant], n);
        await warmUp(config, { sender: sessions[variant].server, clients: sessions[variant].clients });
      }
      const step: CompressionStep = { n, rounds: [] };
      outcome.steps.push(step);
      for (let round = 0; round < rounds; round++) {
        const order = COMPRESSION_VARIANTS.map((_, i) => COMPRESSION_VARIANTS[(i + round) % COMPRESSION_VARIANTS.length]!);
        const samples: Partial<Record<CompressionVariant, CompressionSample>> = {};
        for (const variant of order) samples[variant] = await sample(config, sessions[variant]);
        step.rounds.push(samples as Record<CompressionVariant, CompressionSample>);
        log(`  compression N=${n}: round ${round + 1}/${rounds}`);
      }
    }
  });
}

/** Fresh processes per reading: M idle connections of ours compressed, ours uncompressed and ws per socket, in alternating order. */
async function measureIdleMemory(connections: number, rounds: number, outcome: CompressionOutcome, log: (line: string) => void): Promise<void> {
  const variants: CompressionVariant[] = ['compressed', 'uncompressed', 'wsDeflate'];
  for (let round = 0; round < rounds; round++) {
    for (const variant of round % 2 === 0 ? variants : [...variants].reverse()) {
      const { kind, options } = SERVERS[variant];
      const reading = await withSession(kind, options, CLIENTS, connections, async (session) => {
        const before = await session.server.settledMemory();
        await grow(session, connections);
        const idle = await session.server.settledMemory();
        await measureBurst(session.server, session.clients, 1, 0);
        const afterBroadcast = await session.server.settledMemory();
        return { variant, connections, before, idle, afterBroadcast };
      });
      outcome.memory.push(reading);
      log(`  memory ${variant}: ${((reading.idle.rss - reading.before.rss) / connections).toFixed(0)} B RSS per idle connection`);
      await sleep(200);
    }
  }
}

export async function runCompression(config: BenchConfig, rounds: number, log: (line: string) => void): Promise<CompressionOutcome> {
  const started = Date.now();
  const outcome: CompressionOutcome = {
    date: new Date().toISOString(),
    machine: describeMachine(),
    mode: config.mode,
    rounds,
    deliveriesPerWindow: config.deliveries,
    messageBytes: null,
    steps: [],
    memory: [],
    durationS: 0,
    error: null,
  };
  try {
    log(`compression: four servers at once, N = ${config.sizes.join(', ')}, ${rounds} rounds each`);
    await measureFanout(config, rounds, outcome, log);
    await sleep(200);
    const connections = Math.max(...config.sizes);
    log(`compression: memory of ${connections} idle connections, 2 readings per variant`);
    await measureIdleMemory(connections, 2, outcome, log);
  } catch (error) {
    outcome.error = error instanceof Error ? error.message : String(error);
    log(`  compression: stopped early: ${outcome.error}`);
  }
  outcome.durationS = (Date.now() - started) / 1000;
  return outcome;
}
