import { connect as netConnect } from 'node:net';
import { probeUpgrade, RawSocket } from '../support/raw-socket.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { CountingSocketHandler, HARDENING_PROVIDERS, HardeningJournal } from './fixtures.js';

let server: TestApp;
let journal: HardeningJournal;

beforeAll(async () => {
  server = await startTestApp({
    providers: HARDENING_PROVIDERS,
    channels: { socketHandler: CountingSocketHandler, checkOrigin: ['https://*.example.com'] },
  });
  journal = server.app.get(HardeningJournal);
});
afterAll(() => server.close());

/** Sends raw bytes and resolves with the status line the server answers (or '' if it just closes). */
function rawRequest(request: string | Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = netConnect(server.port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
    socket.end(request);
  });
}

const upgradeHeaders = (extra = '') =>
  `Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n${extra}`;

async function stillServes(): Promise<void> {
  const socket = await RawSocket.open(server.socketUrl);
  socket.send([null, '1', 'phoenix', 'heartbeat', {}]);
  await socket.reply('1');
  socket.close();
}

describe('origin allow-list', () => {
  test.each([
    ['https://a.example.com', 101],
    ['https://deep.a.example.com', 101],
    ['https://evil-example.com', 403],
    ['https://example.com.evil.io', 403],
    ['https://example.com', 403],
    ['http://a.example.com', 403],
    ['null', 403],
    ['file://', 403],
  ])('Origin %s gets %i', async (origin, status) => {
    expect((await probeUpgrade(server.socketUrl, { origin })).status).toBe(status);
  });

  test('a refused origin never reaches the socket handler', async () => {
    const before = journal.connectCalls;
    expect((await probeUpgrade(server.socketUrl, { origin: 'https://evil-example.com' })).status).toBe(403);
    expect(journal.connectCalls).toBe(before);
  });
});

describe('malformed handshakes are refused and the server keeps serving', () => {
  test.each([
    ['an unknown vsn', { vsn: '3.0.0' }],
    ['a garbage vsn', { vsn: 'x' }],
    ['vsn as an array (vsn[]=x)', { vsn: null, params: { 'vsn[]': '2.0.0' } }],
    ['an unknown subprotocol', { protocols: ['mqtt'] }],
  ])('%s: 403', async (_label, options) => {
    expect((await probeUpgrade(server.socketUrl, options as never)).status).toBe(403);
  });

  test('a repeated vsn: 403', async () => {
    const status = await rawRequest(
      `GET /socket/websocket?vsn=2.0.0&vsn=1.0.0 HTTP/1.1\r\n${upgradeHeaders('Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n')}\r\n`,
    );
    expect(status).toBe('HTTP/1.1 403 Forbidden');
  });

  test('a 64 KiB Sec-WebSocket-Protocol header is answered at once, without a crash', async () => {
    const protocols = Array.from({ length: 64 * 1024 / 8 }, (_, i) => `p${i}`.padEnd(7, 'x')).join(',');
    const started = Date.now();
    const status = await rawRequest(
      `GET /socket/websocket?vsn=2.0.0 HTTP/1.1\r\n${upgradeHeaders(`Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: ${protocols}\r\n`)}\r\n`,
    );
    // Node refuses headers over its 16 KiB limit before any listener runs.
    expect(status).toMatch(/^HTTP\/1\.1 4(31|00)/);
    console.log(`64 KiB Sec-WebSocket-Protocol answered "${status}" in ${Date.now() - started} ms`);
    await stillServes();
  });

  test('thousands of headers: 4xx, no crash', async () => {
    const headers = Array.from({ length: 5000 }, (_, i) => `X-Junk-${i}: ${i}\r\n`).join('');
    const status = await rawRequest(`GET /socket/websocket?vsn=2.0.0 HTTP/1.1\r\n${upgradeHeaders(headers)}\r\n`);
    expect(status).toMatch(/^HTTP\/1\.1 4\d\d/);
    await stillServes();
  });

  test('a bad Sec-WebSocket-Key: 400', async () => {
    const status = await rawRequest(`GET /socket/websocket?vsn=2.0.0 HTTP/1.1\r\n${upgradeHeaders('Sec-WebSocket-Key: short\r\n')}\r\n`);
    expect(status).toMatch(/^HTTP\/1\.1 400/);
    await stillServes();
  });

  test('an upgrade with the wrong method: 400', async () => {
    const status = await rawRequest(
      `POST /socket/websocket?vsn=2.0.0 HTTP/1.1\r\n${upgradeHeaders('Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nContent-Length: 0\r\n')}\r\n`,
    );
    expect(status).toMatch(/^HTTP\/1\.1 400/);
    await stillServes();
  });

  test('garbage bytes instead of HTTP: the server drops them and keeps serving', async () => {
    await rawRequest(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    await stillServes();
  });
});
