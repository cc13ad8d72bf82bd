import { RawWebSocket } from './raw-websocket.js';
import { mb, SoakServer, type ServerSnapshot } from './soak-server.js';
import type { SoakReport } from './soak-report.js';

const CYCLES = 10_000;
const WARM_UP_CYCLES = 2000;
const CONCURRENCY = 50;
/** Each cycle joins one of these, tracked in Presence, so presences must come back to zero too. */
const PRESENCE_TOPICS = Array.from({ length: 10 }, (_, i) => `soak:presence:${i}`);

/**
 * Item 12: connect, join (tracked in Presence), then an abrupt TCP reset, 10,000 times; the
 * server's connections, topics, presences, active handles and heap must return to baseline.
 */
export async function soakResets(report: SoakReport): Promise<void> {
  const server = await SoakServer.start({ rateLimit: false });
  try {
    await runCycles(server.port, WARM_UP_CYCLES);
    const baseline = await settled(server);
    const started = Date.now();
    const failed = await runCycles(server.port, CYCLES);
    const cyclesMs = Date.now() - started;
    const after = await settled(server);

    const heapRatio = after.heapUsed / baseline.heapUsed;
    report.line(`resets: ${CYCLES} connect/join/RST cycles in ${(cyclesMs / 1000).toFixed(1)} s (${failed} failed)`);
    report.line(`resets: baseline ${describe(baseline)}`);
    report.line(`resets: after    ${describe(after)}`);
    report.line(`resets: heap after GC ${mb(baseline.heapUsed)} -> ${mb(after.heapUsed)} (${((heapRatio - 1) * 100).toFixed(1)}%), RSS ${mb(baseline.rss)} -> ${mb(after.rss)}`);
    report.check('resets: connections, topics and presences back to baseline',
      after.connections === baseline.connections && after.topics === baseline.topics && after.presences === 0,
      `${after.connections} connections, ${after.topics} topics, ${after.presences} presences`);
    report.check('resets: active resources back to baseline', sameCounts(baseline.resources, after.resources), JSON.stringify(after.resources));
    report.check('resets: heap within 5% of baseline after GC', heapRatio <= 1.05, `${((heapRatio - 1) * 100).toFixed(1)}%`);
    report.check('resets: every cycle completed', failed === 0, `${failed} failed`);
  } finally {
    await server.stop();
  }
}

/** Runs `count` cycles, `CONCURRENCY` at a time; returns how many failed. */
async function runCycles(port: number, count: number): Promise<number> {
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < count) {
      const cycle = next++;
      try {
        const socket = await RawWebSocket.open(port);
        await socket.request(['1', '1', PRESENCE_TOPICS[cycle % PRESENCE_TOPICS.length], 'phx_join', {}]);
        socket.reset();
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return failed;
}

/** A snapshot once the server has noticed every reset (no connections left), or after 10 s. */
async function settled(server: SoakServer): Promise<ServerSnapshot> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const snapshot = await server.snapshot(PRESENCE_TOPICS);
    if ((snapshot.connections === 0 && snapshot.presences === 0) || Date.now() > deadline) return snapshot;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function describe(snapshot: ServerSnapshot): string {
  return `${snapshot.connections} connections, ${snapshot.topics} PubSub topics, ${snapshot.presences} presences, ` +
    `resources ${JSON.stringify(snapshot.resources)}`;
}

function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  const kinds = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...kinds].every((kind) => (a[kind] ?? 0) === (b[kind] ?? 0));
}
