import WebSocket from 'ws';
import { RawSocket, websocketUrl } from '../support/raw-socket.js';
import { eventually } from '../support/phoenix-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { HARDENING_PROVIDERS } from './fixtures.js';

const MAX_FRAME = 64 * 1024;
/** Small enough to reach in a test; the default is 100 at once. */
const SMALL_ALLOWANCE = { messagesPerSecond: 1, burst: 10 };
let server: TestApp;

beforeAll(async () => {
  server = await startTestApp({ providers: HARDENING_PROVIDERS, channels: { maxFrameSize: MAX_FRAME, rateLimit: false, malformedFrameAllowance: SMALL_ALLOWANCE } });
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

test('with compression off (the default) permessage-deflate is never negotiated (deflate-bomb.spec.ts has it on)', async () => {
  const ws = await openWs({ perMessageDeflate: true });
  expect(ws.extensions).toBe('');
  ws.close();
});

/** Text frames `ws` receives, parsed, and its close code once it closes. */
function listen(ws: WebSocket): { frames: unknown[]; closed: Promise<number> } {
  const frames: unknown[] = [];
  ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString())));
  return { frames, closed: closeCode(ws) };
}

/** The error reply to a malformed frame, on its refs and topic where they could be read. */
function malformedReply([joinRef, ref, topic]: ReplyHead): unknown {
  return [joinRef, ref, topic, 'phx_reply', { status: 'error', response: { reason: 'malformed frame', detail: expect.any(String) } }];
}

/** join_ref, ref and topic of a reply. */
type ReplyHead = [string | null, string | null, string];
const UNREADABLE: ReplyHead = [null, null, 'phoenix'];

