/** A socket's writer whose writes of the current run the corker lets go when the run ends. */
export interface RunWriter {
  /** Writes what the run left held (deferred or corked); a no-op when nothing is held. */
  releaseWrites(): void;
}

/**
 * Coalesces every write a socket gets in one run of synchronous code (one handler, one incoming
 * message, one timer) into one syscall: a writer enlists when it first holds data back (a
 * deferred frame, or a corked socket), and one shared `process.nextTick` lets every enlisted
 * writer go. A burst of broadcasts then costs a socket one `writev` instead of one `write` each,
 * and a lone message waits for nothing but the end of the code that sent it. `setImmediate` would
 * also coalesce across I/O callbacks, but bursts gain nothing more and a lone message waits longer.
 *
 * Broadcasts from other nodes need more: a burst published together often reaches this node in
 * two reads, its head alone and the rest while the head is being delivered. `holdUntilNextPoll`
 * keeps the writes held until the check phase after the next poll phase (two `setImmediate`s),
 * so the rest is read and held behind the head and each socket still gets one `writev`. The
 * wait is one event-loop iteration: with nothing else to read, that poll returns at once.
 */
export class SocketCorker {
  private enlisted: RunWriter[] = [];
  private tickScheduled = false;
  /** The current run of code delivers broadcasts from another node. */
  private holdAsked = false;
  /** Writes are held for the next poll phase: no `nextTick` flush until then. */
  private holding = false;

  private readonly endOfRun = () => {
    this.tickScheduled = false;
    if (this.holdAsked && this.enlisted.length > 0) {
      this.holdAsked = false;
      this.holding = true;
      setImmediate(this.inCheckPhase);
      return;
    }
    this.holdAsked = false;
    this.releaseAll();
  };

  // Queued from the poll phase, this runs in the check phase right after it; the immediate it
  // queues from there runs after the following poll phase.
  private readonly inCheckPhase = () => setImmediate(this.releaseHeld);

  private readonly releaseHeld = () => {
    this.holding = false;
    this.releaseAll();
  };

  /** `writer` holds writes back until the end of the run; it enlists once per run. */
  enlist(writer: RunWriter): void {
    this.enlisted.push(writer);
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

  private scheduleEndOfRun(): void {
    if (this.tickScheduled || this.holding) return;
    this.tickScheduled = true;
    process.nextTick(this.endOfRun);
  }

  private releaseAll(): void {
    const enlisted = this.enlisted;
    this.enlisted = [];
    for (const writer of enlisted) writer.releaseWrites();
  }
}
