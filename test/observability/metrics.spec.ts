import { Registry, register } from 'prom-client';
import { ChannelsMetricsModule, ChannelsServer as ChannelsServerRef } from '../../lib/index.js';
import { conformanceApp } from '../fixtures/conformance.app.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { ClientScope } from '../support/client-scope.js';
import { eventually, join, push } from '../support/phoenix-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { MetricsController, TEST_REGISTRY } from './metrics.controller.js';
import { parseSamples, sampleValue, type Sample } from './prometheus-text.js';
import { rawUpgrade } from '../support/raw-upgrade.js';

/** Issue 20, part 2: the Prometheus metrics, read from `/metrics` as Prometheus would. */

/** Clients that never retry on their own, so that every count below is exact. */
const QUIET = { reconnectAfterMs: () => 60_000, rejoinAfterMs: () => 60_000 };

async function startApp(registry: Registry, channels = {}): Promise<TestApp> {
  const options = conformanceApp('express', channels, { logger: new CapturedLogger() });
  return startTestApp({
    ...options,
    imports: [ChannelsMetricsModule.forRoot({ registry })],
    providers: [...(options.providers ?? []), { provide: TEST_REGISTRY, useValue: registry }],
    controllers: [MetricsController],
  });
}

async function scrape(app: TestApp): Promise<Sample[]> {
  const response = await fetch(`http://127.0.0.1:${app.port}/metrics`);
  expect(response.status).toBe(200);
  return parseSamples(await response.text());
}

describe('a scripted session', () => {
  const registry = new Registry();
  let app: TestApp;
  let clients: ClientScope;
  beforeAll(async () => {
    app = await startApp(registry);
    clients = new ClientScope(() => app.socketUrl, QUIET);
  });
  afterAll(async () => {
    await clients.disconnectAll();
    await app.close();
  });

  test('connect, refused connect, join, refused join, messages, a broadcast, a crash, disconnect: exact counts', async () => {
    await expect(clients.connected({ params: { token: 'refuse' } })).rejects.toThrow();
    const socket = await clients.connected({ params: { user: 'ann' } });
    const lobby = await clients.joined(socket, 'room:lobby');
    expect((await join(socket.channel('room:forbidden'))).status).toBe('error');
    for (let n = 0; n < 3; n++) await push(lobby, 'echo', { n });
    await push(lobby, 'shout', { hello: 'all' });

    const during = await scrape(app);
    expect(sampleValue(during, 'channels_sockets', { transport: 'websocket' })).toBe(1);
    expect(sampleValue(during, 'channels_joined_channels', { channel: 'room:*' })).toBe(1);
    expect(sampleValue(during, 'channels_topics')).toBe(1);

    lobby.push('boom', {});
    await eventually(() => lobby.state === 'errored', 'the crash reached the client');
    socket.disconnect();
    await eventually(() => app.app.get(ChannelsServerRef).connectionCount === 0, 'the server saw the close');

    const after = await scrape(app);
    const value = (name: string, labels: Record<string, string> = {}) => sampleValue(after, name, labels);
    expect(value('channels_socket_connects_total', { transport: 'websocket', result: 'ok' })).toBe(1);
    expect(value('channels_socket_connects_total', { transport: 'websocket', result: 'refused' })).toBe(1);
    expect(value('channels_socket_disconnects_total', { transport: 'websocket', reason: 'client' })).toBe(1);
    expect(value('channels_sockets', { transport: 'websocket' })).toBe(0);
    expect(value('channels_joins_total', { channel: 'room:*', result: 'ok' })).toBe(1);
    expect(value('channels_joins_total', { channel: 'room:*', result: 'error' })).toBe(1);
    expect(value('channels_joined_channels', { channel: 'room:*' })).toBe(0);
    expect(value('channels_topics')).toBe(0);
    // echo x3, shout, boom
    expect(value('channels_messages_in_total', { channel: 'room:*' })).toBe(5);
    expect(value('channels_handler_crashes_total', { channel: 'room:*' })).toBe(1);
    // Replies: the two joins, three echoes, the shout; pushes: phx_error; broadcasts: the shout to its sender.
    expect(value('channels_messages_out_total', { transport: 'websocket', kind: 'reply' })).toBe(6);
    expect(value('channels_messages_out_total', { transport: 'websocket', kind: 'push' })).toBe(1);
    expect(value('channels_messages_out_total', { transport: 'websocket', kind: 'broadcast' })).toBe(1);
    expect(value('channels_bytes_in_total', { transport: 'websocket' })).toBeGreaterThan(0);
    expect(value('channels_bytes_out_total', { transport: 'websocket' })).toBeGreaterThan(0);
    expect(value('channels_join_duration_seconds_count', { channel: 'room:*' })).toBe(2);
    expect(value('channels_handle_in_duration_seconds_count', { channel: 'room:*' })).toBe(5);
    expect(value('channels_broadcast_duration_seconds_count')).toBe(1);
    expect(value('channels_pubsub_published_total')).toBe(1);
    expect(value('channels_pubsub_received_total')).toBe(0);
    expect(value('channels_pubsub_dropped_total')).toBe(0);
    expect(value('channels_pubsub_missed_total')).toBe(0);
    expect(value('channels_pubsub_up')).toBe(1);
    expect(value('channels_presences')).toBe(0);
    // No label anywhere names a topic.
    expect(after.filter((sample) => Object.values(sample.labels).some((label) => label.startsWith('room:') && label !== 'room:*'))).toEqual([]);
  });
});

