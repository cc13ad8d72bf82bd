import { Registry } from 'prom-client';

/**
 * The app's Prometheus registry. One per app rather than prom-client's default, so that several
 * instances of the app in one process (its tests run two nodes) do not register the same names.
 */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

export function createMetricsRegistry(): Registry {
  return new Registry();
}
