import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { HARDENING_PROVIDERS } from '../../hardening/fixtures.js';
import { websocketUrl } from '../../support/raw-socket.js';
import { rawUpgrade } from '../../support/raw-upgrade.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

// What the server answers to permessage-deflate offers (RFC 7692): the `ws` client's default
// offer, offers it must decline (the connection goes on uncompressed, never a 400), none at all.

const ANSWER = 'permessage-deflate; server_no_context_takeover; client_no_context_takeover';

/** Opens a `ws` client and resolves with the extensions header the server answered, and the socket. */
function openWith(url: string, options: WebSocket.ClientOptions): Promise<{ ws: WebSocket; answered: string | undefined }> {
  const ws = new WebSocket(websocketUrl(url), options);
  let answered: string | undefined;
  ws.once('upgrade', (response) => (answered = response.headers['sec-websocket-extensions']));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, answered }));
    ws.once('error', reject);
  });
}

/** The server's answer to a hand-written `Sec-WebSocket-Extensions` offer: the status and extensions header. */
async function answerTo(url: string, offer: string): Promise<{ status: number | undefined; extensions: string | undefined }> {
  const { response, socket } = await rawUpgrade(websocketUrl(url), { 'Sec-WebSocket-Extensions': offer });
  socket.destroy();
  return { status: response.statusCode, extensions: response.headers['sec-websocket-extensions'] };
}

describe('with compression on', () => {
  let server: TestApp;
  beforeAll(async () => {
    server = await startTestApp({ providers: HARDENING_PROVIDERS, channels: { compression: true } });
  });
  afterAll(() => server.close());

  test("ws's default offer is accepted, answered with both no_context_takeover parameters", async () => {
    const { ws, answered } = await openWith(server.socketUrl, { perMessageDeflate: true });
    expect(answered).toBe(ANSWER);
    expect(ws.extensions).toBe('permessage-deflate');
    ws.close();
  });

  test('a client that offers nothing gets no extension', async () => {
    const { ws, answered } = await openWith(server.socketUrl, { perMessageDeflate: false });
    expect(answered).toBeUndefined();
    expect(ws.extensions).toBe('');
    ws.close();
  });

  test('a smaller server window the client asks for is honoured, and what it receives decodes', async () => {
    const { ws, answered } = await openWith(server.socketUrl, { perMessageDeflate: { serverMaxWindowBits: 10 } });
    expect(answered).toBe('permessage-deflate; server_max_window_bits=10; server_no_context_takeover; client_no_context_takeover');
    // (zlib inflates back-references within one output buffer whatever its window, so this shows
    // the client decodes the frames; the window the server compresses with is unit-tested.)
    const block = randomBytes(1500).toString('base64url');
    const text = JSON.stringify({ body: block + block });
    const reply = new Promise<string>((resolve) => ws.once('message', (data: Buffer) => resolve(data.toString())));
    ws.send(JSON.stringify(['1', '1', 'h:win', 'phx_join', {}]));
    ws.send(JSON.stringify(['1', '2', 'h:win', 'echo', JSON.parse(text)]));
    await reply; // the join reply
    const echo = await new Promise<string>((resolve) => ws.once('message', (data: Buffer) => resolve(data.toString())));
    expect(JSON.parse(echo)[4]).toEqual({ status: 'ok', response: JSON.parse(text) });
    ws.close();
  });

  test.each([
    ['a 256-byte server window (zlib cannot write one)', 'permessage-deflate; server_max_window_bits=8'],
    ['an unknown parameter', 'permessage-deflate; hybrid_mode'],
    ['a parameter given twice', 'permessage-deflate; server_no_context_takeover; server_no_context_takeover'],
    ['a window out of range', 'permessage-deflate; client_max_window_bits=16'],
    ['a server window with no value', 'permessage-deflate; server_max_window_bits'],
    ['a value on a flag', 'permessage-deflate; client_no_context_takeover=1'],
    ['another extension only', 'x-webkit-deflate-frame'],
  ])('%s: declined, and the connection opens uncompressed', async (_label, offer) => {
    expect(await answerTo(server.socketUrl, offer)).toEqual({ status: 101, extensions: undefined });
  });

  test('of several offers, the first the server can honour is taken', async () => {
    const offer = 'permessage-deflate; server_max_window_bits=8, permessage-deflate; server_max_window_bits="12"; client_max_window_bits';
    expect(await answerTo(server.socketUrl, offer)).toEqual({
      status: 101,
      extensions: 'permessage-deflate; server_max_window_bits=12; server_no_context_takeover; client_no_context_takeover',
    });
  });
});

describe('with compression off (the default)', () => {
  let server: TestApp;
  beforeAll(async () => {
    server = await startTestApp({ providers: HARDENING_PROVIDERS });
  });
  afterAll(() => server.close());

  test("ws's offer is declined", async () => {
    const { ws, answered } = await openWith(server.socketUrl, { perMessageDeflate: true });
    expect(answered).toBeUndefined();
    ws.close();
  });
});
