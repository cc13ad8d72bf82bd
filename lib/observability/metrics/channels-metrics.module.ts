import { Module, type DynamicModule } from '@nestjs/common';
import { ChannelsMetrics } from './channels-metrics.js';
import { ConfigurableChannelsMetricsModule } from './channels-metrics.module-definition.js';
import type { ChannelsMetricsOptions } from './metrics-options.js';

/**
 * Prometheus metrics of the channels (`channels_sockets`, `channels_joins_total`, ...; see
 * docs/observability.md), registered into prom-client's default registry or `options.registry`.
 * Needs `prom-client` (an optional peer dependency, loaded only by this module). Serve them
 * with `@willsoto/nestjs-prometheus` or a controller of your own. `forRootAsync` takes the
 * options from a factory (e.g. a registry of the app's own).
 * @publicApi
 */
@Module({ providers: [ChannelsMetrics] })
export class ChannelsMetricsModule extends ConfigurableChannelsMetricsModule {
  static override forRoot(options: ChannelsMetricsOptions = {}): DynamicModule {
    return super.forRoot(options);
  }
}
