/**
 * Where the metrics are registered: a prom-client `Registry` (its `register` default, or one the
 * app made). Typed by the methods used, so that apps without prom-client compile.
 * @publicApi
 */
export interface MetricsRegistry {
  registerMetric(metric: never): void;
  getSingleMetric(name: string): unknown;
  removeSingleMetric(name: string): void;
}

/** Options of `ChannelsMetricsModule.forRoot()`. @publicApi */
export interface ChannelsMetricsOptions {
  /** Put in front of every metric name. Default `channels_`. */
  prefix?: string;
  /**
   * The prom-client registry to register into. Default: prom-client's default registry, the one
   * `@willsoto/nestjs-prometheus` serves on `/metrics`.
   */
  registry?: MetricsRegistry;
  /** Histogram buckets in seconds, for the join, handle_in and broadcast durations. Default prom-client's. */
  buckets?: number[];
}
