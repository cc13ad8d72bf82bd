import { LongPoll, type Socket as PhoenixSocket } from 'phoenix';
import { ChannelsServer } from '../../lib/index.js';
import { connect, createClient, eventually, join, nextEvent, push, type ClientOptions } from '../support/phoenix-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { LongPollChannel, LongPollJournal, LongPollSocketHandler } from './fixtures.js';
import { endlessUpload, LongPollHttp } from './lp-http.js';

const WINDOW_MS = 300;
let server: TestApp;
let http: LongPollHttp;
let journal: LongPollJournal;
const clients: PhoenixSocket[] = [];

function longPollClient(options: ClientOptions & Record<string, unknown> = {}): PhoenixSocket {
  const client = createClient(server.socketUrl, { transport: LongPoll, params: { token: 'letmein' }, ...options } as never);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  server = await startTestApp({
    providers: [LongPollChannel, LongPollJournal, LongPollSocketHandler],
    channels: {
      transports: ['websocket', 'longpoll'],
      socketHandler: LongPollSocketHandler,
      longpoll: { windowMs: WINDOW_MS, maxBodyBytes: 64 * 1024 },
      malformedFrameAllowance: { messagesPerSecond: 1, burst: 10 },
    },
  });
  http = new LongPollHttp(`http://127.0.0.1:${server.port}/socket`);
  journal = server.app.get(LongPollJournal);
});
afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});
afterAll(() => server.close());

describe('the phoenix client over long-poll', () => {
  test('joins, pushes, and shares broadcasts with WebSocket clients', async () => {
    const poller = longPollClient();
    const websocket = createClient(server.socketUrl, { params: { token: 'letmein', user: 'ws' } });
    clients.push(websocket);
    await connect(poller);
    await connect(websocket);
    const viaPoll = poller.channel('lp:room');
    const viaWs = websocket.channel('lp:room');
    expect(await join(viaPoll)).toEqual({ status: 'ok', response: { transport: 'longpoll', user: 'someone' } });
    expect(await join(viaWs)).toEqual({ status: 'ok', response: { transport: 'websocket', user: 'ws' } });
    expect(await push(viaPoll, 'echo', { n: 1 })).toEqual({ status: 'ok', response: { n: 1 } });

    const toPoller = nextEvent(viaPoll, 'shout');
    await push(viaWs, 'shout', { from: 'ws' });
    expect(await toPoller).toEqual({ from: 'ws' });
    const toWs = nextEvent(viaWs, 'shout');
    await push(viaPoll, 'shout', { from: 'poll' });
    expect(await toWs).toEqual({ from: 'poll' });
  });

  test('binary pushes travel base64-encoded and reach the handler as a Buffer', async () => {
    const poller = longPollClient();
    await connect(poller);
    const channel = poller.channel('lp:bytes');
    await join(channel);
    const bytes = new Uint8Array([0, 1, 2, 250, 255]).buffer;
    expect(await push(channel, 'bytes', bytes)).toEqual({
      status: 'ok',
      response: { length: 5, first: 0, last: 255, isBuffer: true },
    });
  });

  test("the 1.8 client's authToken arrives through the X-Phoenix-AuthToken header", async () => {
    const poller = longPollClient({ params: {}, authToken: 'bearer-ok' });
    await connect(poller);
    expect(await join(poller.channel('lp:auth'))).toEqual({ status: 'ok', response: { transport: 'longpoll', user: 'bearer' } });
    expect(journal.authTokens).toContain('bearer-ok');
  });

  test('a refused connect is status 403 and the client never opens', async () => {
    const poller = longPollClient({ params: { token: 'wrong' } });
    await expect(connect(poller)).rejects.toBeDefined();
    expect((await http.get({ token: 'wrong' })).status).toBe(403);
  });

  test('falls back from a WebSocket that cannot open', async () => {
    const pollOnly = await startTestApp({
      providers: [LongPollChannel, LongPollJournal, LongPollSocketHandler],
      channels: { transports: ['longpoll'], socketHandler: LongPollSocketHandler, longpoll: { windowMs: WINDOW_MS } },
    });
    try {
      const client = createClient(pollOnly.socketUrl, { params: { token: 'letmein' }, longPollFallbackMs: 100 } as never);
      clients.push(client);
      // The WebSocket attempt fails first (an error the client handles itself), then it opens over long-poll.
      const opened = new Promise<void>((resolve) => client.onOpen(() => resolve()));
      client.connect();
      await opened;
      expect((client as unknown as { transport: unknown }).transport).toBe(LongPoll);
      expect(await join(client.channel('lp:fallback'))).toEqual({ status: 'ok', response: { transport: 'longpoll', user: 'someone' } });
    } finally {
      for (const client of clients.splice(0)) client.disconnect();
      await pollOnly.close();
    }
  });
});

