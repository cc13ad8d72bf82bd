import { Logger } from '@nestjs/common';

const logger = new Logger('Channel');
/** At most one line per this long: a join storm while Redis is away would log one per client. */
const INTERVAL_MS = 10_000;

/**
 * Warns that joins went on without recovery because the history could not be read: the first
 * failure at once, then at most one line per 10 s, counting the failures it stands for.
 */
export class RecoveryFailureLog {
  private lastLoggedAt = -Infinity;
  private unlogged = 0;

  constructor(private readonly now: () => number = Date.now) {}

  failed(topic: string, reason: string): void {
    const now = this.now();
    if (now - this.lastLoggedAt < INTERVAL_MS) {
      this.unlogged++;
      return;
    }
    const others = this.unlogged > 0 ? ` (and ${this.unlogged} more join${this.unlogged === 1 ? '' : 's'} since the last such warning)` : '';
    logger.warn(`The history of "${topic}" could not be read; the join goes on without recovery: ${reason}${others}`);
    this.lastLoggedAt = now;
    this.unlogged = 0;
  }
}

/** This process's log of recovery failures, shared by every channel. */
export const recoveryFailures = new RecoveryFailureLog();
