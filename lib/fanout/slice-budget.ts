/**
 * Long work cut into slices of about `sliceMs`, with a turn of the event loop between them
 * (`setImmediate`: pending I/O, heartbeats and other rooms' messages run first), so that one big
 * room's fan-out never stalls the node.
 */
export class SliceBudget {
  private sliceStart = performance.now();

  constructor(private readonly sliceMs: number) {}

  /** Null while the slice has time left (no await, no microtask); else a turn of the event loop. */
  pause(): Promise<void> | null {
    if (performance.now() - this.sliceStart < this.sliceMs) return null;
    return new Promise((resolve) =>
      setImmediate(() => {
        this.sliceStart = performance.now();
        resolve();
      }),
    );
  }
}
