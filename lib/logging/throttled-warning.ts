import { Logger } from '@nestjs/common';

/** At most one line per this long: a storm (of joins, of bad clients) would log one per event. */
const INTERVAL_MS = 10_000;

/**
 * A warning that many events may raise at once: the first is logged at once, then at most one
 * line per 10 s, saying how many events it stands for since the last line.
 */
export class ThrottledWarning {
  private readonly logger: Logger;
  private lastLoggedAt = -Infinity;
  private unlogged = 0;

  /** @param others names the events a line stands for beside its own (`'join'`: "and 3 more joins"). */
  constructor(
    context: string,
    private readonly others: string,
    private readonly now: () => number = Date.now,
  ) {
    this.logger = new Logger(context);
  }

  /** Logs `message` unless a line went out less than 10 s ago, in which case it is counted. */
  warn(message: string): void {
    const now = this.now();
    if (now - this.lastLoggedAt < INTERVAL_MS) {
      this.unlogged++;
      return;
    }
    const count = this.unlogged;
    const suffix = count > 0 ? ` (and ${count} more ${this.others}${count === 1 ? '' : 's'} since the last such warning)` : '';
    this.logger.warn(`${message}${suffix}`);
    this.lastLoggedAt = now;
    this.unlogged = 0;
  }
}
