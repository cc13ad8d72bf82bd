/** What the heart-beat sweep needs of a session. */
export interface HeartbeatingSession {
  /** When the session last wrote to / read from its client (ms since epoch). */
  readonly lastWriteAt: number;
  readonly lastReadAt: number;
  readonly outgoingMs: number;
  readonly incomingMs: number;
  heartbeat(): void;
  /** The client missed its heart-beats: end the session. */
  heartbeatMissed(): void;
  /** Silent for half the idle timeout: a WebSocket ping, whose pong counts as activity. */
  ping(): void;
}

/** How much later than agreed a client's heart-beat may be (STOMP leaves the margin to the server). */
export const INCOMING_MARGIN = 2;

/**
 * One sweep for the heart-beats of every STOMP session instead of two timers each: a timer per
 * connection would add to what every idle connection holds. Silent sessions (no client heart-beats
 * agreed, or slower ones than the idle timeout) are pinged at the WebSocket level, so a live
 * client is never ended by the idle timeout.
 */
export class StompHeartbeats {
  private readonly sessions = new Set<HeartbeatingSession>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** How often the sweep runs: the finest interval it can honour. */
    private readonly periodMs: number,
    /** A silent session without client heart-beats is pinged after this long. */
    readonly pingAfterMs: number,
  ) {}

  add(session: HeartbeatingSession): void {
    this.sessions.add(session);
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.sweep(Date.now()), this.periodMs);
      this.timer.unref();
    }
  }

  remove(session: HeartbeatingSession): void {
    this.sessions.delete(session);
    if (this.sessions.size === 0) this.stop();
  }

  sweep(now: number): void {
    for (const session of this.sessions) {
      const { incomingMs, outgoingMs } = session;
      if (incomingMs > 0 && now - session.lastReadAt > incomingMs * INCOMING_MARGIN + this.periodMs) {
        session.heartbeatMissed();
        continue;
      }
      // Also with client heart-beats: an agreed interval longer than the idle timeout would not keep it open.
      if (now - session.lastReadAt > this.pingAfterMs) session.ping();
      // Half a period early: the sweep may run up to a period late.
      if (outgoingMs > 0 && now - session.lastWriteAt >= outgoingMs - this.periodMs / 2) session.heartbeat();
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
