import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ChannelsMetricsModule } from 'nestjs-channels';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { createMetricsRegistry, METRICS_REGISTRY } from './metrics-registry.js';

/** The registry, shared by the metrics module and the controller that serves it. */
@Module({
  providers: [{ provide: METRICS_REGISTRY, useFactory: createMetricsRegistry }],
  exports: [METRICS_REGISTRY],
})
class MetricsRegistryModule {}

/** `GET /metrics` (Prometheus) and `GET /health` (terminus). */
@Module({
  imports: [
    MetricsRegistryModule,
    ChannelsMetricsModule.forRootAsync({
      imports: [MetricsRegistryModule],
      inject: [METRICS_REGISTRY],
      useFactory: (registry: ReturnType<typeof createMetricsRegistry>) => ({ registry }),
    }),
    TerminusModule.forRoot({ logger: false }),
  ],
  controllers: [MetricsController, HealthController],
})
export class ObservabilityModule {}
