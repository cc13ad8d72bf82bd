import WebSocket from 'ws';
import { LogHistogram } from '../harness/log-histogram.js';

/**
 * Healthy clients that keep chatting (a push, its reply, a short pause, again) and record each
 * round trip in the histogram of the current phase, so one run compares phases directly.
 *
 * Each pause is drawn at random around `pauseMs` (half to one and a half times it). With equal
 * pauses the clients fall into step after any hiccup of the box: their replies arrive together,
 * their timers expire in the same millisecond, and from then on they push together, so a round
 * trip measured queueing behind the other clients' pushes, more or less depending on how closely
 * they happened to be in step that round. Real clients are independent.
 */
export class Chatters {
  private readonly sockets: WebSocket[] = [];
  private readonly phases = new Map<string, LogHistogram>();
  private phase = 'idle';
  private running = true;
  private loops: Promise<void>[] = [];

  private constructor() {}

  static async start(url: string, count: number, pauseMs: number): Promise<Chatters> {
    const chatters = new Chatters();
    for (let i = 0; i < count; i++) {
      const ws = new WebSocket(url);
      await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
      chatters.sockets.push(ws);
      const topic = `soak:chat:${i}`;
      await roundTrip(ws, ['1', 'join', topic, 'phx_join', {}]);
      chatters.loops.push(chatters.chat(ws, topic, pauseMs));
    }
    return chatters;
  }

  /** Round trips from now on count towards `phase`. */
  enter(phase: string): void {
    this.phase = phase;
    if (!this.phases.has(phase)) this.phases.set(phase, new LogHistogram());
  }

  /** p99 of `phase`'s round trips, in ms. */
  p99(phase: string): number {
    return (this.phases.get(phase)?.percentile(0.99) ?? NaN) / 1000;
  }

  count(phase: string): number {
    return this.phases.get(phase)?.count ?? 0;
  }

  /** The round trips of every phase named, pooled. */
  pooled(phases: string[]): LogHistogram {
    const pooled = new LogHistogram();
    for (const phase of phases) pooled.merge(this.phases.get(phase)?.toJSON() ?? []);
    return pooled;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    for (const ws of this.sockets) ws.close();
  }

  private async chat(ws: WebSocket, topic: string, pauseMs: number): Promise<void> {
    for (let n = 0; this.running; n++) {
      const started = performance.now();
      await roundTrip(ws, ['1', String(n), topic, 'echo', { n, text: 'hello' }]);
      this.phases.get(this.phase)?.record((performance.now() - started) * 1000);
      await new Promise((resolve) => setTimeout(resolve, pauseMs * (0.5 + Math.random())));
    }
  }
}

/** Sends `frame` and resolves on the reply with its ref. */
function roundTrip(ws: WebSocket, frame: [string, string, string, string, unknown]): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (ws.off('message', onMessage), reject(new Error(`no reply to ${frame[1]} in 10 s`))), 10_000);
    const onMessage = (data: Buffer) => {
      const reply = JSON.parse(data.toString()) as unknown[];
      if (reply[3] !== 'phx_reply' || reply[1] !== frame[1]) return;
      clearTimeout(timer);
      ws.off('message', onMessage);
      resolve();
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify(frame));
  });
}
