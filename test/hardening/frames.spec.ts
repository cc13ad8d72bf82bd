import WebSocket from 'ws';
import { RawSocket, websocketUrl } from '../support/raw-socket.js';
import { eventually } from '../support/phoenix-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { HARDENING_PROVIDERS } from './fixtures.js';

const MAX_FRAME = 64 * 1024;
let server: TestApp;

beforeAll(async () => {
  server = await startTestApp({ providers: HARDENING_PROVIDERS, channels: { maxFrameSize: MAX_FRAME, rateLimit: false } });
});
afterAll(() => server.close());

function openWs(options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  const ws = new WebSocket(websocketUrl(server.socketUrl), options);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function closeCode(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

test('a frame over maxFrameSize closes the socket with 1009, and memory stays bounded', async () => {
  const ws = await openWs();
  const closed = closeCode(ws);
  const before = process.memoryUsage().rss;
  ws.send(Buffer.alloc(MAX_FRAME * 4, 0x61));
  expect(await closed).toBe(1009);
  const grown = process.memoryUsage().rss - before;
  console.log(`RSS growth after a ${MAX_FRAME * 4}-byte frame against a ${MAX_FRAME}-byte cap: ${grown} bytes`);
});

test('invalid UTF-8 in a text frame closes with 1007', async () => {
  const ws = await openWs();
  const closed = closeCode(ws);
  // A text frame whose payload is not UTF-8: ws (client) lets us send it raw.
  ws.send(Buffer.from([0x5b, 0xff, 0xfe, 0x5d]), { binary: false });
  expect(await closed).toBe(1007);
});

test('permessage-deflate is never negotiated, so no deflate bomb can reach the server', async () => {
  const ws = await openWs({ perMessageDeflate: true });
  expect(ws.extensions).toBe('');
  ws.close();
});

describe('malformed frames close only the socket that sent them (1007), with no prototype pollution', () => {
  const garbage: Array<[string, string | Buffer, boolean]> = [
    ['not JSON', 'hello', false],
    ['a JSON object on 2.0.0', '{"topic":"h:1"}', false],
    ['wrong arity', '["1","1","h:1","phx_join"]', false],
    ['a number as topic', '["1","1",42,"phx_join",{}]', false],
    ['null event', '["1","1","h:1",null,{}]', false],
    ['numeric refs', '[1,2,"h:1","phx_join",{}]', false],
    ['binary lengths past the frame', Buffer.from([0, 200, 200, 200, 200, 1, 2, 3]), true],
    ['a server-only binary kind', Buffer.from([2, 1, 1, 0x61, 0x62]), true],
    ['an empty binary frame', Buffer.alloc(0), true],
  ];

  test.each(garbage)('%s', async (_label, data, binary) => {
    const healthy = await RawSocket.open(server.socketUrl);
    const ws = await openWs();
    const closed = closeCode(ws);
    ws.send(data, { binary });
    expect(await closed).toBe(1007);
    healthy.send([null, '1', 'phoenix', 'heartbeat', {}]);
    await healthy.reply('1');
    healthy.close();
  });

  test('a 10 KB event name and __proto__ / constructor as topic or event are plain strings', async () => {
    const socket = await RawSocket.open(server.socketUrl);
    socket.send(['1', '1', 'h:proto', 'phx_join', {}]);
    await socket.reply('1');
    socket.send(['1', '2', 'h:proto', 'x'.repeat(10_000), {}]);
    expect((await socket.reply('2'))[4]).toEqual({ status: 'error', response: { reason: 'unhandled event' } });
    socket.send(['3', '3', '__proto__', 'phx_join', {}]);
    expect((await socket.reply('3'))[4]).toEqual({ status: 'error', response: { reason: 'unmatched topic' } });
    socket.send(['1', '4', 'h:proto', 'constructor', { __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } }]);
    expect((await socket.reply('4'))[4]).toEqual({ status: 'error', response: { reason: 'unhandled event' } });
    socket.send(['1', '5', 'h:proto', 'echo', JSON.parse('{"__proto__":{"polluted":true}}')]);
    await socket.reply('5');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    socket.close();
  });
});

test('thousands of malformed frames over many sockets leave healthy clients chatting', async () => {
  const healthy = await RawSocket.open(server.socketUrl);
  healthy.send(['1', '1', 'h:calm', 'phx_join', {}]);
  await healthy.reply('1');
  const before = process.memoryUsage().rss;
  const attackers = await Promise.all(Array.from({ length: 20 }, () => openWs()));
  const closes = attackers.map(closeCode);
  for (const ws of attackers) for (let i = 0; i < 50; i++) ws.send(`garbage ${i}`);
  expect(new Set(await Promise.all(closes))).toEqual(new Set([1007]));
  for (let i = 2; i < 12; i++) {
    healthy.send(['1', String(i), 'h:calm', 'echo', { i }]);
    expect((await healthy.reply(String(i)))[4]).toEqual({ status: 'ok', response: { i } });
  }
  console.log(`RSS growth after 1,000 malformed frames on 20 sockets: ${process.memoryUsage().rss - before} bytes`);
  healthy.close();
  await eventually(() => !healthy.isOpen, 'the healthy socket to close');
});
