import type { LongPollSession } from './longpoll-session.js';

/**
 * This node's long-poll sessions, with one shared sweep that ends sessions whose client stopped
 * polling (Phoenix: no poll for 1.5 x the poll window), instead of a timer per session.
 */
export class LongPollSessionRegistry {
  private readonly sessions = new Map<string, LongPollSession>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly inactiveAfterMs: number) {}

  add(session: LongPollSession): void {
    this.sessions.set(session.id, session);
    if (!this.sweepTimer) {
      this.sweepTimer = setInterval(() => this.sweep(Date.now()), Math.max(50, Math.floor(this.inactiveAfterMs / 3)));
      this.sweepTimer.unref();
    }
  }

  get(id: string): LongPollSession | undefined {
    return this.sessions.get(id);
  }

  remove(session: LongPollSession): void {
    if (this.sessions.get(session.id) === session) this.sessions.delete(session.id);
    if (this.sessions.size === 0) this.stop();
  }

  get size(): number {
    return this.sessions.size;
  }

  sweep(now: number): void {
    for (const session of this.sessions.values()) {
      if (!session.isPolling && now - session.lastActiveAt > this.inactiveAfterMs) session.end();
    }
  }

  endAll(): void {
    for (const session of [...this.sessions.values()]) session.end();
    this.stop();
  }

  private stop(): void {
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }
}
