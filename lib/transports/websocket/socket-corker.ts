import type { Socket } from 'node:net';

/**
 * Coalesces every write a socket gets in one run of synchronous code (one handler, one incoming
 * message, one timer) into one syscall: the first write corks the socket, and one shared
 * `process.nextTick` uncorks every socket corked meanwhile. A burst of broadcasts then costs a
 * socket one `writev` instead of one `write` each, and a lone message waits for nothing but the
 * end of the code that sent it. (Measured against `setImmediate`, which would also coalesce
 * across I/O callbacks: same burst gain, slower single broadcasts.)
 *
 * Broadcasts from other nodes need more: a burst published together often reaches this node in
 * two reads, its head alone and the rest while the head is being delivered. `holdUntilNextPoll`
 * keeps the writes corked until the check phase after the next poll phase (two `setImmediate`s),
 * so the rest is read and corked behind the head and each socket still gets one `writev`. The
 * wait is one event-loop iteration: with nothing else to read, that poll returns at once.
 */
export class SocketCorker {
  private corked: Socket[] = [];
  private tickScheduled = false;
  /** The current run of code delivers broadcasts from another node. */
  private holdAsked = false;
  /** Writes are held for the next poll phase: no `nextTick` flush until then. */
  private holding = false;

  private readonly endOfRun = () => {
    this.tickScheduled = false;
    if (this.holdAsked && this.corked.length > 0) {
      this.holdAsked = false;
      this.holding = true;
      setImmediate(this.inCheckPhase);
      return;
    }
    this.holdAsked = false;
    this.uncorkAll();
  };

  // Queued from the poll phase, this runs in the check phase right after it; the immediate it
  // queues from there runs after the following poll phase.
  private readonly inCheckPhase = () => setImmediate(this.releaseHeld);

  private readonly releaseHeld = () => {
    this.holding = false;
    this.uncorkAll();
  };

  cork(socket: Socket): void {
    if (socket.writableCorked > 0) return;
    socket.cork();
    this.corked.push(socket);
    this.scheduleEndOfRun();
  }

  /**
   * Asks that what the current run of code writes (and anything written until then) be held
   * until the next poll phase has been read, instead of the end of this run. Once per hold: a
   * delivery while holding does not extend it, so writes wait one event-loop iteration at most.
   */
  holdUntilNextPoll(): void {
    if (this.holding) return;
    this.holdAsked = true;
    this.scheduleEndOfRun();
  }

  /** Writes what `socket` holds now, e.g. before judging how much it has not sent. */
  flush(socket: Socket): void {
    // The socket stays listed: uncorking it again later is a no-op.
    if (socket.writableCorked > 0) socket.uncork();
  }

  private scheduleEndOfRun(): void {
    if (this.tickScheduled || this.holding) return;
    this.tickScheduled = true;
    process.nextTick(this.endOfRun);
  }

  private uncorkAll(): void {
    const corked = this.corked;
    this.corked = [];
    for (const socket of corked) socket.uncork();
  }
}
