import phoenixChannels from 'phoenix-channels';
import * as phoenixSocket from 'phoenix-socket';
import WebSocket from 'ws';
import { conformanceApp } from '../fixtures/conformance.app.js';
import { Journal } from '../fixtures/room.channel.js';
import { useTestApp } from '../support/app-scope.js';
import { eventually, sleep } from '../support/phoenix-client.js';

// Older Phoenix clients that this project did not write, unchanged: phoenix-channels (a Node port
// of phoenix.js 1.2 over the `websocket` package) and phoenix-socket (phoenix.js 1.2 packaged).
// Both speak serializer 1.0.0 without join_ref, and must keep working.

/* eslint-disable @typescript-eslint/no-explicit-any -- these clients ship no types */
type OldSocket = any;
type OldChannel = any;

interface OldClient {
  name: string;
  create(url: string, options: Record<string, unknown>): OldSocket;
}

const CLIENTS: OldClient[] = [
  { name: 'phoenix-channels 1.0.0', create: (url, options) => new phoenixChannels.Socket(url, options) },
  // phoenix-socket looks for window.WebSocket unless given a transport.
  { name: 'phoenix-socket 1.2.3', create: (url, options) => new phoenixSocket.Socket(url, { transport: WebSocket, ...options }) },
];

type Reply = { status: string; response: unknown };

function reply(push: OldChannel, timeoutMs = 3000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    push
      .receive('ok', (response: unknown) => resolve({ status: 'ok', response }))
      .receive('error', (response: unknown) => resolve({ status: 'error', response }))
      .receive('timeout', () => reject(new Error('no reply')));
    void timeoutMs;
  });
}

describe.each(CLIENTS)('$name', (client) => {
  // A short idle timeout, so that the heartbeat test outlasts it several times over.
  const IDLE_TIMEOUT_MS = 1_000;
  const app = useTestApp(() => conformanceApp('express', { idleTimeoutMs: IDLE_TIMEOUT_MS }));
  const sockets: OldSocket[] = [];
  afterEach(() => {
    for (const socket of sockets.splice(0)) {
      socket.disconnect();
      // 1.2's disconnect() silences onclose, which is what stops its heartbeat interval and
      // timers; stop them here, or they hold jest open.
      clearInterval(socket.heartbeatTimer);
      socket.reconnectTimer.reset();
      for (const channel of socket.channels) channel.rejoinTimer.reset();
    }
  });

  async function connected(options: Record<string, unknown> = {}): Promise<OldSocket> {
    const socket = client.create(app.current.socketUrl, { reconnectAfterMs: () => 50, heartbeatIntervalMs: 200, ...options });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.onOpen(() => resolve());
      socket.onError(() => reject(new Error('socket error')));
      socket.connect();
    });
    return socket;
  }

  async function joined(socket: OldSocket, topic: string, params: Record<string, unknown> = {}): Promise<OldChannel> {
    const channel = socket.channel(topic, params);
    expect(await reply(channel.join())).toEqual({ status: 'ok', response: { joined: topic } });
    return channel;
  }

  test('joins, and a push gets its reply', async () => {
    const channel = await joined(await connected(), 'room:old-push', { nick: 'ann' });
    expect(await reply(channel.push('echo', { text: 'hi', n: [1, 2] }))).toEqual({ status: 'ok', response: { text: 'hi', n: [1, 2] } });
    expect(await reply(channel.push('fail', {}))).toEqual({ status: 'error', response: { reason: 'nope', code: 42 } });
  });

  test('a refused join gets its error reply', async () => {
    const channel = (await connected()).channel('room:forbidden', {});
    expect(await reply(channel.join())).toEqual({ status: 'error', response: { reason: 'forbidden room', room: 'room:forbidden' } });
  });

  test('a broadcast reaches the other client', async () => {
    const ann = await joined(await connected(), 'room:old-broadcast');
    const bob = await joined(await connected(), 'room:old-broadcast');
    const heard = new Promise((resolve) => bob.on('shout', resolve));
    expect(await reply(ann.push('shout', { text: 'hello' }))).toEqual({ status: 'ok', response: { sent: true } });
    expect(await heard).toEqual({ text: 'hello' });
  });

  test('a crashed channel errors, rejoins by itself, and serves again', async () => {
    const topic = 'room:old-crash';
    const channel = await joined(await connected(), topic);
    const journal = app.get(Journal);
    const joinsBefore = journal.joins.filter((each) => each === topic).length;
    const errored = new Promise((resolve) => channel.onError(resolve));
    channel.push('boom', {}, 200); // never answered: a short timeout leaves no timer behind
    await errored;
    await eventually(() => journal.joins.filter((each) => each === topic).length === joinsBefore + 1 && channel.state === 'joined', 'the rejoin');
    expect(await reply(channel.push('echo', { after: 'crash' }))).toEqual({ status: 'ok', response: { after: 'crash' } });
  });

  test('heartbeats keep the socket open past the idle timeout', async () => {
    const socket = await connected();
    const channel = await joined(socket, 'room:old-heartbeat');
    let closed = false;
    socket.onClose(() => (closed = true));
    await sleep(IDLE_TIMEOUT_MS * 3);
    expect(closed).toBe(false);
    expect(await reply(channel.push('echo', { still: 'here' }))).toEqual({ status: 'ok', response: { still: 'here' } });
  });

  test('without heartbeats the server closes the idle socket (so the test above can fail)', async () => {
    const socket = await connected({ heartbeatIntervalMs: 60_000, reconnectAfterMs: () => 60_000 });
    await joined(socket, 'room:old-idle');
    const closed = new Promise((resolve) => socket.onClose(resolve));
    await closed;
  });
});
