import { connect, type Socket } from 'node:net';
import { CLOSE_HANDSHAKE_MS } from '../../lib/transports/websocket/ws-transport-connection.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { HARDENING_PROVIDERS } from './fixtures.js';

// A peer that never answers the close frame (half-open, or stuck in a message it never finishes)
// is cut a few seconds after the server closes, not after ws's 30 s close handshake.

let server: TestApp;
beforeAll(async () => {
  server = await startTestApp({ providers: HARDENING_PROVIDERS, channels: { idleTimeoutMs: 200 } });
});
afterAll(() => server.close());

/** A raw TCP client that completes the WebSocket upgrade and then reads nothing it answers. */
async function silentPeer(firstFrameBytes?: Buffer): Promise<Socket> {
  const socket = connect(server.port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write(
    'GET /socket/websocket?vsn=2.0.0 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  if (firstFrameBytes) socket.write(firstFrameBytes);
  return socket;
}

function cutWithin(socket: Socket, timeoutMs: number): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still open after ${timeoutMs} ms`)), timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}

test(`a peer that ignores the idle close is cut after ${CLOSE_HANDSHAKE_MS} ms, not ws's 30 s`, async () => {
  const socket = await silentPeer();
  // The idle close comes at ~200 ms; the cut must come long before ws's own 30 s.
  const closedAfter = await cutWithin(socket, 15_000);
  console.log(`a silent peer was cut ${closedAfter} ms after the upgrade`);
  expect(closedAfter).toBeGreaterThanOrEqual(CLOSE_HANDSHAKE_MS);
});

test('so is one holding an unfinished message: its buffer goes with it', async () => {
  // A masked text frame header announcing 1 MiB, followed by a few bytes only.
  const header = Buffer.from([0x81, 0xff, 0, 0, 0, 0, 0, 0x10, 0, 0, 1, 2, 3, 4]);
  const socket = await silentPeer(Buffer.concat([header, Buffer.alloc(1024, 0x61)]));
  await cutWithin(socket, 15_000);
});
