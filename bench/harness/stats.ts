/** Median and range of repeated measurements; the table shows `median (min–max)`. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Null when no finite sample exists (every repetition failed). */
export function summarize(values: ReadonlyArray<number | null | undefined>): Summary | null {
  const samples = values.filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
  if (samples.length === 0) return null;
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), samples };
}

/**
 * A confidence interval for the median that assumes nothing about the distribution: two order
 * statistics of the samples, chosen from the binomial distribution of how many samples fall below
 * the true median. Exact and deterministic (no resampling), so the same run always reads the
 * same interval; with few samples it is wide and its coverage low, which is the point of showing it.
 */
export interface MedianInterval {
  low: number;
  high: number;
  /** The probability that the interval holds the true median: `level` or just above, or less when the samples are too few for `level`. */
  coverage: number;
}

/** The narrowest order-statistic interval whose coverage is at least `level` (the widest, `min`–`max`, when none is). */
export function medianInterval(values: readonly number[], level = 0.95): MedianInterval | null {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return null;
  // [x(k), x(n-k+1)] (1-based) misses the median when k-1 or fewer samples lie below it, or above.
  let pmf = 0.5 ** n;
  let below = pmf;
  let k = 1;
  while (k + 1 <= n - k) {
    pmf *= (n - k + 1) / k;
    if (1 - 2 * (below + pmf) < level) break;
    below += pmf;
    k += 1;
  }
  return { low: sorted[k - 1]!, high: sorted[n - k]!, coverage: 1 - 2 * below };
}
