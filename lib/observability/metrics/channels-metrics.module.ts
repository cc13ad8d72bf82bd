import { Module, type DynamicModule } from '@nestjs/common';
import { ChannelsMetrics } from './channels-metrics.js';
import { CHANNELS_METRICS_OPTIONS, type ChannelsMetricsOptions } from './metrics-options.js';

/**
 * Prometheus metrics of the channels (`channels_sockets`, `channels_joins_total`, ...; see
 * docs/observability.md), registered into prom-client's default registry or `options.registry`.
 * Needs `prom-client` (an optional peer dependency, loaded only by this module). Serve them
 * with `@willsoto/nestjs-prometheus` or a controller of your own.
 * @publicApi
 */
@Module({})
export class ChannelsMetricsModule {
  static forRoot(options: ChannelsMetricsOptions = {}): DynamicModule {
    return {
      module: ChannelsMetricsModule,
      providers: [{ provide: CHANNELS_METRICS_OPTIONS, useValue: options }, ChannelsMetrics],
    };
  }
}
