import WebSocket from 'ws';
import { LogHistogram } from '../harness/log-histogram.js';
import { RawWebSocket } from './raw-websocket.js';
import { mb, MB, SoakServer } from './soak-server.js';
import type { SoakReport } from './soak-report.js';

const TOPIC = 'soak:busy';
const HEALTHY = 10;
const PHASE_MS = 12_000;
/** 2,000 broadcasts/s of ~1 KB: about 2 MB/s to every subscriber. */
const PACE = { topic: TOPIC, perTick: 20, tickMs: 10, bytes: 1024 };

/**
 * Item 14: healthy subscribers on a busy topic, first alone, then with one subscriber that
 * never reads. It must be dropped once its buffer passes the cap (default 1 MiB), the server's
 * RSS must stay bounded, and the healthy subscribers' p99 must stay within 10% of the first phase.
 */
export async function soakSlowConsumer(report: SoakReport): Promise<void> {
  const server = await SoakServer.start({ rateLimit: false });
  const sockets: WebSocket[] = [];
  const phases = new Map<string, LogHistogram>([['clean', new LogHistogram()], ['slow', new LogHistogram()]]);
  let phase = 'warm-up';
  try {
    for (let i = 0; i < HEALTHY; i++) sockets.push(await healthySubscriber(server.websocketUrl, (micros) => phases.get(phase)?.record(micros)));
    await server.paced({ ...PACE, durationMs: 2000 });
    const before = await server.snapshot();

    // Both phases poll the server's connection count alike, so the polling cancels out.
    let pollCount = (_connections: number) => {};
    const watch = setInterval(async () => pollCount(await server.connections()), 250);
    phase = 'clean';
    const clean = await server.paced({ ...PACE, durationMs: PHASE_MS });

    const stalled = await RawWebSocket.open(server.port);
    await stalled.request(['1', '1', TOPIC, 'phx_join', {}]);
    stalled.tcp.pause();
    const joinedAt = Date.now();
    phase = 'slow';
    const slowRun = server.paced({ ...PACE, durationMs: PHASE_MS });
    let droppedAfterMs: number | null = null;
    stalled.tcp.once('close', () => (droppedAfterMs = Date.now() - joinedAt));
    // A paused socket sees no 'close' until it reads again; the server's count tells instead.
    pollCount = (connections) => {
      if (droppedAfterMs === null && connections === HEALTHY) droppedAfterMs = Date.now() - joinedAt;
    };
    const slow = await slowRun;
    clearInterval(watch);
    phase = 'done';
    const after = await server.snapshot();
    stalled.tcp.destroy();

    const p99 = (name: string) => (phases.get(name)!.percentile(0.99) ?? NaN) / 1000;
    const ratio = p99('slow') / p99('clean');
    const healthyOpen = sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length;
    report.line(`slow consumer: dropped ${droppedAfterMs === null ? 'never' : `${droppedAfterMs} ms after it stopped reading`}; ` +
      `server connections at the end ${after.connections} (healthy ${healthyOpen}/${HEALTHY} open)`);
    report.line(`slow consumer: server RSS after GC ${mb(before.rss)} -> ${mb(after.rss)}; peak RSS ${mb(clean.peakRss)} without, ${mb(slow.peakRss)} with the slow consumer`);
    report.line(`slow consumer: healthy delivery p99 ${p99('clean').toFixed(2)} ms without (${phases.get('clean')!.count} deliveries) vs ` +
      `${p99('slow').toFixed(2)} ms with the slow consumer (${phases.get('slow')!.count}); ratio ${ratio.toFixed(2)}`);
    report.check('slow consumer: dropped past the cap', droppedAfterMs !== null && after.connections === HEALTHY, String(droppedAfterMs));
    report.check('slow consumer: healthy subscribers stay connected', healthyOpen === HEALTHY, `${healthyOpen}/${HEALTHY}`);
    report.check('slow consumer: server peak RSS grows < 20 MB over the clean phase', slow.peakRss - clean.peakRss < 20 * MB, mb(slow.peakRss - clean.peakRss));
    report.check('slow consumer: healthy p99 within 10% of the run without it', ratio <= 1.1, ratio.toFixed(2));
  } finally {
    for (const ws of sockets) ws.close();
    await server.stop();
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
  return ws;
}
