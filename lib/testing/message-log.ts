/** One recorded value; `consumed` once an assertion took it, so the next assertion needs another. */
export interface LogEntry<T> {
  readonly value: T;
  consumed: boolean;
}

interface Waiter<T> {
  matches(value: T): boolean;
  /** Takers consume what they match; watchers (refutations) only look. */
  readonly consumes: boolean;
  settle(value: T): void;
  cancel(error: Error): void;
}

/**
 * What a test client received (or a topic carried), awaitable: `take` waits for a match and
 * consumes it, like ExUnit's `assert_receive`; `watch` fails on a match, like `refute_receive`.
 * Every wait owns one timer, cleared however it ends, so jest finds no open handles.
 */
export class MessageLog<T> {
  private readonly entries: LogEntry<T>[] = [];
  private readonly waiters = new Set<Waiter<T>>();

  record(value: T): void {
    const entry: LogEntry<T> = { value, consumed: false };
    this.entries.push(entry);
    for (const waiter of [...this.waiters]) {
      if (entry.consumed && waiter.consumes) continue;
      if (!waiter.matches(value)) continue;
      if (waiter.consumes) entry.consumed = true;
      waiter.settle(value);
    }
  }

  /** Everything recorded, oldest first. */
  all(): readonly LogEntry<T>[] {
    return this.entries;
  }

  /** Resolves with the first unconsumed match (now or within `timeoutMs`), else rejects with `onTimeout()`. */
  take(matches: (value: T) => boolean, timeoutMs: number, onTimeout: () => Error): Promise<T> {
    const existing = this.entries.find((entry) => !entry.consumed && matches(entry.value));
    if (existing) {
      existing.consumed = true;
      return Promise.resolve(existing.value);
    }
    return this.wait(matches, true, timeoutMs, (resolve, reject) => ({
      onMatch: resolve,
      onTimeout: () => reject(onTimeout()),
    }));
  }

  /** Resolves after `timeoutMs` with no unconsumed match; rejects with `onMatch(value)` at the first. */
  watch(matches: (value: T) => boolean, timeoutMs: number, onMatch: (value: T) => Error): Promise<void> {
    const existing = this.entries.find((entry) => !entry.consumed && matches(entry.value));
    if (existing) return Promise.reject(onMatch(existing.value));
    return this.wait<void>(matches, false, timeoutMs, (resolve, reject) => ({
      onMatch: (value) => reject(onMatch(value)),
      onTimeout: () => resolve(),
    }));
  }

  /** Ends every pending wait with `error`: nothing is left waiting once a test tears down. */
  cancelAll(error: () => Error): void {
    for (const waiter of [...this.waiters]) waiter.cancel(error());
  }

  private wait<R>(
    matches: (value: T) => boolean,
    consumes: boolean,
    timeoutMs: number,
    outcomes: (resolve: (value: R) => void, reject: (error: Error) => void) => { onMatch(value: T): void; onTimeout(): void },
  ): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const { onMatch, onTimeout } = outcomes(resolve, reject);
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      const waiter: Waiter<T> = {
        matches,
        consumes,
        settle: (value) => {
          finish();
          onMatch(value);
        },
        cancel: (error) => {
          finish();
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        finish();
        onTimeout();
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}
