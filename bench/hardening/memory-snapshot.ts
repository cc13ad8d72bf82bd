import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

/** Anonymous (heap, malloc) part of the RSS, without the pages of mapped files such as the node binary. */
function anonymousBytes(): number {
  try {
    const match = /^Anonymous:\s+(\d+) kB/m.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'));
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * This process's memory after three full GCs (needs `--expose-gc`), and whether anything
 * polluted `Object.prototype`: the part of a soak server's snapshot every server reports alike.
 */
export async function memorySnapshot() {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const memory = process.memoryUsage();
  const probe = {} as Record<string, unknown>;
  return {
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
    anonymous: anonymousBytes(),
    spaces: Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, space.space_size])),
    polluted: probe.polluted ?? null,
    prototypeKeys: Object.keys(Object.prototype),
  };
}
