import type * as OtelApi from '@opentelemetry/api';
import type { ChannelHandleInEvent, ChannelJoinEvent } from '../events.js';
import type { HandlerSpans } from './handler-spans.js';

/** The payload keys a client puts its W3C trace context under, for the span to continue its trace. */
const CARRIER_KEYS = ['traceparent', 'tracestate'] as const;

/**
 * Spans `channel.join <pattern>` and `channel.handle_in <pattern> <event>` with OpenTelemetry's
 * messaging attributes. Names and attributes carry the route pattern, never the topic, so their
 * cardinality is bounded; the event of a catch-all handler (the client's choice) is `*`.
 */
export class OtelHandlerSpans implements HandlerSpans {
  constructor(
    private readonly api: typeof OtelApi,
    private readonly tracer: OtelApi.Tracer,
  ) {}

  join(event: ChannelJoinEvent, run: () => Promise<void>): Promise<void> {
    return this.inSpan(`channel.join ${event.channel}`, 'join', event, run);
  }

  handleIn(event: ChannelHandleInEvent, run: () => Promise<void>): Promise<void> {
    const name = event.catchAll ? '*' : event.event;
    return this.inSpan(`channel.handle_in ${event.channel} ${name}`, 'handle_in', event, run, { 'nestjs_channels.event': name });
  }

  private async inSpan(
    name: string,
    operation: string,
    event: ChannelJoinEvent | ChannelHandleInEvent,
    run: () => Promise<void>,
    extra: OtelApi.Attributes = {},
  ): Promise<void> {
    const { api } = this;
    const attributes: OtelApi.Attributes = {
      'messaging.system': 'phoenix_channels',
      'messaging.operation.type': 'process',
      'messaging.operation.name': operation,
      'messaging.destination.template': event.channel,
      'nestjs_channels.transport': event.transport,
      ...extra,
    };
    const span = this.tracer.startSpan(name, { kind: api.SpanKind.CONSUMER, attributes }, this.parentOf(event.payload));
    try {
      await api.context.with(api.trace.setSpan(api.context.active(), span), run);
    } finally {
      span.setAttribute('nestjs_channels.outcome', event.outcome);
      // A refusal with an error reply is the client's doing, like an HTTP 4xx: recorded, not an error status.
      if (event.error !== undefined) span.recordException(asException(event.error));
      if (event.outcome === 'crash') span.setStatus({ code: api.SpanStatusCode.ERROR, message: describe(event.error) });
      span.end();
    }
  }

  /** The client's trace when the payload carries a `traceparent`; the active context otherwise. */
  private parentOf(payload: unknown): OtelApi.Context {
    const active = this.api.context.active();
    if (typeof payload !== 'object' || payload === null || typeof (payload as { traceparent?: unknown }).traceparent !== 'string') return active;
    const carrier: Record<string, string> = {};
    for (const key of CARRIER_KEYS) {
      const value = (payload as Record<string, unknown>)[key];
      if (typeof value === 'string') carrier[key] = value;
    }
    return this.api.propagation.extract(active, carrier);
  }
}

function asException(error: unknown): OtelApi.Exception {
  return error instanceof Error ? error : String(error);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
