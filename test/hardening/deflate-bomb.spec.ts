import { constants, deflateRawSync } from 'node:zlib';
import * as ws from 'ws';
import { websocketUrl } from '../support/raw-socket.js';
import { rawUpgrade, serverCloseCode } from '../support/raw-upgrade.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { HARDENING_PROVIDERS } from './fixtures.js';

// A compressed frame small on the wire whose content inflates far past maxFrameSize: the server
// closes it with 1009 after inflating no more than the cap, so a few hundred KB cannot make it
// hold hundreds of MB.

const MAX_FRAME = 1024 * 1024;
const MIB = 1024 * 1024;
const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } };

/**
 * `mebibytes` MiB of zeros as one permessage-deflate payload, built without holding them: the
 * sync-flushed compression of 1 MiB repeated (each piece ends on a byte boundary, non-final).
 */
function deflateBomb(mebibytes: number): Buffer {
  const piece = deflateRawSync(Buffer.alloc(MIB), { finishFlush: constants.Z_SYNC_FLUSH });
  return Buffer.concat(Array.from({ length: mebibytes }, () => piece));
}

/** A masked client frame with RSV1 set: a compressed message. */
function compressedFrame(payload: Buffer): Buffer {
  return Buffer.concat(Sender.frame(payload, { fin: true, rsv1: true, opcode: 1, mask: true, readOnly: false }));
}

let server: TestApp;
beforeAll(async () => {
  server = await startTestApp({ providers: HARDENING_PROVIDERS, channels: { compression: true, maxFrameSize: MAX_FRAME } });
});
afterAll(() => server.close());

test('a deflate bomb closes with 1009 while the server holds no more than the cap', async () => {
  const bomb = deflateBomb(512);
  expect(bomb.length).toBeLessThan(MAX_FRAME); // small enough to pass the compressed-size check
  const sockets = await Promise.all(
    Array.from({ length: 4 }, () => rawUpgrade(websocketUrl(server.socketUrl), { 'Sec-WebSocket-Extensions': 'permessage-deflate' })),
  );
  for (const { response } of sockets) expect(response.headers['sec-websocket-extensions']).toMatch(/^permessage-deflate/);
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const closes = sockets.map(({ socket }) => serverCloseCode(socket));
  // Four at once, 2 GiB inflated if nothing stopped it.
  for (const { socket } of sockets) socket.write(compressedFrame(Buffer.from(bomb)));
  const codes = await Promise.all(closes);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  for (const { socket } of sockets) socket.destroy();
  expect(codes).toEqual([1009, 1009, 1009, 1009]);
  console.log(`RSS growth while 4 sockets sent 512 MiB deflate bombs against a 1 MiB cap: ${((peak - before) / MIB).toFixed(1)} MiB`);
  // Each socket may hold up to the cap (and zlib's buffers); the bombs would be 2,048 MiB.
  expect(peak - before).toBeLessThan(64 * MIB);
});

test('a compressed message within the cap is answered', async () => {
  const { socket } = await rawUpgrade(websocketUrl(server.socketUrl), { 'Sec-WebSocket-Extensions': 'permessage-deflate' });
  const join = Buffer.from(JSON.stringify(['1', '1', 'h:bomb', 'phx_join', {}]));
  const payload = deflateRawSync(join, { finishFlush: constants.Z_SYNC_FLUSH });
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.write(compressedFrame(payload.subarray(0, payload.length - 4)));
  const deadline = Date.now() + 3000;
  while (!Buffer.concat(received).includes('phx_reply') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  socket.destroy();
  // The reply is under the threshold: uncompressed, so its text is readable on the wire.
  expect(Buffer.concat(received).toString('latin1')).toContain('"phx_reply",{"status":"ok"');
});
