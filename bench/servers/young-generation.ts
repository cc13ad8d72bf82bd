import { getHeapSpaceStatistics } from 'node:v8';
import { sleep } from '../harness/clock.js';

/**
 * V8 grows the young generation (new space) up to 32 MiB while a process allocates fast (a boot,
 * a connect burst) and shrinks it back to 1–2 MiB only at a GC that finds the allocation rate
 * low, some 5 s after the burst; the pages go back to the OS a moment later. RSS read before that
 * is up to 30 MiB high per process, depending on the moment. (A process that keeps allocating,
 * e.g. answering the heartbeats of 8k sockets or more, keeps it at 32 MiB: then the wait times
 * out, and the reading says so in its `newSpace`.)
 */
const SHRUNK_BYTES = 4 * 2 ** 20;
const POLL_MS = 1000;
/** After the shrink: V8 unmaps the freed pages on a background thread. */
const UNMAP_MS = 1000;

export function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * Collects garbage (with `collect`) once a second until a collection has shrunk the new space, or
 * `timeoutMs` passed, then lets the freed pages be unmapped; returns how long it waited.
 */
export async function untilYoungGenerationShrunk(collect: () => void, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    collect();
    if (newSpaceBytes() <= SHRUNK_BYTES) break;
    if (Date.now() - started >= timeoutMs) return Date.now() - started;
    await sleep(POLL_MS);
  }
  await sleep(UNMAP_MS);
  return Date.now() - started;
}
