import { ThrottledWarning } from '../logging/throttled-warning.js';

/**
 * Warns that joins went on without recovery because the history could not be read: a join storm
 * while Redis is away would otherwise log one line per client.
 */
export class RecoveryFailureLog {
  private readonly warning: ThrottledWarning;

  constructor(now: () => number = Date.now) {
    this.warning = new ThrottledWarning('Channel', 'join', now);
  }

  failed(topic: string, reason: string): void {
    this.warning.warn(`The history of "${topic}" could not be read; the join goes on without recovery: ${reason}`);
  }
}

/** This process's log of recovery failures, shared by every channel. */
export const recoveryFailures = new RecoveryFailureLog();
