import type { DynamicModule } from '@nestjs/common';
import { ChannelsMetricsModule, ChannelsTracingModule } from '../../lib/index.js';
import type { ServerOptions } from './bench-server.interface.js';

/**
 * The modules that turn observability on, as an app would: metrics into a registry (nobody
 * scrapes it while measuring), or tracing with an OpenTelemetry SDK registered, sampling every
 * span and exporting none (an exporter's cost is the SDK's, not the library's).
 */
export async function observabilityModules(observe: ServerOptions['observe']): Promise<DynamicModule[]> {
  if (observe === 'metrics') {
    const { Registry } = await import('prom-client');
    return [ChannelsMetricsModule.forRoot({ registry: new Registry() })];
  }
  if (observe === 'tracing') {
    const { trace } = await import('@opentelemetry/api');
    const { BasicTracerProvider, NoopSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new NoopSpanProcessor()] }));
    return [ChannelsTracingModule.forRoot()];
  }
  return [];
}
