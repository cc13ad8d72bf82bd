import { Module, type DynamicModule } from '@nestjs/common';
import { ChannelsTracing } from './channels-tracing.js';
import { CHANNELS_TRACING_OPTIONS, type ChannelsTracingOptions } from './tracing-options.js';

/**
 * OpenTelemetry spans for channel joins (`channel.join room:*`) and client messages
 * (`channel.handle_in room:* new_msg`), children of the client's trace when its payload carries a
 * `traceparent`. Needs `@opentelemetry/api` (an optional peer dependency, loaded only by this
 * module) and an SDK the app registers.
 * @publicApi
 */
@Module({})
export class ChannelsTracingModule {
  static forRoot(options: ChannelsTracingOptions = {}): DynamicModule {
    return {
      module: ChannelsTracingModule,
      providers: [{ provide: CHANNELS_TRACING_OPTIONS, useValue: options }, ChannelsTracing],
    };
  }
}
