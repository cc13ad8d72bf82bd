import type { Socket as PhoenixSocket } from 'phoenix';
import WebSocket from 'ws';
import { nextEvent, push } from '../../test/support/phoenix-client.js';
import { transportOf } from '../../test/support/phoenix-internals.js';
import { SampleClients, signIn, startSampleApp, type SampleApp } from './support/sample-app.js';

// The contract: the WebSocket endpoint negotiates permessage-deflate with any client that offers
// it, a 2,000-character new_msg travels compressed, and a client that offers nothing gets
// uncompressed frames.

let server: SampleApp;
const clients = new SampleClients(() => server.socketUrl);
const tokens: Record<string, string> = {};
beforeAll(async () => {
  server = await startSampleApp();
  for (const user of ['ann', 'bob']) tokens[user] = await signIn(server.baseUrl, user);
});
afterEach(() => clients.disconnectAll());
afterAll(() => server.close());

/** `ws` offering nothing, as the phoenix client's transport. */
class PlainWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols, { perMessageDeflate: false });
  }
}

function wireOf(socket: PhoenixSocket): { extensions: string; bytesRead(): number } {
  const ws = transportOf(socket) as unknown as { extensions: string; _socket: { bytesRead: number } };
  return { extensions: ws.extensions, bytesRead: () => ws._socket.bytesRead };
}

const body = 'Meeting moved to 3pm in the blue room, bring the slides. '.repeat(36).slice(0, 2000);

test.each([
  ['offers permessage-deflate (as ws and browsers do): compressed', {}, 'permessage-deflate', (bytes: number) => expect(bytes).toBeLessThan(800)],
  ['offers nothing: uncompressed', { transport: PlainWebSocket }, '', (bytes: number) => expect(bytes).toBeGreaterThan(2000)],
])('a 2,000-character new_msg to a client that %s', async (_label, options, extensions, expectBytes) => {
  const { channel: ann } = await clients.joined(await clients.connected(tokens.ann!), 'room:zip');
  const bobSocket = await clients.connected(tokens.bob!, options as object);
  const { channel: bob } = await clients.joined(bobSocket, 'room:zip');
  expect(wireOf(bobSocket).extensions).toBe(extensions);
  const before = wireOf(bobSocket).bytesRead();
  const arrival = nextEvent(bob, 'new_msg');
  expect((await push(ann, 'new_msg', { body })).status).toBe('ok');
  expect(await arrival).toMatchObject({ user: 'ann', body });
  expectBytes(wireOf(bobSocket).bytesRead() - before);
});
