import type { Socket as PhoenixSocket } from 'phoenix';
import { conformanceApp } from '../fixtures/conformance.app.js';
import { useTestApp } from '../support/app-scope.js';
import { useClients } from '../support/client-scope.js';
import { describeEachTarget, WEBSOCKET_TARGETS } from '../support/matrix.js';
import { collect, eventually, nextEvent, push } from '../support/phoenix-client.js';
import { transportOf } from '../support/phoenix-internals.js';
import { chatText } from '../support/chat-text.js';

// The official phoenix client on `ws` (which offers permessage-deflate, as browsers do) against a
// server with compression on: everything it sends and receives is intact, and what is worth
// compressing crosses the wire compressed, in both directions.

/** The client's `ws` socket: what it negotiated, and the bytes its TCP socket read. */
function wireOf(socket: PhoenixSocket): { extensions: string; bytesRead(): number; bytesWritten(): number } {
  const ws = transportOf(socket) as unknown as { extensions: string; _socket: { bytesRead: number; bytesWritten: number } };
  return { extensions: ws.extensions, bytesRead: () => ws._socket.bytesRead, bytesWritten: () => ws._socket.bytesWritten };
}

describeEachTarget(
  'compression with the phoenix client on ws',
  (target) => {
    const app = useTestApp(() => conformanceApp(target.platform, { compression: true, maxFrameSize: 64 * 1024 }));
    const clients = useClients(app, target);

    test('the client negotiates permessage-deflate', async () => {
      const socket = await clients.connected();
      expect(wireOf(socket).extensions).toBe('permessage-deflate');
    });

    test('a 2 KB broadcast reaches every subscriber intact and compressed', async () => {
      const sockets = [await clients.connected(), await clients.connected()];
      const channels = await Promise.all(sockets.map((socket) => clients.joined(socket, 'room:zip')));
      const body = chatText(2000);
      const before = sockets.map((socket) => wireOf(socket).bytesRead());
      const arrivals = channels.map((channel) => nextEvent(channel, 'shout'));
      expect((await push(channels[0]!, 'shout', { body })).status).toBe('ok');
      expect(await Promise.all(arrivals)).toEqual([{ body }, { body }]);
      const read = sockets.map((socket, i) => wireOf(socket).bytesRead() - before[i]!);
      // The sender also read its reply ({sent: true}, uncompressed, under 100 bytes).
      for (const bytes of read) expect(bytes).toBeLessThan(800);
    });

    test('a large reply to one socket is compressed; a small one arrives as well', async () => {
      const socket = await clients.connected();
      const channel = await clients.joined(socket, 'room:zip-reply');
      const payload = { text: chatText(4000) };
      const before = wireOf(socket).bytesRead();
      expect(await push(channel, 'echo', payload)).toEqual({ status: 'ok', response: payload });
      expect(wireOf(socket).bytesRead() - before).toBeLessThan(1200);
      expect(await push(channel, 'echo', { small: 1 })).toEqual({ status: 'ok', response: { small: 1 } });
    });

    test('compressed and uncompressed frames of one burst arrive in order', async () => {
      const socket = await clients.connected();
      const channel = await clients.joined(socket, 'room:zip-order');
      const seen = collect<{ n: number }>(channel, 'shout');
      const pushes = [];
      for (let n = 0; n < 20; n++) pushes.push(push(channel, 'shout', n % 2 ? { n } : { n, body: chatText(3000) }));
      await Promise.all(pushes);
      await eventually(() => seen.length === 20, 'every shout');
      expect(seen.map((payload) => payload.n)).toEqual([...Array(20).keys()]);
    });

    test('what the client sends compressed is decompressed, and counted decompressed', async () => {
      const socket = await clients.connected();
      const channel = await clients.joined(socket, 'room:zip-in');
      // ws compresses what the client sends from 1 KB: 40 KB of text cross as a few hundred bytes.
      const payload = { text: chatText(40_000) };
      const before = wireOf(socket).bytesWritten();
      expect(await push(channel, 'echo', payload)).toEqual({ status: 'ok', response: payload });
      expect(wireOf(socket).bytesWritten() - before).toBeLessThan(4000);
    });
  },
  WEBSOCKET_TARGETS,
);

describe('the inbound byte allowance with compression', () => {
  const app = useTestApp(() =>
    conformanceApp('express', { compression: true, maxFrameSize: 64 * 1024, byteRateLimit: { bytesPerSecond: 1, burstBytes: 64 * 1024 } }),
  );
  const clients = useClients(app, '2.0.0');

  test('counts decompressed bytes: two 40 KB pushes that cross as a few hundred bytes each pass the allowance once', async () => {
    const socket = await clients.connected();
    const channel = await clients.joined(socket, 'room:zip-allowance');
    const payload = { text: chatText(40_000) };
    const before = wireOf(socket).bytesWritten();
    expect((await push(channel, 'echo', payload)).status).toBe('ok');
    expect(await push(channel, 'echo', payload)).toEqual({ status: 'error', response: { reason: 'rate limited' } });
    expect(wireOf(socket).bytesWritten() - before).toBeLessThan(8000);
  });
});

describeEachTarget(
  'binary payloads with compression',
  (target) => {
    const app = useTestApp(() => conformanceApp(target.platform, { compression: true }));
    const clients = useClients(app, target);

    test('a large binary broadcast arrives intact and compressed; a binary push and reply too', async () => {
      const socket = await clients.connected();
      const channel = await clients.joined(socket, 'room:zip-bin');
      const bytes = new Uint8Array(8000).map((_, i) => i % 16);
      const before = wireOf(socket).bytesRead();
      const arrival = nextEvent(channel, 'shout');
      await push(channel, 'shout', bytes.buffer);
      expect(new Uint8Array(await arrival)).toEqual(bytes);
      expect(wireOf(socket).bytesRead() - before).toBeLessThan(1000);

      const pushed = nextEvent(channel, 'bytes');
      const reply = await push(channel, 'bytes', bytes.buffer);
      expect(new Uint8Array(reply.response as ArrayBuffer)).toEqual(new Uint8Array([...Buffer.from('ack:'), ...bytes]));
      expect(new Uint8Array(await pushed)).toEqual(bytes.slice().reverse());
    });
  },
  WEBSOCKET_TARGETS.filter((target) => target.vsn === '2.0.0'),
);
