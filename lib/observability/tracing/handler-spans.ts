import type { ChannelHandleInEvent, ChannelJoinEvent } from '../events.js';

/**
 * Runs a join or a handle_in inside a span. The handler has to run inside the span's context for
 * the app's own spans to become its children, which an event subscriber cannot arrange: so
 * tracing is a hook in the call path, set by `ChannelsTracingModule`, null otherwise.
 */
export interface HandlerSpans {
  join(event: ChannelJoinEvent, run: () => Promise<void>): Promise<void>;
  handleIn(event: ChannelHandleInEvent, run: () => Promise<void>): Promise<void>;
}

/** The active hook (process-wide, as OpenTelemetry's own global tracer provider is). */
export const handlerSpans: { current: HandlerSpans | null } = { current: null };
