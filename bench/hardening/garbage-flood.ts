import WebSocket from 'ws';
import { MALFORMED_FRAMES } from './malformed-frames.js';

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
  /** Send heartbeats instead of garbage: the control run, same connections and pace. */
  valid?: boolean;
}

const VALID_FRAME = { kind: 'heartbeat', data: JSON.stringify([null, 'valid', 'phoenix', 'heartbeat', {}]) };

/**
 * Sends `plan.total` malformed frames over `plan.connections` connections, as an even stream over
 * `plan.paceMs`, and tallies the answers.
 */
export async function flood(plan: FloodPlan): Promise<FloodTally> {
  const tally: FloodTally = { sent: 0, errorReplies: 0, closeCodes: {}, openAtEnd: 0 };
  const perSlot = Math.ceil(plan.total / plan.connections);
  const interval = plan.paceMs / perSlot;
  const started = Date.now();
  await Promise.all(Array.from({ length: plan.connections }, (_, slot) => {
    // Slots are staggered over one interval, so the garbage arrives as an even stream.
    const firstDue = started + (slot / plan.connections) * interval;
    return runSlot(plan, (plan.offset ?? 0) + slot, perSlot, { firstDue, interval }, tally);
  }));
  return tally;
}

/** When a slot's frames are due: the first at `firstDue`, then one every `interval` ms. */
interface SlotPace {
  firstDue: number;
  interval: number;
}

/**
 * One connection slot: sends its share of garbage at an even pace, one frame at a time, each
 * followed by a heartbeat. A
 * heartbeat reply proves the frame before it was handled without a close; a close is charged
 * to the first frame not yet acknowledged, and the next connection goes on from the frame after.
 */
async function runSlot(plan: FloodPlan, first: number, quota: number, pace: SlotPace, tally: FloodTally): Promise<void> {
  let next = first;
  let remaining = quota;
  const untilDue = (framesDone: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, pace.firstDue + framesDone * pace.interval - Date.now())));
  await untilDue(0);
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
      const frame = plan.valid ? VALID_FRAME : MALFORMED_FRAMES[(next + sent) % MALFORMED_FRAMES.length]!;
      ws.send(frame.data, { binary: Buffer.isBuffer(frame.data) }, () => undefined);
      ws.send(JSON.stringify([null, `hb${sent}`, 'phoenix', 'heartbeat', {}]), () => undefined);
      sent++;
      while (acknowledged < sent && closeCode === null) await new Promise<void>((resolve) => (wake = resolve));
      // An even stream over the flood's duration instead of saturating the server's core.
      if (closeCode === null) await untilDue(quota - remaining + acknowledged);
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
