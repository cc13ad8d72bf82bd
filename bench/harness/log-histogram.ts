/** Bucket bounds grow by 2%: percentiles are within 1% of the true value, and merging is a sum. */
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);

/** Serialized form: `[bucket, count]` pairs, cheap to send over IPC. */
export type HistogramData = Array<[number, number]>;

/**
 * A latency histogram with logarithmic buckets (values in microseconds), mergeable across client
 * processes without shipping every sample to the parent.
 */
export class LogHistogram {
  private readonly counts = new Map<number, number>();
  private total = 0;

  static from(data: HistogramData): LogHistogram {
    const histogram = new LogHistogram();
    histogram.merge(data);
    return histogram;
  }

  record(micros: number): void {
    const bucket = micros <= 1 ? 0 : Math.floor(Math.log(micros) / LOG_GROWTH);
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.total++;
  }

  merge(data: HistogramData): void {
    for (const [bucket, count] of data) {
      this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + count);
      this.total += count;
    }
  }

  get count(): number {
    return this.total;
  }

  /** The value below which `fraction` of the samples fall (bucket midpoint), or null if empty. */
  percentile(fraction: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil(fraction * this.total));
    let seen = 0;
    for (const bucket of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(bucket)!;
      if (seen >= rank) return Math.pow(GROWTH, bucket + 0.5);
    }
    return null;
  }

  toJSON(): HistogramData {
    return [...this.counts.entries()];
  }
}
