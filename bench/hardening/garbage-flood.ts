import WebSocket from 'ws';
import { MALFORMED_FRAMES } from './malformed-frames.js';

/** Frames one connection sends before waiting for their heartbeats. */
const BURST = 20;

/** What the flood saw: frames the server handled, and how it answered them. */
export interface FloodTally {
  sent: number;
  errorReplies: number;
  /** Close code -> connections the server closed with it. */
  closeCodes: Record<number, number>;
  /** Connections still open when their quota ran out (closed by the client). */
  openAtEnd: number;
}

export interface FloodPlan {
  url: string;
  /** Frames over all connections. */
  total: number;
  /** Connections sending at once; a closed one is replaced. */
  connections: number;
  /** The garbage is spread over about this long. */
  paceMs: number;
  /** Index of the first frame in `MALFORMED_FRAMES`, so that a warm-up and the flood cycle alike. */
  offset?: number;
}

/** Sends `plan.total` malformed frames over `plan.connections` connections and tallies the answers. */
export async function flood(plan: FloodPlan): Promise<FloodTally> {
  const tally: FloodTally = { sent: 0, errorReplies: 0, closeCodes: {}, openAtEnd: 0 };
  const perSlot = Math.ceil(plan.total / plan.connections);
  await Promise.all(Array.from({ length: plan.connections }, (_, slot) => runSlot(plan, (plan.offset ?? 0) + slot, perSlot, tally)));
  return tally;
}

/**
 * One connection slot: sends its share of garbage, each frame followed by a heartbeat. A
 * heartbeat reply proves the frame before it was handled without a close; a close is charged
 * to the first frame not yet acknowledged, and the next connection goes on from the frame after.
 */
async function runSlot(plan: FloodPlan, first: number, quota: number, tally: FloodTally): Promise<void> {
  let next = first;
  let remaining = quota;
  const started = Date.now();
  while (remaining > 0) {
    const ws = new WebSocket(plan.url);
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
      // Spread the slot's quota over the flood's duration instead of saturating the server's core.
      const due = started + ((quota - remaining + acknowledged) / quota) * plan.paceMs;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
    }
    const processed = closeCode === null ? acknowledged : acknowledged + 1;
    if (closeCode === null) {
      tally.openAtEnd++;
      ws.close(1000);
    } else {
      tally.closeCodes[closeCode] = (tally.closeCodes[closeCode] ?? 0) + 1;
    }
    remaining -= processed;
    next += processed;
    tally.sent += processed;
  }
}
