import type { Counter } from 'prom-client';

/**
 * Counts frames and bytes per label values in plain numbers, and hands them to prom-client
 * counters only when scraped: a labelled `inc` hashes its labels, too dear for every frame of a
 * fan-out to thousands of sockets.
 */
export class FrameTally {
  private readonly counts = new Map<string, Map<string, { frames: number; bytes: number; flushedFrames: number; flushedBytes: number }>>();

  count(first: string, second: string, bytes: number): void {
    let inner = this.counts.get(first);
    if (inner === undefined) {
      inner = new Map();
      this.counts.set(first, inner);
    }
    const entry = inner.get(second);
    if (entry === undefined) inner.set(second, { frames: 1, bytes, flushedFrames: 0, flushedBytes: 0 });
    else {
      entry.frames++;
      entry.bytes += bytes;
    }
  }

  /** Adds what was counted since the last flush to `frames` (labels `first`, `second`) and `bytes` (label `first`). */
  flush<F extends string, B extends string>(
    frames: Counter<F> | null,
    frameLabels: readonly [F, F] | null,
    bytes: Counter<B>,
    byteLabel: B,
  ): void {
    for (const [first, inner] of this.counts) {
      for (const [second, entry] of inner) {
        if (frames && frameLabels && entry.frames > entry.flushedFrames) {
          frames.inc({ [frameLabels[0]]: first, [frameLabels[1]]: second } as Partial<Record<F, string>>, entry.frames - entry.flushedFrames);
        }
        if (entry.bytes > entry.flushedBytes) bytes.inc({ [byteLabel]: first } as Partial<Record<B, string>>, entry.bytes - entry.flushedBytes);
        entry.flushedFrames = entry.frames;
        entry.flushedBytes = entry.bytes;
      }
    }
  }
}
