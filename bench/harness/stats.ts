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
