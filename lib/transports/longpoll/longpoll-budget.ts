import { Logger } from '@nestjs/common';

/** What the budget needs of a session: what it holds, and a way to end it. */
export interface BudgetedSession {
  readonly id: string;
  readonly heldBytes: number;
  end(): void;
}

const logger = new Logger('LongPoll');

/**
 * Bounds the undelivered bytes all long-poll sessions of a node hold together. A session's own
 * limit stops one stalled client; this stops many (each within its limit) from growing the node
 * without bound. Counted as each session sees them, so broadcasts shared across sessions count
 * once per session: the bound is on the worst case, not on today's sharing.
 */
export class LongPollBudget {
  private held = 0;
  private shedding = false;

  /**
   * @param maxBytes what all sessions may hold together.
   * @param sessions this node's sessions, read only when the budget is exceeded.
   */
  constructor(
    private readonly maxBytes: number,
    private readonly sessions: () => Iterable<BudgetedSession>,
  ) {}

  get heldBytes(): number {
    return this.held;
  }

  /** Counts bytes a session now holds; past the budget, ends the sessions holding the most. */
  hold(bytes: number): void {
    this.held += bytes;
    if (this.held > this.maxBytes && !this.shedding) this.shed();
  }

  /** Counts bytes a session no longer holds (delivered, or the session ended). */
  release(bytes: number): void {
    this.held -= bytes;
  }

  // Down to three quarters, so that a node at its budget does not sort its sessions per message.
  private shed(): void {
    this.shedding = true;
    try {
      const target = Math.floor(this.maxBytes * 0.75);
      const largestFirst = [...this.sessions()].sort((a, b) => b.heldBytes - a.heldBytes);
      let ended = 0;
      for (const session of largestFirst) {
        if (this.held <= target || session.heldBytes === 0) break;
        session.end();
        ended++;
      }
      logger.warn(`Long-poll sessions of this node held over ${this.maxBytes} bytes undelivered; ended the ${ended} holding the most`);
    } finally {
      this.shedding = false;
    }
  }
}
