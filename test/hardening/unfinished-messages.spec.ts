import WebSocket from 'ws';
import { connect, createClient, join, push } from '../support/phoenix-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { HARDENING_PROVIDERS } from './fixtures.js';

// Connections that start messages and never finish them: each holds at most maxFrameSize, and all
// of a node's together at most maxTotalUnfinishedBytes; past it the ones holding the most are cut.

const BUDGET = 250_000;
let server: TestApp;
beforeAll(async () => {
  server = await startTestApp({ providers: HARDENING_PROVIDERS, channels: { maxFrameSize: 100_000, maxTotalUnfinishedBytes: BUDGET } });
});
afterAll(() => server.close());

interface Peer {
  ws: WebSocket;
  closed: Promise<number>;
}

/** A client that sends the first fragment of a message (`bytes` long) and waits until the server has read it. */
async function startMessage(bytes: number): Promise<Peer> {
  const ws = new WebSocket(`${server.socketUrl}/websocket?vsn=2.0.0`);
  const closed = new Promise<number>((resolve) => ws.once('close', resolve));
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  ws.send('x'.repeat(bytes), { fin: false });
  // A ping may come between fragments; its pong says the server has read what came before it.
  const pong = new Promise((resolve) => ws.once('pong', resolve));
  ws.ping();
  await pong;
  return { ws, closed };
}

/** Ends the peer's message: a whole message that is no JSON, which the server answers (unless it cut the peer). */
async function finishMessage(peer: Peer): Promise<unknown> {
  peer.ws.send('x', { fin: true });
  const answered = new Promise<string>((resolve) => peer.ws.once('message', (data: Buffer) => resolve(data.toString())));
  const cut = peer.closed.then((code) => `closed with ${code}`);
  const first = await Promise.race([answered, cut]);
  return first.startsWith('closed') ? first : JSON.parse(first);
}

const MALFORMED_REPLY = [null, null, 'phoenix', 'phx_reply', { status: 'error', response: expect.objectContaining({ reason: 'malformed frame' }) }];

test('past the node budget, the connection holding the most unfinished bytes is cut; the others and their messages carry on', async () => {
  const a = await startMessage(90_000);
  const b = await startMessage(60_000);
  const c = await startMessage(30_000);
  // 180 KB held: under the budget. D's 80 KB take it past 250 KB; cutting A (90 KB) brings it under 3/4.
  const d = await startMessage(80_000);
  expect(await a.closed).toBe(1006);

  for (const peer of [b, c, d]) expect(await finishMessage(peer)).toEqual(MALFORMED_REPLY);
  // What finished messages held is no longer counted: three more of 80 KB fit.
  const more = [await startMessage(80_000), await startMessage(80_000), await startMessage(80_000)];
  for (const peer of more) expect(await finishMessage(peer)).toEqual(MALFORMED_REPLY);

  // A client of the official phoenix library is served throughout.
  const socket = createClient(server.socketUrl);
  await connect(socket);
  const channel = socket.channel('h:room');
  await join(channel);
  expect(await push(channel, 'echo', { hello: 'world' })).toMatchObject({ status: 'ok', response: { hello: 'world' } });
  socket.disconnect();
  for (const peer of [b, c, d, ...more]) peer.ws.close();
});
