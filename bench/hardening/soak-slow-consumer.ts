import WebSocket from 'ws';
import { LogHistogram } from '../harness/log-histogram.js';
import { RawWebSocket } from './raw-websocket.js';
import { mb, MB, SoakServer } from './soak-server.js';
import type { SoakReport } from './soak-report.js';

const TOPIC = 'soak:busy';
const HEALTHY = 10;
/**
 * Phases alternate, without and with a slow consumer, so that the machine's slow moments fall on
 * both alike; the p99s compared are those of all rounds' phases pooled. Six rounds rather than
 * three: with three, the ratio ranged 0.77–1.17 over six runs on this box.
 */
const ROUNDS = 6;
const PHASE_MS = 6000;
const HEARTBEAT_MS = 30_000;
/** 2,000 broadcasts/s of ~1 KB: about 2 MB/s to every subscriber. */
const PACE = { topic: TOPIC, perTick: 20, tickMs: 10, bytes: 1024 };

/**
 * Item 14: healthy subscribers on a busy topic, alone, then with one subscriber that never reads,
 * in alternating rounds. Each slow consumer must be dropped once its buffer passes the cap
 * (default 1 MiB), the server's RSS must stay bounded, and the healthy subscribers' p99 must stay
 * within 10% of the phases without it.
 */
export async function soakSlowConsumer(report: SoakReport): Promise<void> {
  const server = await SoakServer.start({ rateLimit: false });
  const sockets: WebSocket[] = [];
  const phases = new Map<string, LogHistogram>([['clean', new LogHistogram()], ['slow', new LogHistogram()]]);
  let phase = 'warm-up';
  /** The same samples per round too, to show how far rounds differ. */
  const rounds: Array<Map<string, LogHistogram>> = [];
  const record = (micros: number) => {
    phases.get(phase)?.record(micros);
    rounds.at(-1)?.get(phase)?.record(micros);
  };
  try {
    for (let i = 0; i < HEALTHY; i++) sockets.push(await healthySubscriber(server.websocketUrl, record));
    await server.paced({ ...PACE, durationMs: 2000 });
    const before = await server.snapshot();
    const drops: Array<number | null> = [];
    let cleanPeak = 0;
    let slowPeak = 0;
    // Round -1 is a warm-up: the first stalled consumer grows the server's memory once to hold
    // its unsent megabyte (page faults, GC), which no later round repeats.
    for (let round = -1; round < ROUNDS; round++) {
      const measured = round >= 0;
      if (measured) rounds.push(new Map([['clean', new LogHistogram()], ['slow', new LogHistogram()]]));
      phase = measured ? 'clean' : 'warm-up';
      cleanPeak = Math.max(cleanPeak, (await server.paced({ ...PACE, durationMs: PHASE_MS })).peakRss);
      const stalled = await RawWebSocket.open(server.port);
      await stalled.request(['1', '1', TOPIC, 'phx_join', {}]);
      stalled.tcp.pause();
      phase = measured ? 'slow' : 'warm-up';
      const slow = await slowPhase(server, stalled);
      drops.push(slow.droppedAfterMs);
      slowPeak = Math.max(slowPeak, slow.peakRss);
      stalled.tcp.destroy();
    }
    phase = 'done';
    const after = await server.snapshot();

    const p99 = (name: string, from = phases) => (from.get(name)!.percentile(0.99) ?? NaN) / 1000;
    const ratio = p99('slow') / p99('clean');
    const healthyOpen = sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length;
    const allDropped = drops.every((ms) => ms !== null);
    report.line(`slow consumer: a warm-up round, then ${ROUNDS} rounds of ${PHASE_MS / 1000} s without, then ${PHASE_MS / 1000} s with a consumer that stopped reading; ` +
      `each dropped after ${drops.map((ms) => (ms === null ? 'never' : `${ms} ms`)).join(', ')}; server connections at the end ${after.connections} (healthy ${healthyOpen}/${HEALTHY} open)`);
    report.line(`slow consumer: server RSS after GC ${mb(before.rss)} -> ${mb(after.rss)}; peak RSS ${mb(cleanPeak)} without, ${mb(slowPeak)} with the slow consumer`);
    report.line(`slow consumer: healthy delivery p99 ${p99('clean').toFixed(2)} ms without (${phases.get('clean')!.count} deliveries) vs ` +
      `${p99('slow').toFixed(2)} ms with the slow consumer (${phases.get('slow')!.count}); ratio ${ratio.toFixed(2)}`);
    report.line(`slow consumer: p99 per round (without / with): ${rounds.map((r) => `${p99('clean', r).toFixed(2)} / ${p99('slow', r).toFixed(2)} ms`).join(', ')}`);
    report.check('slow consumer: dropped past the cap', allDropped && after.connections === HEALTHY, drops.join(', '));
    report.check('slow consumer: healthy subscribers stay connected', healthyOpen === HEALTHY, `${healthyOpen}/${HEALTHY}`);
    report.check('slow consumer: server peak RSS grows < 20 MB over the phases without it', slowPeak - cleanPeak < 20 * MB, mb(slowPeak - cleanPeak));
    report.check('slow consumer: healthy p99 within 10% of the phases without it', ratio <= 1.1, ratio.toFixed(2));
  } finally {
    for (const ws of sockets) ws.close();
    await server.stop();
  }
}

/**
 * One phase of paced broadcasts with `stalled` joined and not reading; resolves with how long the
 * server took to drop it. A paused socket sees no 'close' until it reads again, so the server's
 * connection count tells instead.
 */
async function slowPhase(server: SoakServer, stalled: RawWebSocket): Promise<{ droppedAfterMs: number | null; peakRss: number }> {
  const joinedAt = Date.now();
  let droppedAfterMs: number | null = null;
  const watch = setInterval(async () => {
    if (droppedAfterMs === null && (await server.connections()) === HEALTHY) droppedAfterMs = Date.now() - joinedAt;
  }, 250);
  try {
    const { peakRss } = await server.paced({ ...PACE, durationMs: PHASE_MS });
    return { droppedAfterMs, peakRss };
  } finally {
    clearInterval(watch);
  }
}

/** Joins `TOPIC` and records each broadcast's delivery latency (µs, from the server's timestamp). */
async function healthySubscriber(url: string, record: (micros: number) => void): Promise<WebSocket> {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  const joined = new Promise<void>((resolve) => {
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as [unknown, unknown, string, string, { at?: number }];
      if (frame[3] === 'phx_reply') return resolve();
      if (frame[3] === 'tick' && frame[4].at) record(Math.round((performance.timeOrigin + performance.now()) * 1000) - frame[4].at);
    });
  });
  ws.send(JSON.stringify(['1', '1', TOPIC, 'phx_join', {}]));
  await joined;
  // Heartbeats, as the phoenix client sends them, keep the soak's sockets past the idle timeout.
  const heartbeats = setInterval(() => ws.send(JSON.stringify([null, 'hb', 'phoenix', 'heartbeat', {}])), HEARTBEAT_MS);
  ws.once('close', () => clearInterval(heartbeats));
  return ws;
}
