import { sleep } from '../harness/clock.js';
import { INBOUND_SERVERS, type InboundServerKind } from '../inbound/inbound-kinds.js';
import { InboundClientProcess, InboundServerProcess } from '../inbound/inbound-processes.js';
import type { LoopCounts } from '../inbound/request-loop.js';

export interface InboundConfig {
  mode: 'full' | 'quick';
  servers: readonly InboundServerKind[];
  passes: number;
  /** Connected clients per server. */
  clientCounts: number[];
  /** Requests outstanding per client: 1 is a closed loop, 10 a pipelining client. */
  depths: number[];
  /** Sending before the window opens (JIT, buffers), per depth. */
  warmupMs: number;
  windowMs: number;
}

export const INBOUND_FULL: InboundConfig = { mode: 'full', servers: INBOUND_SERVERS, passes: 3, clientCounts: [100, 1000], depths: [1, 10], warmupMs: 1000, windowMs: 4000 };
export const INBOUND_QUICK: InboundConfig = { mode: 'quick', servers: INBOUND_SERVERS, passes: 1, clientCounts: [100], depths: [1, 10], warmupMs: 500, windowMs: 2000 };

/** How long the last replies may take once the clients stop sending. */
const DRAIN_TIMEOUT_MS = 15_000;

/** One server at one client count and depth, in one pass. */
export interface InboundFigure {
  server: InboundServerKind;
  pass: number;
  clients: number;
  depth: number;
  repliesPerSecond: number;
  /** Server CPU (user + kernel) per reply within the window, µs. */
  serverCpuMicrosPerReply: number;
  /** The whole run, warm-up and drain included: sent must equal replied, and none failed. */
  counts: LoopCounts;
  error: string | null;
}

export interface InboundOutcome {
  config: InboundConfig;
  figures: InboundFigure[];
  seconds: number;
}

/** Sends at `depth` on every client, measures one window, then stops and checks the counts. */
async function measureDepth(server: InboundServerProcess, clients: InboundClientProcess, depth: number, config: InboundConfig) {
  await clients.start(depth);
  await sleep(config.warmupMs);
  const [cpuBefore, before] = await Promise.all([server.cpuMicros(), clients.mark()]);
  await sleep(config.windowMs);
  const [cpuAfter, after] = await Promise.all([server.cpuMicros(), clients.mark()]);
  const counts = await clients.stop(DRAIN_TIMEOUT_MS);
  const replies = after.replies - before.replies;
  const error =
    counts.sent !== counts.replied ? `sent ${counts.sent}, replied ${counts.replied}` : counts.failed > 0 ? `${counts.failed} error replies` : null;
  return {
    repliesPerSecond: replies / ((after.at - before.at) / 1e6),
    serverCpuMicrosPerReply: replies > 0 ? (cpuAfter - cpuBefore) / replies : 0,
    counts,
    error,
  };
}

/** One server in fresh processes: its clients connect, then each depth is measured in turn. */
async function measureServer(kind: InboundServerKind, clientCount: number, pass: number, config: InboundConfig, log: (line: string) => void) {
  const figures: InboundFigure[] = [];
  const server = await InboundServerProcess.start(kind);
  let clients: InboundClientProcess | null = null;
  try {
    clients = await InboundClientProcess.connect(server, clientCount);
    for (const depth of config.depths) {
      const figure = { server: kind, pass, clients: clientCount, depth, ...(await measureDepth(server, clients, depth, config)) };
      log(`  ${kind} C=${clientCount} depth ${depth}: ${Math.round(figure.repliesPerSecond)} replies/s, ${figure.serverCpuMicrosPerReply.toFixed(1)} µs/reply${figure.error ? `, ERROR ${figure.error}` : ''}`);
      figures.push(figure);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`  ${kind} C=${clientCount}: ERROR ${message}`);
    for (const depth of config.depths.filter((d) => !figures.some((f) => f.depth === d))) {
      figures.push({ server: kind, pass, clients: clientCount, depth, repliesPerSecond: 0, serverCpuMicrosPerReply: 0, counts: { sent: 0, replied: 0, failed: 0 }, error: message });
    }
  } finally {
    await clients?.close();
    await server.stop();
  }
  return figures;
}

/**
 * `--inbound`: the five servers answering a validated chat message, each pass with fresh
 * processes, the order rotating from pass to pass so that a slow moment does not always hit the
 * same server; the report's ratios are taken within each pass.
 */
export async function runInbound(config: InboundConfig, log: (line: string) => void): Promise<InboundOutcome> {
  const started = Date.now();
  const figures: InboundFigure[] = [];
  for (let pass = 0; pass < config.passes; pass++) {
    for (const clientCount of config.clientCounts) {
      const { servers } = config;
      const order = servers.map((_, i) => servers[(i + pass) % servers.length]!);
      log(`pass ${pass + 1}/${config.passes}, C = ${clientCount}: ${order.join(', ')}`);
      for (const kind of order) figures.push(...(await measureServer(kind, clientCount, pass, config, log)));
    }
  }
  return { config, figures, seconds: (Date.now() - started) / 1000 };
}
