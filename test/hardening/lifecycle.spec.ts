import { connect as netConnect } from 'node:net';
import WebSocket from 'ws';
import { ChannelsEvents, PubSub, type SocketDisconnectEvent } from '../../lib/index.js';
import { EventSubscriptions } from '../../lib/observability/event-subscriptions.js';
import { ChannelsRuntime } from '../../lib/channels-runtime.js';
import { eventually } from '../support/phoenix-client.js';
import { RawSocket, websocketUrl } from '../support/raw-socket.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { HARDENING_PROVIDERS, HardeningJournal } from './fixtures.js';

describe('isolation and lifecycle', () => {
  let server: TestApp;
  let pubsub: PubSub;
  let runtime: ChannelsRuntime;

  beforeAll(async () => {
    server = await startTestApp({ providers: HARDENING_PROVIDERS, channels: { rateLimit: false } });
    pubsub = server.app.get(PubSub);
    runtime = server.app.get(ChannelsRuntime);
  });
  afterAll(() => server.close());

  test('a throwing join answers "join crashed" and leaves no subscription behind', async () => {
    const socket = await RawSocket.open(server.socketUrl);
    socket.send(['1', '1', 'h:crash', 'phx_join', {}]);
    expect((await socket.reply('1'))[4]).toEqual({ status: 'error', response: { reason: 'join crashed' } });
    expect(pubsub.subscriberCount('h:crash')).toBe(0);
    socket.send(['2', '2', 'h:fine', 'phx_join', {}]);
    expect((await socket.reply('2'))[4]).toEqual({ status: 'ok', response: {} });
    socket.close();
    await socket.closed;
    await eventually(() => runtime.connections.size === 0, 'the socket to be gone on the server');
  });

  test('1,000 connect/join/abrupt-reset cycles return sockets and subscriptions to baseline', async () => {
    const baseline = { connections: runtime.connections.size, topics: pubsub.topicCount };
    const heapBefore = process.memoryUsage().heapUsed;
    const cycles = 1000;
    const batch = 50;
    for (let done = 0; done < cycles; done += batch) {
      await Promise.all(
        Array.from({ length: batch }, async (_, i) => {
          const ws = new WebSocket(websocketUrl(server.socketUrl));
          await new Promise((resolve, reject) => {
            ws.once('open', resolve);
            ws.once('error', reject);
          });
          const topic = `h:cycle-${done + i}`;
          ws.send(JSON.stringify(['1', '1', topic, 'phx_join', {}]));
          await new Promise((resolve) => ws.once('message', resolve));
          // An abrupt TCP reset: no close frame, no FIN handshake.
          (ws as unknown as { _socket: { resetAndDestroy(): void } })._socket.resetAndDestroy();
        }),
      );
    }
    await eventually(
      () => runtime.connections.size === baseline.connections && pubsub.topicCount === baseline.topics,
      'every reset socket and its subscriptions to be gone',
      10_000,
    );
    const heapAfter = process.memoryUsage().heapUsed;
    console.log(`after ${cycles} reset cycles: ${runtime.connections.size} connections, ${pubsub.topicCount} topics, heap ${heapBefore} -> ${heapAfter} bytes`);
  });
});

describe('slow consumers', () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startTestApp({
      providers: HARDENING_PROVIDERS,
      channels: { rateLimit: false, maxOutboundBufferBytes: 256 * 1024 },
    });
  });
  afterAll(() => server.close());

  test('a subscriber that reads nothing is dropped past the outbound cap; others get everything', async () => {
    const healthy = await RawSocket.open(server.socketUrl);
    healthy.send(['1', '1', 'h:busy', 'phx_join', {}]);
    await healthy.reply('1');

    // A hand-made WebSocket client that joins, then never reads again.
    const stalled = netConnect(server.port, '127.0.0.1');
    await new Promise((resolve) => stalled.once('connect', resolve));
    stalled.write(
      'GET /socket/websocket?vsn=2.0.0 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    await new Promise((resolve) => stalled.once('data', resolve));
    stalled.write(maskedTextFrame(JSON.stringify(['1', '1', 'h:busy', 'phx_join', {}])));
    await new Promise((resolve) => setTimeout(resolve, 100));
    stalled.pause();
    stalled.on('error', () => undefined);
    const runtime = server.app.get(ChannelsRuntime);
    expect(runtime.connections.size).toBe(2);

    // Enough to overflow the kernel's loopback buffers (several MB each way) and then the cap.
    const count = 1000;
    const disconnects: string[] = [];
    const subscriptions = new EventSubscriptions().on<SocketDisconnectEvent>(ChannelsEvents.socketDisconnect, ({ reason }) => disconnects.push(reason));
    healthy.send(['1', '2', 'h:busy', 'flood', { count, size: 32 * 1024, perTurn: 4 }]);
    await eventually(() => runtime.connections.size === 1, 'the stalled subscriber to be dropped', 10_000);
    subscriptions.close();
    // The observability events say why (issue 20). Events are process-wide: another test file's
    // lingering client in this jest worker may add its own disconnect, hence toContain.
    expect(disconnects).toContain('slow_consumer');
    await eventually(
      () => healthy.frames.filter((frame) => frame[3] === 'blob').length === count,
      'the healthy subscriber to receive every broadcast',
      10_000,
    );
    healthy.close();
    stalled.destroy();
  });
});

describe('graceful drain', () => {
  test('app.close() closes every socket with 1012 in batches and runs every @Terminate', async () => {
    const server = await startTestApp({
      providers: HARDENING_PROVIDERS,
      channels: { rateLimit: false, drain: { batchSize: 10, batchIntervalMs: 20 } },
    });
    const journal = server.app.get(HardeningJournal);
    const sockets = await Promise.all(Array.from({ length: 35 }, () => RawSocket.open(server.socketUrl)));
    await Promise.all(
      sockets.map(async (socket, i) => {
        socket.send(['1', '1', `h:drain-${i}`, 'phx_join', {}]);
        await socket.reply('1');
      }),
    );
    const started = Date.now();
    await server.close();
    const codes = await Promise.all(sockets.map((socket) => socket.closed.then(({ code }) => code)));
    expect(new Set(codes)).toEqual(new Set([1012]));
    expect(journal.terminated.filter((entry) => entry.reason === 'shutdown')).toHaveLength(35);
    console.log(`drained 35 sockets in batches of 10 in ${Date.now() - started} ms`);
  });
});

/** A client-to-server text frame (clients must mask), for a client that is not `ws`. */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = Buffer.from([1, 2, 3, 4]);
  const header = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 255]);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]));
  return Buffer.concat([header, mask, masked]);
}
