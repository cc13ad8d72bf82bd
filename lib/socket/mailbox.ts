import { isThenable } from './thenable.js';

type Task = () => unknown;

/** Who hears of a task that threw anyway, and of the mailbox running out of tasks (it may then drop it). */
export interface MailboxOwner {
  mailboxFailed(error: unknown): void;
  mailboxIdle(): void;
}

/**
 * Runs tasks one at a time, in order, awaiting async ones: a channel handles its messages like a
 * Phoenix channel process does, without holding up other channels or the socket's heartbeats.
 * Tasks handle their own errors; a task that throws anyway is reported and the next one runs.
 * A task that returns no promise lets the next one run at once: a synchronous handler costs no
 * promise and no microtask per message.
 */
export class Mailbox {
  private readonly queue: Task[] = [];
  private running = false;

  constructor(private readonly owner: MailboxOwner) {}

  enqueue(task: Task): void {
    this.queue.push(task);
    if (!this.running) this.drain();
  }

  /** Runs the queued tasks until one returns a promise; the rest run once it settles. */
  private drain(): void {
    this.running = true;
    for (let task = this.queue.shift(); task; task = this.queue.shift()) {
      let result: unknown;
      try {
        result = task();
      } catch (error) {
        this.owner.mailboxFailed(error);
        continue;
      }
      if (isThenable(result)) {
        // Closures only while a task is pending: an idle mailbox holds none.
        result.then(
          () => this.drain(),
          (error: unknown) => {
            this.owner.mailboxFailed(error);
            this.drain();
          },
        );
        return;
      }
    }
    this.running = false;
    this.owner.mailboxIdle();
  }
}
