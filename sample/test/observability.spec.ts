import { join, nextEvent, push } from '../../test/support/phoenix-client.js';
import { parseSamples, sampleValue } from '../../test/observability/prometheus-text.js';
import { SampleClients, signIn, startSampleApp, type SampleApp } from './support/sample-app.js';

/** The sample contract's observability section: GET /metrics and GET /health. */

let server: SampleApp;
const clients = new SampleClients(() => server.socketUrl);
beforeAll(async () => {
  server = await startSampleApp();
});
afterEach(() => clients.disconnectAll());
afterAll(() => server.close());

const METRIC_NAMES = [
  'channels_sockets',
  'channels_joined_channels',
  'channels_topics',
  'channels_presences',
  'channels_pubsub_up',
  'channels_socket_connects_total',
  'channels_socket_disconnects_total',
  'channels_joins_total',
  'channels_messages_in_total',
  'channels_messages_out_total',
  'channels_bytes_in_total',
  'channels_bytes_out_total',
  'channels_handler_crashes_total',
  'channels_recoveries_total',
  'channels_pubsub_published_total',
  'channels_pubsub_received_total',
  'channels_pubsub_dropped_total',
  'channels_pubsub_missed_total',
  'channels_join_duration_seconds',
  'channels_handle_in_duration_seconds',
  'channels_broadcast_duration_seconds',
];

test('GET /metrics answers the Prometheus text format with every metric, labelled by channel pattern, never by topic', async () => {
  const token = await signIn(server.baseUrl, 'ann');
  const { channel } = await clients.joined(await clients.connected(token), 'room:metrics-lobby');
  await push(channel, 'new_msg', { body: 'counted' });

  const response = await fetch(`${server.baseUrl}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  for (const name of METRIC_NAMES) expect(text).toContain(`# TYPE ${name} `);
  const samples = parseSamples(text);
  expect(sampleValue(samples, 'channels_sockets', { transport: 'websocket' })).toBe(1);
  expect(sampleValue(samples, 'channels_joins_total', { channel: 'room:*', result: 'ok' })).toBeGreaterThanOrEqual(1);
  expect(sampleValue(samples, 'channels_messages_in_total', { channel: 'room:*' })).toBeGreaterThanOrEqual(1);
  expect(sampleValue(samples, 'channels_presences')).toBe(1);
  expect(text).not.toContain('metrics-lobby');
});

test('GET /health answers 200 with a JSON status and the PubSub link state', async () => {
  const response = await fetch(`${server.baseUrl}/health`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = await response.json();
  expect(body).toMatchObject({ status: 'ok', details: { channels: { status: 'up', draining: false, pubsub: { state: 'up' } } } });
});

test('GET /channels/dashboard serves the dashboard to a signed-in user only', async () => {
  expect((await fetch(`${server.baseUrl}/channels/dashboard`)).status).toBe(403);
  expect((await fetch(`${server.baseUrl}/channels/dashboard?token=forged`)).status).toBe(403);
  const token = await signIn(server.baseUrl, 'ops');
  const page = await fetch(`${server.baseUrl}/channels/dashboard?token=${encodeURIComponent(token)}`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  const html = await page.text();
  expect(html).toContain('nestjs-channels dashboard');
  // The page's socket signs in with the page's own ?token= (the sample's socket handler needs
  // one), then joins the reserved dashboard topic with the grant the guarded page embeds.
  const grant = /"grant":"([^"]+)"/.exec(html)?.[1];
  const socket = await clients.connected(token);
  expect(await join(socket.channel('phx_dashboard', {}))).toMatchObject({ status: 'error', response: { reason: 'unauthorized' } });
  const channel = socket.channel('phx_dashboard', { grant });
  const view = nextEvent<{ nodes: unknown[] }>(channel, 'view');
  expect(await join(channel)).toEqual({ status: 'ok', response: {} });
  expect((await view).nodes.length).toBeLessThanOrEqual(1);
  let nodes: unknown[] = [];
  const deadline = Date.now() + 5000;
  while (nodes.length === 0 && Date.now() < deadline) {
    const data = await fetch(`${server.baseUrl}/channels/dashboard/data`, { headers: { authorization: `Bearer ${token}` } });
    expect(data.status).toBe(200);
    nodes = ((await data.json()) as { nodes: unknown[] }).nodes;
    if (nodes.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(nodes).toHaveLength(1);
});
