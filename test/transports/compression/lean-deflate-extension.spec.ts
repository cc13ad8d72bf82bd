import type { AddressInfo } from 'node:net';
import { constants, deflateRawSync } from 'node:zlib';
import * as wsModule from 'ws';
import { WebSocket, WebSocketServer } from 'ws';
import { leanDeflateExtension } from '../../../lib/transports/websocket/lean-deflate-extension.js';
import { eventually } from '../../support/phoenix-client.js';
import { rawUpgrade, serverCloseCode } from '../../support/raw-upgrade.js';

// leanDeflateExtension replaces ws's per-socket inflate stream and shares the negotiated
// parameters: this pins what it relies on in ws (its PerMessageDeflate's decompress, params and
// _maxPayload, its Receiver's error factory), so that a ws upgrade that moves them fails here.

const { Sender } = wsModule as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } };
type Internals = WebSocket & { _extensions: Record<string, { _inflate: unknown; params: object; _options: object } | undefined> };

let wss: WebSocketServer;
let url: string;
const received: Array<{ data: Buffer; isBinary: boolean; inflateStreamKept: boolean }> = [];
const sharedSeen: Array<{ params: object; options: object }> = [];

beforeAll(async () => {
  wss = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    maxPayload: 64 * 1024,
    perMessageDeflate: { clientNoContextTakeover: true, serverNoContextTakeover: true },
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  wss.on('connection', (server) => {
    leanDeflateExtension(server);
    const extension = (server as Internals)._extensions['permessage-deflate']!;
    sharedSeen.push({ params: extension.params, options: extension._options });
    // ws reports what it closes a socket for (1009, 1007) as an error, then closes it.
    server.on('error', () => undefined);
    server.on('message', (data: Buffer, isBinary: boolean) => {
      received.push({ data, isBinary, inflateStreamKept: (server as Internals)._extensions['permessage-deflate']!._inflate !== null });
    });
  });
});
afterAll(() => wss.close());
beforeEach(() => (received.length = 0));

async function compressingClient(): Promise<WebSocket> {
  const client = new WebSocket(url, { perMessageDeflate: { threshold: 0 } });
  await new Promise((resolve) => client.once('open', resolve));
  return client;
}

test('messages a client compresses arrive whole, text and binary, fragmented or not; ws keeps no inflate stream', async () => {
  const client = await compressingClient();
  const long = 'compress me '.repeat(500);
  client.send(long);
  client.send(Buffer.alloc(3000, 7));
  client.send('frag-', { fin: false });
  client.send('ment-', { fin: false });
  client.send('ed', { fin: true });
  client.send('small');
  await eventually(() => received.length === 4, 'four messages');
  client.close();
  expect(received.map(({ data, isBinary }) => (isBinary ? data.length : data.toString()))).toEqual([long, 3000, 'frag-ment-ed', 'small']);
  expect(received[1]!.data).toEqual(Buffer.alloc(3000, 7));
  expect(received.map(({ inflateStreamKept }) => inflateStreamKept)).toEqual([false, false, false, false]);
});

test('a message that inflates past maxPayload closes with 1009', async () => {
  const { socket } = await rawUpgrade(url, { 'Sec-WebSocket-Extensions': 'permessage-deflate' });
  const bomb = deflateRawSync(Buffer.alloc(1024 * 1024), { finishFlush: constants.Z_SYNC_FLUSH });
  const closed = serverCloseCode(socket);
  socket.write(Buffer.concat(Sender.frame(bomb.subarray(0, -4), { fin: true, rsv1: true, opcode: 1, mask: true, readOnly: false })));
  expect(await closed).toBe(1009);
  socket.destroy();
  expect(received).toEqual([]);
});

test('data that is not deflate closes with 1007', async () => {
  const { socket } = await rawUpgrade(url, { 'Sec-WebSocket-Extensions': 'permessage-deflate' });
  const closed = serverCloseCode(socket);
  socket.write(Buffer.concat(Sender.frame(Buffer.from([0xff, 0xff, 0xff, 0xff]), { fin: true, rsv1: true, opcode: 1, mask: true, readOnly: false })));
  expect(await closed).toBe(1007);
  socket.destroy();
});

test('a socket without the extension is left alone', () => {
  expect(() => leanDeflateExtension({} as WebSocket)).not.toThrow();
});

test('sockets with the same options and parameters share one object of each', async () => {
  const before = sharedSeen.length;
  const clients = [await compressingClient(), await compressingClient()];
  for (const client of clients) client.close();
  const [first, second] = sharedSeen.slice(before);
  expect(first!.params).toEqual({ server_no_context_takeover: true, client_no_context_takeover: true });
  expect(first!.options).toMatchObject({ serverNoContextTakeover: true, clientNoContextTakeover: true, isServer: true, maxPayload: 64 * 1024 });
  expect(second!.params).toBe(first!.params);
  expect(second!.options).toBe(first!.options);
});
