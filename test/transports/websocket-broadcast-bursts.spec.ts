import { ChannelFanout } from '../../lib/fanout/channel-fanout.js';
import { PubSub } from '../../lib/index.js';
import { HARDENING_PROVIDERS } from '../hardening/fixtures.js';
import { PubSubLink } from '../support/linked-pubsub.js';
import { eventually } from '../support/phoenix-client.js';
import { RawSocket, type WireFrame } from '../support/raw-socket.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

// Two apps in this process, their PubSubs joined by an in-process link: node a broadcasts, the
// WebSocket clients are on node b. The link hands b the messages of one turn together, as a
// Redis connection hands over what one read holds.
const OUTBOUND_CAP = 8 * 1024;

let a: TestApp;
let b: TestApp;
let sockets: RawSocket[] = [];

beforeAll(async () => {
  const link = new PubSubLink();
  a = await startTestApp({ providers: HARDENING_PROVIDERS, channels: { pubsub: link.adapter('a'), rateLimit: false } });
  b = await startTestApp({
    providers: HARDENING_PROVIDERS,
    channels: { pubsub: link.adapter('b'), rateLimit: false, maxOutboundBufferBytes: OUTBOUND_CAP },
  });
});
afterEach(() => {
  for (const socket of sockets) socket.close();
  sockets = [];
});
afterAll(async () => {
  await a?.close();
  await b?.close();
});

async function memberOnB(topic: string): Promise<RawSocket> {
  const socket = await RawSocket.open(b.socketUrl);
  sockets.push(socket);
  socket.send(['1', '1', topic, 'phx_join', {}]);
  expect((await socket.reply('1'))[4]).toEqual({ status: 'ok', response: {} });
  return socket;
}

const numbers = (socket: RawSocket, event: string) =>
  socket.frames.filter((frame: WireFrame) => frame[3] === event).map((frame) => (frame[4] as { i: number }).i);

/** Waits until b has `count` joined channels on `topic` (the link only carries topics the node listens to). */
async function subscribedOnB(topic: string, count: number): Promise<void> {
  await eventually(() => b.app.get(ChannelFanout).memberCount(topic) === count, `${count} subscriber(s) of ${topic} on b`);
}

describe('WebSocket delivery of broadcasts from another node', () => {
  test('a burst from another node reaches every client whole and in order, local broadcasts too', async () => {
    const clients = await Promise.all([memberOnB('h:burst'), memberOnB('h:burst')]);
    await subscribedOnB('h:burst', 2);
    const count = 50;
    for (let i = 0; i < count; i++) a.app.get(PubSub).broadcast('h:burst', 'remote', { i });
    // Written on b while the burst from a may still be held for the next read.
    setImmediate(() => b.app.get(PubSub).broadcast('h:burst', 'local', { i: 0 }));

    const expected = Array.from({ length: count }, (_, i) => i);
    await eventually(() => clients.every((socket) => numbers(socket, 'remote').length === count), 'every client to get the burst');
    await eventually(() => clients.every((socket) => numbers(socket, 'local').length === 1), 'every client to get the local one');
    for (const socket of clients) expect(numbers(socket, 'remote')).toEqual(expected);
  });

  test('a lone broadcast from another node goes out with no further traffic to push it', async () => {
    const client = await memberOnB('h:lone');
    await subscribedOnB('h:lone', 1);
    a.app.get(PubSub).broadcast('h:lone', 'remote', { i: 7 });
    await eventually(() => numbers(client, 'remote').length === 1, 'the broadcast to arrive');
    expect(numbers(client, 'remote')).toEqual([7]);
  });

  // A client that reads is not a slow consumer because a burst outgrew the cap before reaching
  // the kernel: what the server only held back is offered to the client before it is judged.
  test.each([
    ['from another node', () => a.app.get(PubSub)],
    ['on this node', () => b.app.get(PubSub)],
  ])('a burst %s bigger than the outbound cap reaches a client that reads, which stays connected', async (_, pubsub) => {
    const client = await memberOnB('h:big');
    await subscribedOnB('h:big', 1);
    const body = 'x'.repeat(1024);
    const count = 3 * (OUTBOUND_CAP / body.length);
    for (let i = 0; i < count; i++) pubsub().broadcast('h:big', 'blob', { i, body });

    await eventually(() => numbers(client, 'blob').length === count || !client.isOpen, 'the burst or a close');
    expect(client.isOpen).toBe(true);
    expect(numbers(client, 'blob')).toEqual(Array.from({ length: count }, (_, i) => i));
  });
});

describe('WebSocket delivery of one frame shared by several subscribers', () => {
  test('a broadcast then the reply to the push that sent it arrive in that order', async () => {
    const [sender, other] = await Promise.all([memberOnB('h:order'), memberOnB('h:order')]);
    await subscribedOnB('h:order', 2);
    sender.send(['1', '2', 'h:order', 'flood', { count: 1, size: 10 }]);
    const reply = await sender.reply('2');
    await eventually(() => numbers(other, 'blob').length === 1, 'the other subscriber to get the broadcast');
    const blob = sender.frames.find((frame) => frame[3] === 'blob');
    expect(blob).toBeDefined();
    expect(sender.indexOf(blob!)).toBeLessThan(sender.indexOf(reply));
  });

  test('a burst bigger than the outbound cap reaches subscribers that read, whole and in order', async () => {
    const clients = await Promise.all([memberOnB('h:shared'), memberOnB('h:shared')]);
    await subscribedOnB('h:shared', 2);
    const body = 'x'.repeat(1024);
    const count = 3 * (OUTBOUND_CAP / body.length);
    for (let i = 0; i < count; i++) b.app.get(PubSub).broadcast('h:shared', 'blob', { i, body });

    await eventually(() => clients.every((client) => numbers(client, 'blob').length === count || !client.isOpen), 'the burst or a close');
    for (const client of clients) {
      expect(client.isOpen).toBe(true);
      expect(numbers(client, 'blob')).toEqual(Array.from({ length: count }, (_, i) => i));
    }
  });
});
