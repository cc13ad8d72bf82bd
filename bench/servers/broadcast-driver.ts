import { nextTurn, nowMicros, sleep } from '../harness/clock.js';
import { makePayload, type BenchPayload } from '../harness/payload.js';
import type { BenchServer } from './bench-server.interface.js';

/** When a schedule of broadcasts started and finished sending, on the shared clock (µs). */
export interface SendWindow {
  t0: number;
  t1: number;
  sent: number;
}

/**
 * Drives broadcasts the same way on every server, inside the server process: the timestamps
 * in the payloads are taken right before each broadcast call.
 */
export class BroadcastDriver {
  private seq = 0;

  constructor(
    private readonly server: BenchServer,
    /** The payloads' `body`, one after the other; default the 46-byte filler. */
    private readonly bodies?: string[],
  ) {}

  /** `turns` event-loop turns, `perTurn` broadcasts in each (1: one per turn; 10: a burst). */
  async burst(args: { topic: string; turns: number; perTurn: number }): Promise<SendWindow> {
    const t0 = nowMicros();
    for (let turn = 0; turn < args.turns; turn++) {
      for (let i = 0; i < args.perTurn; i++) this.server.broadcast(args.topic, this.payload());
      await nextTurn();
    }
    return { t0, t1: nowMicros(), sent: args.turns * args.perTurn };
  }

  /**
   * `count` broadcasts on a fixed schedule, one every `intervalMs` (an offered load, whatever a
   * broadcast costs): latency without a backlog, as long as the server keeps up.
   */
  async paced(args: { topic: string; count: number; intervalMs: number }): Promise<SendWindow> {
    const t0 = nowMicros();
    for (let i = 0; i < args.count; i++) {
      const due = t0 + i * args.intervalMs * 1000;
      const wait = (due - nowMicros()) / 1000;
      if (wait > 0) await sleep(wait);
      this.server.broadcast(args.topic, this.payload());
    }
    return { t0, t1: nowMicros(), sent: args.count };
  }

  /** Point-to-point: one broadcast to each of `prefix<first>`..`prefix<first+count-1>`, `rounds` times, a round per turn. */
  async eachTopic(args: { prefix: string; first: number; count: number; rounds: number }): Promise<SendWindow> {
    const topics = Array.from({ length: args.count }, (_, i) => `${args.prefix}${args.first + i}`);
    const t0 = nowMicros();
    for (let round = 0; round < args.rounds; round++) {
      for (const topic of topics) this.server.broadcast(topic, this.payload());
      await nextTurn();
    }
    return { t0, t1: nowMicros(), sent: args.rounds * args.count };
  }

  private payload(): BenchPayload {
    const seq = this.seq++;
    return makePayload(seq, this.bodies?.[seq % this.bodies.length]);
  }
}