describe('a malformed frame gets an error reply, the socket stays up, and nobody else notices', () => {
  // [label, frame, sent as binary, the join_ref, ref and topic the reply carries]
  const garbage: Array<[string, string | Buffer, boolean, ReplyHead]> = [
    ['not JSON', 'hello', false, UNREADABLE],
    ['a JSON object on 2.0.0', '{"topic":"h:1"}', false, UNREADABLE],
    ['wrong arity', '["1","1","h:1","phx_join"]', false, ['1', '1', 'h:1']],
    ['a number as topic', '["1","7",42,"phx_join",{}]', false, [null, '7', 'phoenix']],
    ['null event', '["1","8","h:1",null,{}]', false, ['1', '8', 'h:1']],
    ['numeric refs', '[1,2,"h:1","phx_join",{}]', false, [null, null, 'h:1']],
    ['an empty binary event', Buffer.from([0, 1, 1, 3, 0, 0x35, 0x36, 0x68, 0x3a, 0x31]), true, ['5', '6', 'h:1']],
    ['binary lengths past the frame', Buffer.from([0, 200, 200, 200, 200, 1, 2, 3]), true, UNREADABLE],
    ['a server-only binary kind', Buffer.from([2, 1, 1, 0x61, 0x62]), true, UNREADABLE],
    ['an empty binary frame', Buffer.alloc(0), true, UNREADABLE],
  ];

  test.each(garbage)('%s', async (_label, data, binary, head) => {
    const healthy = await RawSocket.open(server.socketUrl);
    const ws = await openWs();
    const { frames } = listen(ws);
    ws.send(data, { binary });
    ws.send(JSON.stringify([null, 'hb', 'phoenix', 'heartbeat', {}]));
    await eventually(() => frames.length === 2, 'the error reply and the heartbeat reply');
    expect(frames).toEqual([malformedReply(head), [null, 'hb', 'phoenix', 'phx_reply', { status: 'ok', response: {} }]]);
    healthy.send([null, '1', 'phoenix', 'heartbeat', {}]);
    await healthy.reply('1');
    healthy.close();
    ws.close();
  });

  test('the reason tells what is wrong', async () => {
    const ws = await openWs();
    const { frames } = listen(ws);
    ws.send('["1","3",42,"phx_join",{}]');
    await eventually(() => frames.length === 1, 'the error reply');
    expect(frames[0]).toEqual([null, '3', 'phoenix', 'phx_reply', {
      status: 'error', response: { reason: 'malformed frame', detail: 'topic must be a non-empty string' },
    }]);
    ws.close();
  });

  test('a 1.0.0 client gets its error reply in the 1.0.0 form', async () => {
    const ws = new WebSocket(websocketUrl(server.socketUrl, { vsn: '1.0.0' }));
    await new Promise((resolve) => ws.once('open', resolve));
    const { frames } = listen(ws);
    ws.send('["1","1","h:1","phx_join",{}]');
    await eventually(() => frames.length === 1, 'the error reply');
    expect(frames[0]).toEqual({
      topic: 'phoenix', event: 'phx_reply', ref: null, join_ref: null,
      payload: { status: 'error', response: { reason: 'malformed frame', detail: 'a 1.0.0 frame must be a JSON object' } },
    });
    ws.close();
  });

  test('the frame past the allowance (here 10 at once) closes the socket with 1007', async () => {
    const ws = await openWs();
    const { frames, closed } = listen(ws);
    for (let i = 0; i < 11; i++) ws.send(`garbage ${i}`);
    expect(await closed).toBe(1007);
    expect(frames).toEqual(Array.from({ length: 10 }, () => malformedReply(UNREADABLE)));
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

test('deep JSON (30,000 levels, within maxFrameSize) is a malformed frame: an error reply with its ref, no phx_error', async () => {
  const socket = await RawSocket.open(server.socketUrl);
  socket.send(['1', '1', 'h:deep', 'phx_join', {}]);
  expect((await socket.reply('1'))[4]).toEqual({ status: 'ok', response: {} });
  const depth = 30_000;
  socket.sendText(`["1","2","h:deep","echo",${'['.repeat(depth)}${']'.repeat(depth)}]`);
  expect((await socket.reply('2'))[4]).toEqual({
    status: 'error',
    response: { reason: 'malformed frame', detail: 'the payload nests deeper than 32 levels' },
  });
  socket.send(['1', '3', 'h:deep', 'echo', { still: 'here' }]);
  expect((await socket.reply('3'))[4]).toEqual({ status: 'ok', response: { still: 'here' } });
  expect(socket.frames.some((frame) => frame[3] === 'phx_error')).toBe(false);
  socket.close();
});

describe('malformedFrameAllowance: false', () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await startTestApp({ providers: HARDENING_PROVIDERS, channels: { malformedFrameAllowance: false } });
  });
  afterAll(() => strict.close());

  test('closes the socket at its first malformed frame (1007), as Phoenix does', async () => {
    const ws = new WebSocket(websocketUrl(strict.socketUrl));
    await new Promise((resolve) => ws.once('open', resolve));
    const { frames, closed } = listen(ws);
    ws.send('["1","1","h:1"]');
    expect(await closed).toBe(1007);
    expect(frames).toEqual([]);
  });
});

test('thousands of malformed frames over many sockets leave healthy clients chatting', async () => {
  const healthy = await RawSocket.open(server.socketUrl);
  healthy.send(['1', '1', 'h:calm', 'phx_join', {}]);
  await healthy.reply('1');
  const before = process.memoryUsage().rss;
  const attackers = await Promise.all(Array.from({ length: 20 }, () => openWs()));
  const answers = attackers.map(listen);
  for (const ws of attackers) for (let i = 0; i < 50; i++) ws.send(`garbage ${i}`);
  // Each socket: error replies for its allowance, then a close; the rest of its garbage is never read.
  expect(new Set(await Promise.all(answers.map(({ closed }) => closed)))).toEqual(new Set([1007]));
  expect(answers.map(({ frames }) => frames.length)).toEqual(attackers.map(() => 10));
  for (let i = 2; i < 12; i++) {
    healthy.send(['1', String(i), 'h:calm', 'echo', { i }]);
    expect((await healthy.reply(String(i)))[4]).toEqual({ status: 'ok', response: { i } });
  }
  console.log(`RSS growth after 1,000 malformed frames on 20 sockets: ${process.memoryUsage().rss - before} bytes`);
  healthy.close();
  await eventually(() => !healthy.isOpen, 'the healthy socket to close');
});
