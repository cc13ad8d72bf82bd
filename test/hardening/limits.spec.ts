import { once } from 'node:events';
import { WebSocket } from 'ws';
import { RawSocket, websocketUrl } from '../support/raw-socket.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { HARDENING_PROVIDERS } from './fixtures.js';

let server: TestApp;

beforeAll(async () => {
  server = await startTestApp({
    providers: HARDENING_PROVIDERS,
    channels: { maxChannelsPerSocket: 3, rateLimit: { messagesPerSecond: 50, burst: 20 } },
  });
});
afterAll(() => server.close());

test('the join past maxChannelsPerSocket gets "too many channels joined"; leaving frees a slot', async () => {
  const socket = await RawSocket.open(server.socketUrl);
  for (const n of [1, 2, 3]) {
    socket.send([String(n), String(n), `h:${n}`, 'phx_join', {}]);
    expect((await socket.reply(String(n)))[4]).toEqual({ status: 'ok', response: {} });
  }
  socket.send(['4', '4', 'h:4', 'phx_join', {}]);
  expect((await socket.reply('4'))[4]).toEqual({ status: 'error', response: { reason: 'too many channels joined' } });
  socket.send(['1', '5', 'h:1', 'phx_leave', {}]);
  await socket.reply('5');
  socket.send(['6', '6', 'h:4', 'phx_join', {}]);
  expect((await socket.reply('6'))[4]).toEqual({ status: 'ok', response: {} });
  socket.close();
});

test('a topic over 255 bytes is refused with "invalid topic"', async () => {
  const socket = await RawSocket.open(server.socketUrl);
  socket.send(['1', '1', `h:${'x'.repeat(254)}`, 'phx_join', {}]);
  expect((await socket.reply('1'))[4]).toEqual({ status: 'error', response: { reason: 'invalid topic' } });
  socket.close();
});

test('a flooding socket is throttled with "rate limited", then closed with 1008; others are unaffected', async () => {
  const flooder = await RawSocket.open(server.socketUrl);
  const bystander = await RawSocket.open(server.socketUrl);
  let sent = 0;
  const started = Date.now();
  while (flooder.isOpen && sent < 10_000) {
    sent += 1;
    flooder.send([null, String(sent), 'phoenix', 'heartbeat', {}]);
    if (sent % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const { code } = await flooder.closed;
  expect(code).toBe(1008);
  const replies = flooder.frames.filter((frame) => frame[3] === 'phx_reply');
  expect(replies.filter((frame) => (frame[4] as { status: string }).status === 'ok').length).toBeGreaterThanOrEqual(20);
  expect(replies.some((frame) => (frame[4] as { response: unknown }).response !== undefined &&
    JSON.stringify(frame[4]) === JSON.stringify({ status: 'error', response: { reason: 'rate limited' } }))).toBe(true);
  console.log(`flooder closed after ${sent} frames in ${Date.now() - started} ms; ${replies.length} replies`);
  bystander.send([null, '1', 'phoenix', 'heartbeat', {}]);
  expect((await bystander.reply('1'))[4]).toEqual({ status: 'ok', response: {} });
  bystander.close();
});

test('pings count against the rate limit: only accepted ones get a pong, and a ping flood is closed with 1008', async () => {
  const ws = new WebSocket(websocketUrl(server.socketUrl));
  await once(ws, 'open');
  let pongs = 0;
  ws.on('pong', () => pongs++);
  const closed = once(ws, 'close') as Promise<[number, Buffer]>;
  let sent = 0;
  while (ws.readyState === WebSocket.OPEN && sent < 100_000) {
    ws.ping();
    sent++;
    if (sent % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const [code] = await closed;
  expect(code).toBe(1008);
  // The bucket holds 20 tokens and refills at 50/s: far fewer pongs than pings.
  console.log(`ping flood: ${sent} pings sent, ${pongs} pongs, closed with ${code}`);
  expect(pongs).toBeLessThan(sent / 2);
  expect(pongs).toBeGreaterThan(0);
});
