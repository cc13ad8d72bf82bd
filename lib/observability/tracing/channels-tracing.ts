import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type * as OtelApi from '@opentelemetry/api';
import { loadOptionalPeer } from '../load-optional-peer.js';
import { handlerSpans } from './handler-spans.js';
import { OtelHandlerSpans } from './otel-handler-spans.js';
import { CHANNELS_TRACING_OPTIONS, type ChannelsTracingOptions } from './tracing-options.js';

/**
 * Turns the OpenTelemetry spans of joins and handle_ins on while the app runs. `@opentelemetry/api`
 * is loaded here, at boot, and only when the app imports `ChannelsTracingModule`; without an SDK
 * registered the API's tracer is a no-op.
 */
@Injectable()
export class ChannelsTracing implements OnModuleInit, OnModuleDestroy {
  private spans: OtelHandlerSpans | undefined;

  /** @internal Made by Nest's injector. */
  constructor(@Inject(CHANNELS_TRACING_OPTIONS) private readonly options: ChannelsTracingOptions) {}

  /** @internal */
  async onModuleInit(): Promise<void> {
    const api = await loadOptionalPeer<typeof OtelApi>('@opentelemetry/api', 'ChannelsTracingModule');
    this.spans = new OtelHandlerSpans(api, api.trace.getTracer(this.options.tracerName ?? 'nestjs-channels'));
    handlerSpans.current = this.spans;
  }

  /** @internal */
  onModuleDestroy(): void {
    if (handlerSpans.current === this.spans) handlerSpans.current = null;
  }
}
