import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { releaseInflater } from '../../../lib/transports/websocket/inflater-release.js';

// releaseInflater reaches into ws's PerMessageDeflate: this pins what it relies on, so that a ws
// upgrade that moves it fails here.

type Internals = WebSocket & { _extensions: Record<string, { _inflate: unknown } | undefined> };

test('frees the inflate stream ws keeps after a message; the next compressed message gets a new one', async () => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: { clientNoContextTakeover: true, serverNoContextTakeover: true } });
  await new Promise((resolve) => wss.once('listening', resolve));
  const states: Array<{ text: string; heldBefore: boolean; heldAfter: boolean }> = [];
  wss.on('connection', (server) => {
    server.on('message', (data: Buffer) => {
      const extension = (server as Internals)._extensions['permessage-deflate']!;
      const heldBefore = extension._inflate !== null;
      releaseInflater(server);
      states.push({ text: data.toString(), heldBefore, heldAfter: extension._inflate !== null });
    });
  });
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { perMessageDeflate: { threshold: 0 } });
  await new Promise((resolve) => client.once('open', resolve));
  const long = 'compress me '.repeat(200);
  client.send(long);
  client.send('again');
  client.send(long);
  const deadline = Date.now() + 3000;
  while (states.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  client.close();
  wss.close();
  expect(states).toEqual([
    { text: long, heldBefore: true, heldAfter: false },
    { text: 'again', heldBefore: true, heldAfter: false },
    { text: long, heldBefore: true, heldAfter: false },
  ]);
});

test('a socket without the extension is left alone', () => {
  expect(() => releaseInflater({} as WebSocket)).not.toThrow();
});
