/** Options of `ChannelsTracingModule.forRoot()`. @publicApi */
export interface ChannelsTracingOptions {
  /** The name of the tracer the spans come from. Default `nestjs-channels`. */
  tracerName?: string;
}

export const CHANNELS_TRACING_OPTIONS = Symbol('CHANNELS_TRACING_OPTIONS');
