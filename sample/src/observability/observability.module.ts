import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ChannelsDashboardModule, ChannelsMetricsModule } from 'nestjs-channels';
import { SessionModule } from '../session/session.module.js';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { createMetricsRegistry, METRICS_REGISTRY } from './metrics-registry.js';
import { SignedInGuard } from './signed-in.guard.js';

/** The registry, shared by the metrics module and the controller that serves it. */
@Module({
  providers: [{ provide: METRICS_REGISTRY, useFactory: createMetricsRegistry }],
  exports: [METRICS_REGISTRY],
})
class MetricsRegistryModule {}

/** `GET /metrics` (Prometheus), `GET /health` (terminus) and the dashboard at `/channels/dashboard` (any signed-in user). */
@Module({
  imports: [
    MetricsRegistryModule,
    ChannelsMetricsModule.forRootAsync({
      imports: [MetricsRegistryModule],
      inject: [METRICS_REGISTRY],
      useFactory: (registry: ReturnType<typeof createMetricsRegistry>) => ({ registry }),
    }),
    TerminusModule.forRoot({ logger: false }),
    ChannelsDashboardModule.forRoot({ guard: SignedInGuard, imports: [SessionModule] }),
  ],
  controllers: [MetricsController, HealthController],
})
export class ObservabilityModule {}