test('a socket closed by a transport error is counted with reason "error"', async () => {
  const app = await startApp(new Registry());
  try {
    const { socket } = await rawUpgrade(`${app.socketUrl}/websocket?vsn=2.0.0&user=eve`);
    socket.write(Buffer.from([0xf1, 0x80, 1, 2, 3, 4])); // reserved bits set: ws refuses the frame
    await eventually(() => app.app.get(ChannelsServerRef).connectionCount === 0, 'the server closed the socket');
    socket.destroy();
    expect(sampleValue(await scrape(app), 'channels_socket_disconnects_total', { transport: 'websocket', reason: 'error' })).toBe(1);
  } finally {
    await app.close();
  }
});

describe('cardinality', () => {
  const registry = new Registry();
  let app: TestApp;
  let clients: ClientScope;
  beforeAll(async () => {
    app = await startApp(registry, { maxChannelsPerSocket: 1_000, joinRateLimit: false, rateLimit: false });
    clients = new ClientScope(() => app.socketUrl, QUIET);
  });
  afterAll(async () => {
    await clients.disconnectAll();
    await app.close();
  });

  test('10,000 distinct topics add no series: the channel label is the route pattern', async () => {
    const sockets = await Promise.all(Array.from({ length: 11 }, (_, n) => clients.connected({ params: { user: `many${n}` } })));
    await clients.joined(sockets[10]!, 'room:first');
    const seriesBefore = (await scrape(app)).length;
    // Ten sockets of 1,000 channels: the phoenix client looks through all of a socket's channels for each message.
    const joins = sockets.slice(0, 10).flatMap((socket, s) => Array.from({ length: 1_000 }, (_, n) => join(socket.channel(`room:t${s}-${n}`), 30_000)));
    const replies = await Promise.all(joins);
    expect(replies.filter((reply) => reply.status !== 'ok')).toEqual([]);
    const samples = await scrape(app);
    expect(samples.length).toBe(seriesBefore);
    expect(sampleValue(samples, 'channels_joins_total', { channel: 'room:*', result: 'ok' })).toBe(10_001);
    expect(sampleValue(samples, 'channels_joined_channels', { channel: 'room:*' })).toBe(10_001);
    expect(sampleValue(samples, 'channels_topics')).toBe(10_001);
  }, 60_000);
});

describe('registries', () => {
  test("prom-client's default registry unless one is given; unregistered when the app closes", async () => {
    const options = conformanceApp('express', {}, { logger: new CapturedLogger() });
    const app = await startTestApp({ ...options, imports: [ChannelsMetricsModule.forRoot({ prefix: 'chat_' })] });
    try {
      expect(register.getSingleMetric('chat_sockets')).toBeDefined();
      expect(register.getSingleMetric('chat_joins_total')).toBeDefined();
    } finally {
      await app.close();
    }
    expect(register.getSingleMetric('chat_sockets')).toBeUndefined();
  });

  test('forRootAsync takes the options from a factory, e.g. a registry per app', async () => {
    const registry = new Registry();
    const options = conformanceApp('express', {}, { logger: new CapturedLogger() });
    const app = await startTestApp({ ...options, imports: [ChannelsMetricsModule.forRootAsync({ useFactory: () => ({ registry }) })] });
    try {
      expect(registry.getSingleMetric('channels_sockets')).toBeDefined();
      expect(register.getSingleMetric('channels_sockets')).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});
