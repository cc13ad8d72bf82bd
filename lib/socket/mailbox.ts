type Task = () => unknown;

/**
 * Runs tasks one at a time, in order, awaiting async ones: a channel handles its messages like a
 * Phoenix channel process does, without holding up other channels or the socket's heartbeats.
 * Tasks handle their own errors; a task that throws anyway is reported and the next one runs.
 */
export class Mailbox {
  private readonly queue: Task[] = [];
  private running = false;

  constructor(private readonly onUnhandled: (error: unknown) => void) {}

  enqueue(task: Task): void {
    this.queue.push(task);
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      for (let task = this.queue.shift(); task; task = this.queue.shift()) {
        try {
          await task();
        } catch (error) {
          this.onUnhandled(error);
        }
      }
    } finally {
      this.running = false;
      // Emptied by `shift`, which leaves the array's backing store (about 140 B) behind: every idle
      // channel would keep the one its join's task grew. Setting the length to 0 releases it.
      if (this.queue.length === 0) this.queue.length = 0;
    }
  }
}
