const ALREADY_DONE = Promise.resolve();

/**
 * A one-shot "done" signal whose Promise is only made once somebody waits for it (a shutdown
 * draining the channels). Every live channel holds one, and a Promise with its resolver closure
 * made up front would take memory for the channel's whole life, for a wait only a shutdown makes.
 */
export class LazyCompletion {
  private done = false;
  private promise: Promise<void> | undefined;
  private resolve: (() => void) | undefined;

  /** Settles once `complete` was called (at once if it already was). */
  get settled(): Promise<void> {
    this.promise ??= this.done ? ALREADY_DONE : new Promise<void>((resolve) => (this.resolve = resolve));
    return this.promise;
  }

  /** Marks it done; later calls do nothing. */
  complete(): void {
    if (this.done) return;
    this.done = true;
    this.resolve?.();
  }
}