describe('long-poll on the wire', () => {
  test('the first GET opens a session: status 410 with a token and no messages', async () => {
    const before = journal.connectParams.length;
    const answer = await http.get({ token: 'letmein' });
    expect(answer).toEqual({ status: 410, token: expect.any(String), messages: [] });
    expect(journal.connectParams.slice(before)).toEqual([{ token: 'letmein', vsn: '2.0.0' }]);
  });

  test('the app sees its own token param, never the session token appended after it', async () => {
    const token = await http.open();
    const before = journal.connectParams.length;
    // The client appends its session token after the app's params: this resumes, no new connect.
    const resumed = await fetch(`${http.url({ token: 'letmein' })}&token=${encodeURIComponent(token)}`).then((r) => r.json());
    expect(resumed).toEqual({ status: 204, token, messages: [] });
    expect(journal.connectParams.length).toBe(before);
  });

  test('POSTed frames are answered on the next poll; an idle poll answers 204 after the window', async () => {
    const token = await http.open();
    expect(await http.post(token, [JSON.stringify(['1', '1', 'lp:wire', 'phx_join', {}])])).toEqual({ status: 200 });
    expect(await http.poll(token)).toEqual({
      status: 200,
      frames: [['1', '1', 'lp:wire', 'phx_reply', { status: 'ok', response: { transport: 'longpoll', user: 'someone' } }]],
    });
    const started = Date.now();
    expect(await http.get({ token })).toEqual({ status: 204, token, messages: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(WINDOW_MS - 50);
  });

  test('a tampered or foreign token opens nothing: 410, and the session is untouched', async () => {
    const token = await http.open();
    const [id, mac] = token.split('.');
    const tampered = `${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}.${mac}`;
    expect(await http.post(tampered, [JSON.stringify(['1', '1', 'lp:x', 'phx_join', {}])])).toEqual({ status: 410 });
    expect(await http.get({ token: tampered })).toEqual({ status: 410 });
    const other = await startTestApp({
      providers: [LongPollChannel, LongPollJournal, LongPollSocketHandler],
      channels: { transports: ['longpoll'], socketHandler: LongPollSocketHandler },
    });
    try {
      const foreign = new LongPollHttp(`http://127.0.0.1:${other.port}/socket`);
      expect(await foreign.post(token, [JSON.stringify([null, '1', 'phoenix', 'heartbeat', {}])])).toEqual({ status: 410 });
    } finally {
      await other.close();
    }
    expect(await http.post(token, [JSON.stringify([null, '9', 'phoenix', 'heartbeat', {}])])).toEqual({ status: 200 });
    expect((await http.poll(token)).frames).toEqual([[null, '9', 'phoenix', 'phx_reply', { status: 'ok', response: {} }]]);
  });

  test('a session whose client stops polling ends: its channels terminate and its token is gone', async () => {
    const token = await http.open();
    await http.post(token, [JSON.stringify(['1', '1', 'lp:abandoned', 'phx_join', {}])]);
    await http.poll(token);
    await eventually(
      () => journal.terminated.some((entry) => entry.topic === 'lp:abandoned' && entry.reason === 'closed'),
      'the abandoned session to terminate its channel',
      WINDOW_MS * 10,
    );
    expect(await http.get({ token })).toEqual({ status: 410 });
    expect(await http.post(token, [])).toEqual({ status: 410 });
  });

  test('disconnect(socketId) answers a waiting poll at once with 410', async () => {
    const token = await http.open({ token: 'letmein', user: 'kicked' });
    const waiting = http.get({ token });
    await new Promise((resolve) => setTimeout(resolve, 50));
    server.app.get(ChannelsServer).disconnect('user:kicked');
    expect(await waiting).toEqual({ status: 410 });
  });

  test('a POST over the size limit is 413; only the first 100 lines of a batch are read', async () => {
    const token = await http.open();
    expect(await http.post(token, 'x'.repeat(65 * 1024))).toEqual({ status: 413 });
    const heartbeats = Array.from({ length: 150 }, (_, i) => JSON.stringify([null, String(i + 1), 'phoenix', 'heartbeat', {}]));
    expect(await http.post(token, heartbeats)).toEqual({ status: 200 });
    const { frames } = await http.poll(token);
    expect(frames.map((frame) => (frame as unknown[])[1])).toEqual(Array.from({ length: 100 }, (_, i) => String(i + 1)));
  });

  test('a refused or oversized POST is answered and its connection closed, not read to its end', async () => {
    const token = await http.open();
    const oversized = await endlessUpload(http.url({ token }));
    expect(oversized).toMatchObject({ status: 413, closed: true });
    const gone = await endlessUpload(http.url({ token: 'not-a-session' }));
    expect(gone).toMatchObject({ status: 410, closed: true });
    // 4096 chunks (256 MiB) would mean the server read on; a few socket buffers' worth is what it takes.
    console.log(`chunks sent before the close: ${oversized.chunks} after a 413, ${gone.chunks} after a 410`);
    expect(Math.max(oversized.chunks, gone.chunks)).toBeLessThan(4096);
    expect(await http.post(token, [JSON.stringify([null, '1', 'phoenix', 'heartbeat', {}])])).toEqual({ status: 200 });
  });

  test('a malformed line gets an error reply in the next poll; past the allowance the session ends', async () => {
    const token = await http.open();
    expect(await http.post(token, ['["1","4",42,"phx_join",{}]', JSON.stringify([null, '5', 'phoenix', 'heartbeat', {}])])).toEqual({ status: 200 });
    expect((await http.poll(token)).frames).toEqual([
      [null, '4', 'phoenix', 'phx_reply', { status: 'error', response: { reason: 'malformed frame', detail: 'topic must be a non-empty string' } }],
      [null, '5', 'phoenix', 'phx_reply', { status: 'ok', response: {} }],
    ]);
    // The allowance here is 10 at once, refilled at 1 a second; a dozen more in a row close the session (1007 on a WebSocket).
    expect(await http.post(token, Array.from({ length: 12 }, () => 'not json'))).toEqual({ status: 410 });
    expect(await http.get({ token })).toEqual({ status: 410 });
  });

  test('OPTIONS is the CORS preflight Phoenix answers', async () => {
    const response = await fetch(http.url(), {
      method: 'OPTIONS',
      headers: { 'access-control-request-headers': 'content-type', origin: `http://127.0.0.1:${server.port}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-methods')).toBe('get, post, options');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type');
  });
});
