import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ChannelsTracingModule } from '../../lib/index.js';
import { handlerSpans } from '../../lib/observability/tracing/handler-spans.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { ClientScope } from '../support/client-scope.js';
import { eventually, join, push } from '../support/phoenix-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TracedChannel } from './traced.channel.js';

/** Issue 20, part 3: OpenTelemetry spans, read from the SDK's in-memory exporter. */

const exporter = new InMemorySpanExporter();
const contextManager = new AsyncLocalStorageContextManager().enable();
let app: TestApp;
let clients: ClientScope;

beforeAll(async () => {
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  app = await startTestApp({
    imports: [ChannelsTracingModule.forRoot()],
    providers: [TracedChannel],
    logger: new CapturedLogger(),
  });
  clients = new ClientScope(() => app.socketUrl, { rejoinAfterMs: () => 60_000 });
});

afterEach(async () => {
  await clients.disconnectAll();
  exporter.reset();
});

afterAll(async () => {
  await app.close();
  trace.disable();
  propagation.disable();
  context.disable();
});

const CLIENT_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CLIENT_SPAN = 'b7ad6b7169203331';
const TRACEPARENT = `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`;

function spanNamed(name: string): ReadableSpan {
  const found = exporter.getFinishedSpans().filter((span) => span.name === name);
  if (found.length !== 1) throw new Error(`${found.length} spans named "${name}": ${exporter.getFinishedSpans().map((span) => span.name).join(', ')}`);
  return found[0]!;
}

test('a join span with the route pattern and messaging attributes continues the traceparent of the join payload; the handler\'s spans are its children', async () => {
  const socket = await clients.connected();
  await clients.joined(socket, 'traced:room-1', { traceparent: TRACEPARENT });
  const span = spanNamed('channel.join traced:*');
  expect(span.kind).toBe(SpanKind.CONSUMER);
  expect(span.spanContext().traceId).toBe(CLIENT_TRACE);
  expect(span.parentSpanContext?.spanId).toBe(CLIENT_SPAN);
  expect(span.attributes).toEqual({
    'messaging.system': 'phoenix_channels',
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'join',
    'messaging.destination.template': 'traced:*',
    'nestjs_channels.transport': 'websocket',
    'nestjs_channels.outcome': 'ok',
  });
  expect(span.status.code).toBe(SpanStatusCode.UNSET);
  const child = spanNamed('app.load_room');
  expect(child.parentSpanContext?.spanId).toBe(span.spanContext().spanId);
  expect(child.spanContext().traceId).toBe(CLIENT_TRACE);
});

test('a handle_in span names the event, continues the message\'s traceparent, and parents the handler\'s spans; without traceparent it starts a trace', async () => {
  const socket = await clients.connected();
  const channel = await clients.joined(socket, 'traced:room-2');
  exporter.reset();
  await push(channel, 'save', { traceparent: TRACEPARENT });
  const span = spanNamed('channel.handle_in traced:* save');
  expect(span.spanContext().traceId).toBe(CLIENT_TRACE);
  expect(span.parentSpanContext?.spanId).toBe(CLIENT_SPAN);
  expect(span.attributes).toMatchObject({ 'messaging.operation.name': 'handle_in', 'nestjs_channels.event': 'save', 'nestjs_channels.outcome': 'ok' });
  expect(spanNamed('app.save').parentSpanContext?.spanId).toBe(span.spanContext().spanId);

  exporter.reset();
  await push(channel, 'save', {});
  const own = spanNamed('channel.handle_in traced:* save');
  expect(own.parentSpanContext).toBeUndefined();
  expect(own.spanContext().traceId).not.toBe(CLIENT_TRACE);
});

test('a catch-all handler\'s span names the event "*" (the client chooses it: unbounded)', async () => {
  const socket = await clients.connected();
  const channel = await clients.joined(socket, 'traced:room-3');
  await push(channel, 'whatever-the-client-says');
  expect(spanNamed('channel.handle_in traced:* *').attributes['nestjs_channels.event']).toBe('*');
});

test('a crash is recorded with an error status; a refusal is recorded as an exception without one', async () => {
  const socket = await clients.connected();
  const channel = await clients.joined(socket, 'traced:room-4');
  channel.push('explode', {});
  await eventually(() => exporter.getFinishedSpans().some((span) => span.name === 'channel.handle_in traced:* explode'), 'the span ended');
  const crashed = spanNamed('channel.handle_in traced:* explode');
  expect(crashed.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Error: traced explosion' });
  expect(crashed.attributes['nestjs_channels.outcome']).toBe('crash');
  expect(crashed.events.map((event) => [event.name, event.attributes?.['exception.message']])).toEqual([['exception', 'traced explosion']]);

  exporter.reset();
  expect((await join(socket.channel('traced:room-5', { refuse: true }))).status).toBe('error');
  const refused = spanNamed('channel.join traced:*');
  expect(refused.status.code).toBe(SpanStatusCode.UNSET);
  expect(refused.attributes['nestjs_channels.outcome']).toBe('error');
  expect(refused.events.map((event) => event.name)).toEqual(['exception']);
});

test('the hook is removed when the app closes', async () => {
  const other = await startTestApp({ imports: [ChannelsTracingModule.forRoot()], providers: [TracedChannel], logger: new CapturedLogger() });
  expect(handlerSpans.current).not.toBeNull();
  await other.close();
  expect(handlerSpans.current).toBeNull();
});
