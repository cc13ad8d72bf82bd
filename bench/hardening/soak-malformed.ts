import WebSocket from 'ws';
import { CloseCode } from '../../lib/index.js';
import { Chatters } from './chatters.js';
import { MALFORMED_FRAMES } from './malformed-frames.js';
import { mb, MB, SoakServer } from './soak-server.js';
import type { SoakReport } from './soak-report.js';

const TOTAL_FRAMES = 100_000;
const CONNECTIONS = 100;
const CHATTERS = 10;
const CLEAN_PHASE_MS = 8000;
/** Frames one connection sends before waiting for their heartbeats. */
const BURST = 20;
/** The garbage is spread over this long. */
const FLOOD_MS = 30_000;

const DOCUMENTED_CODES = new Set<number>(Object.values(CloseCode));

interface SlotTally {
  sent: number;
  errorReplies: number;
  closeCodes: Map<number, number>;
  openAtEnd: number;
}

/**
 * Item 7: 100,000 malformed frames over 100 connections (a closed connection is replaced) while
 * healthy clients chat. The rate limit is off so that every frame reaches the decoder.
 */
export async function soakMalformed(report: SoakReport): Promise<void> {
  const server = await SoakServer.start({ rateLimit: false });
  const chatters = await Chatters.start(server.websocketUrl, CHATTERS, 20);
  try {
    chatters.enter('warm-up');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = await server.snapshot();
    chatters.enter('clean');
    await new Promise((resolve) => setTimeout(resolve, CLEAN_PHASE_MS));

    chatters.enter('garbage');
    const tally: SlotTally = { sent: 0, errorReplies: 0, closeCodes: new Map(), openAtEnd: 0 };
    const started = Date.now();
    const perSlot = TOTAL_FRAMES / CONNECTIONS;
    await Promise.all(Array.from({ length: CONNECTIONS }, (_, slot) => runSlot(server.websocketUrl, slot, perSlot, FLOOD_MS, tally)));
    const floodMs = Date.now() - started;
    chatters.enter('after');
    const after = await server.snapshot();

    const codes = [...tally.closeCodes.entries()].sort(([a], [b]) => a - b);
    const undocumented = codes.filter(([code]) => !DOCUMENTED_CODES.has(code));
    const growth = after.rss - before.rss;
    const ratio = chatters.p99('garbage') / chatters.p99('clean');
    const closes = codes.reduce((sum, [, count]) => sum + count, 0);
    report.line(`malformed: ${tally.sent} frames handled by the server in ${(floodMs / 1000).toFixed(1)} s over ${CONNECTIONS} slots: ` +
      `${tally.errorReplies} error replies + ${closes} closes`);
    report.line(`malformed: server close codes per connection: ${codes.map(([code, n]) => `${code} x${n}`).join(', ') || 'none'}; ` +
      `${tally.openAtEnd} connection(s) still open at the end (closed by the client)`);
    report.line(`malformed: server RSS ${mb(before.rss)} -> ${mb(after.rss)} (growth ${mb(growth)}), heap ${mb(before.heapUsed)} -> ${mb(after.heapUsed)}`);
    report.line(`malformed: ({}).polluted = ${JSON.stringify(after.polluted)}, Object.prototype keys ${JSON.stringify(after.prototypeKeys)}`);
    report.line(`malformed: healthy p99 ${chatters.p99('clean').toFixed(2)} ms clean (${chatters.count('clean')} round trips) vs ` +
      `${chatters.p99('garbage').toFixed(2)} ms under garbage (${chatters.count('garbage')}); ratio ${ratio.toFixed(2)}`);
    report.check('malformed: every close code is documented', undocumented.length === 0, JSON.stringify(undocumented));
    report.check('malformed: every frame reached the server', tally.sent >= TOTAL_FRAMES, String(tally.sent));
    report.check('malformed: every frame got an error reply or a close', tally.errorReplies + closes === tally.sent, `${tally.errorReplies + closes}/${tally.sent}`);
    report.check('malformed: RSS grows < 20 MB', growth < 20 * MB, mb(growth));
    report.check('malformed: no prototype pollution', after.polluted === null && after.prototypeKeys.length === 0, String(after.polluted));
    report.check('malformed: healthy p99 within 10% of the clean phase', ratio <= 1.1, ratio.toFixed(2));
  } finally {
    await chatters.stop();
    await server.stop();
  }
}

/**
 * One of the 100 connections: sends its share of garbage, each frame followed by a heartbeat. A
 * heartbeat reply proves the frame before it was handled without a close; a close is charged
 * to the first frame not yet acknowledged, and the next connection goes on from the frame after.
 */
async function runSlot(url: string, slot: number, quota: number, paceMs: number, tally: SlotTally): Promise<void> {
  let next = slot;
  let remaining = quota;
  const started = Date.now();
  while (remaining > 0) {
    const ws = new WebSocket(url);
    ws.on('error', () => undefined);
    let acknowledged = 0;
    let closeCode: number | null = null;
    let wake = () => {};
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const text = isBinary ? '' : data.toString();
      if (text.includes('"hb')) acknowledged++;
      else if (text.includes('"error"')) tally.errorReplies++;
      wake();
    });
    ws.once('close', (code) => ((closeCode = code), wake()));
    const opened = await new Promise<boolean>((resolve) => (ws.once('open', () => resolve(true)), ws.once('close', () => resolve(false))));
    if (!opened) continue;
    let sent = 0;
    while (remaining - sent > 0 && closeCode === null) {
      const burst = Math.min(BURST, remaining - sent);
      for (let i = 0; i < burst; i++, sent++) {
        const frame = MALFORMED_FRAMES[(next + sent) % MALFORMED_FRAMES.length]!;
        ws.send(frame.data, { binary: Buffer.isBuffer(frame.data) }, () => undefined);
        ws.send(JSON.stringify([null, `hb${sent}`, 'phoenix', 'heartbeat', {}]), () => undefined);
      }
      while (acknowledged < sent && closeCode === null) await new Promise<void>((resolve) => (wake = resolve));
      // Spread the slot's quota over the flood's duration instead of saturating both cores.
      const due = started + ((quota - remaining + acknowledged) / quota) * paceMs;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
    }
    const processed = closeCode === null ? acknowledged : acknowledged + 1;
    if (closeCode === null) {
      tally.openAtEnd++;
      ws.close(1000);
    } else {
      tally.closeCodes.set(closeCode, (tally.closeCodes.get(closeCode) ?? 0) + 1);
    }
    remaining -= processed;
    next += processed;
    tally.sent += processed;
  }
}
