import { request as httpRequest } from 'node:http';
import { ChannelsEvents, ChannelsServer } from '../../lib/index.js';
import { conformanceApp } from '../fixtures/conformance.app.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { ClientScope } from '../support/client-scope.js';
import { eventually, join, push } from '../support/phoenix-client.js';
import { EventRecorder } from './event-recorder.js';
import { PresenceChannel } from './presence.channel.js';
import { HistoryRoomChannel } from '../history/fixtures.js';
import { rawUpgrade } from '../support/raw-upgrade.js';

/** Issue 20, part 1: every event fires with its documented payload. */

let app: TestApp;
let clients: ClientScope;
let recorder: EventRecorder;

beforeAll(async () => {
  app = await startTestApp(
    conformanceApp('express', { transports: ['websocket', 'longpoll'] }, { providers: [PresenceChannel, HistoryRoomChannel], logger: new CapturedLogger() }),
  );
  clients = new ClientScope(() => app.socketUrl, {});
});

beforeEach(() => {
  recorder = new EventRecorder();
});

afterEach(async () => {
  await clients.disconnectAll();
  recorder.stop();
});

afterAll(() => app.close());

describe('socket events', () => {
  test('connect is traced with its transport and outcome; open names the socket', async () => {
    await clients.connected({ params: { user: 'ann' } });
    await expect(clients.connected({ params: { token: 'refuse' } })).rejects.toThrow();
    expect(recorder.of(ChannelsEvents.socketConnect, 'start')).toEqual([
      { transport: 'websocket', outcome: 'refused' },
      { transport: 'websocket', outcome: 'refused' },
    ]);
    expect(recorder.of(ChannelsEvents.socketConnect)).toEqual([
      { transport: 'websocket', outcome: 'ok' },
      { transport: 'websocket', outcome: 'refused', reason: 'socket_handler' },
    ]);
    expect(recorder.of(ChannelsEvents.socketOpen)).toEqual([{ transport: 'websocket', socketId: 'user:ann' }]);
  });

  test('refusals before the socket handler are published too, each with what refused it', async () => {
    const base = app.socketUrl.replace(/^ws/, 'http');
    const upgrade = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
      new Promise<number>((resolve, reject) => {
        const request = httpRequest(`${base}${path}`, {
          method,
          headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13', ...headers },
        });
        request.once('response', (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.once('upgrade', (_response, socket) => {
          socket.destroy();
          reject(new Error(`${path} was upgraded`));
        });
        request.once('error', reject);
        request.end();
      });
    expect(await upgrade('/websocket?vsn=9.9.9&user=a')).toBe(403);
    expect(await upgrade('/websocket?vsn=2.0.0&user=a', { Origin: 'https://elsewhere.example' })).toBe(403);
    expect(await upgrade('/websocket?vsn=2.0.0&user=a', { 'Sec-WebSocket-Protocol': 'mqtt' })).toBe(403);
    expect(await upgrade('/websocket?vsn=2.0.0&user=a', {}, 'POST')).toBe(400);
    expect(await upgrade('/nowhere?vsn=2.0.0&user=a')).toBe(404);
    const longPoll = await fetch(`${base}/longpoll?vsn=2.0.0&user=a`, { headers: { Origin: 'https://elsewhere.example' } });
    expect(await longPoll.json()).toEqual({ status: 403 }); // long-poll answers its status in the body
    await eventually(() => recorder.of(ChannelsEvents.socketConnect).length === 6, 'every refusal is published');
    expect(recorder.of(ChannelsEvents.socketConnect)).toEqual([
      { transport: 'websocket', outcome: 'refused', reason: 'serializer' },
      { transport: 'websocket', outcome: 'refused', reason: 'origin' },
      { transport: 'websocket', outcome: 'refused', reason: 'subprotocol' },
      { transport: 'websocket', outcome: 'refused', reason: 'method' },
      { transport: 'websocket', outcome: 'refused', reason: 'path' },
      { transport: 'longpoll', outcome: 'refused', reason: 'origin' },
    ]);
  });

  test('disconnect says why: the client closed, or the server disconnected the socket id', async () => {
    const byClient = await clients.connected({ params: { user: 'bob' } });
    byClient.disconnect();
    await eventually(() => recorder.of(ChannelsEvents.socketDisconnect).length === 1, 'the client close is seen');
    await clients.connected({ params: { user: 'cid' } });
    app.app.get(ChannelsServer).disconnect('user:cid');
    await eventually(() => recorder.of(ChannelsEvents.socketDisconnect).length === 2, 'the server disconnect is seen');
    expect(recorder.of(ChannelsEvents.socketDisconnect)).toEqual([
      { transport: 'websocket', socketId: 'user:bob', reason: 'client' },
      { transport: 'websocket', socketId: 'user:cid', reason: 'server' },
    ]);
  });

  test('a transport error disconnects with reason "error": a frame ws cannot accept, or a TCP reset', async () => {
    // A text frame with all three reserved bits set (masked, empty): ws refuses it with 1002 and closes.
    const invalid = await rawUpgrade(`${app.socketUrl}/websocket?vsn=2.0.0&user=eve`);
    invalid.socket.write(Buffer.from([0xf1, 0x80, 1, 2, 3, 4]));
    await eventually(() => recorder.of(ChannelsEvents.socketDisconnect).length === 1, 'the invalid frame is seen');
    const reset = await rawUpgrade(`${app.socketUrl}/websocket?vsn=2.0.0&user=fay`);
    reset.socket.resetAndDestroy();
    await eventually(() => recorder.of(ChannelsEvents.socketDisconnect).length === 2, 'the reset is seen');
    invalid.socket.destroy();
    expect(recorder.of(ChannelsEvents.socketDisconnect)).toEqual([
      { transport: 'websocket', socketId: 'user:eve', reason: 'error' },
      { transport: 'websocket', socketId: 'user:fay', reason: 'error' },
    ]);
  });

  test('message in and out carry the transport, the kind and the size in bytes', async () => {
    const socket = await clients.connected({ params: { user: 'dan' } });
    const channel = await clients.joined(socket, 'room:bytes');
    recorder.clear();
    await push(channel, 'echo', { text: 'hi' });
    const inbound = recorder.of(ChannelsEvents.messageIn);
    expect(inbound).toEqual([{ transport: 'websocket', bytes: Buffer.byteLength(JSON.stringify([(channel as unknown as { joinRef(): string }).joinRef(), '3', 'room:bytes', 'echo', { text: 'hi' }])) }]);
    const outbound = recorder.of(ChannelsEvents.messageOut);
    expect(outbound).toEqual([{ transport: 'websocket', kind: 'reply', bytes: expect.any(Number) }]);
    expect(outbound[0]!.bytes).toBeGreaterThan(0);
  });
});

describe('channel events', () => {
  test('join is traced with the route pattern, topic, transport, payload and outcome', async () => {
    const socket = await clients.connected({ params: { user: 'eve' } });
    await clients.joined(socket, 'room:ok', { nick: 'eve' });
    expect((await join(socket.channel('room:forbidden'))).status).toBe('error');
    const crashed = socket.channel('room:crash');
    expect((await join(crashed)).status).toBe('error');
    crashed.leave();
    const joins = recorder.of(ChannelsEvents.channelJoin);
    expect(joins.map(({ error, ...rest }) => rest)).toEqual([
      { channel: 'room:*', topic: 'room:ok', transport: 'websocket', payload: { nick: 'eve' }, outcome: 'ok' },
      { channel: 'room:*', topic: 'room:forbidden', transport: 'websocket', payload: {}, outcome: 'error' },
      { channel: 'room:*', topic: 'room:crash', transport: 'websocket', payload: {}, outcome: 'crash' },
    ]);
    expect(joins[2]!.error).toEqual(new Error('join exploded'));
    expect(recorder.of(ChannelsEvents.channelJoin, 'start')).toHaveLength(3);
    expect(recorder.of(ChannelsEvents.channelCrash)).toEqual([
      { channel: 'room:*', topic: 'room:crash', where: 'join', error: new Error('join exploded') },
    ]);
  });

  test('handle_in is traced with pattern, event and outcome; a crash and the leave that follows are published', async () => {
    const socket = await clients.connected({ params: { user: 'fay' } });
    const channel = await clients.joined(socket, 'room:handled');
    recorder.clear();
    await push(channel, 'echo', { a: 1 });
    await push(channel, 'fail');
    channel.push('silent', {});
    channel.push('boom', {});
    await eventually(() => recorder.of(ChannelsEvents.channelLeave).length === 1, 'the crash ends the channel');
    const handled = recorder.of(ChannelsEvents.channelHandleIn).map(({ error, ...rest }) => rest);
    const base = { channel: 'room:*', topic: 'room:handled', transport: 'websocket' };
    expect(handled).toEqual([
      { ...base, event: 'echo', catchAll: false, payload: { a: 1 }, outcome: 'ok' },
      { ...base, event: 'fail', catchAll: false, payload: {}, outcome: 'error' },
      { ...base, event: 'silent', catchAll: false, payload: {}, outcome: 'noreply' },
      { ...base, event: 'boom', catchAll: false, payload: {}, outcome: 'crash' },
    ]);
    expect(recorder.of(ChannelsEvents.channelCrash)).toEqual([
      { channel: 'room:*', topic: 'room:handled', where: 'handle_in "boom"', error: new Error('handler exploded') },
    ]);
    expect(recorder.of(ChannelsEvents.channelLeave)).toEqual([{ ...base, reason: 'crash' }]);
  });

  test('leave is published with its reason for a joined channel', async () => {
    const socket = await clients.connected({ params: { user: 'gus' } });
    const channel = await clients.joined(socket, 'room:left');
    await new Promise<void>((resolve) => channel.leave().receive('ok', () => resolve()));
    await eventually(() => recorder.of(ChannelsEvents.channelLeave).length === 1, 'the leave is seen');
    expect(recorder.of(ChannelsEvents.channelLeave)).toEqual([{ channel: 'room:*', topic: 'room:left', transport: 'websocket', reason: 'leave' }]);
  });
});

describe('broadcast, PubSub and presence events', () => {
  test('a broadcast is traced with topic, event, origin and local subscribers; the PubSub publish too', async () => {
    const socket = await clients.connected({ params: { user: 'hal' } });
    const channel = await clients.joined(socket, 'room:cast');
    const other = await clients.joined(await clients.connected({ params: { user: 'ivy' } }), 'room:cast');
    recorder.clear();
    await push(channel, 'shout', { n: 1 });
    await eventually(() => recorder.of(ChannelsEvents.messageOut).filter((event) => event.kind === 'broadcast').length === 2, 'both got it');
    expect(other.state).toBe('joined');
    expect(recorder.of(ChannelsEvents.broadcast, 'start')).toEqual([{ topic: 'room:cast', event: 'shout', origin: 'local', subscribers: 2 }]);
    expect(recorder.of(ChannelsEvents.broadcast)).toEqual([{ topic: 'room:cast', event: 'shout', origin: 'local', subscribers: 2 }]);
    expect(recorder.of(ChannelsEvents.pubsubPublish)).toEqual([{ topic: 'room:cast', event: 'shout' }]);
  });

  test('presence track and untrack name the topic and key', async () => {
    const socket = await clients.connected({ params: { user: 'jo' } });
    const channel = await clients.joined(socket, 'presence:lobby');
    expect(recorder.of(ChannelsEvents.presenceTrack)).toEqual([{ topic: 'presence:lobby', key: 'jo' }]);
    channel.leave();
    await eventually(() => recorder.of(ChannelsEvents.presenceUntrack).length === 1, 'the untrack is seen');
    expect(recorder.of(ChannelsEvents.presenceUntrack)).toEqual([{ topic: 'presence:lobby', key: 'jo' }]);
  });
});

describe('recovery', () => {
  test('a join with since on a history topic publishes whether it recovered, and how many broadcasts it replayed', async () => {
    const sender = await clients.joined(await clients.connected({ params: { user: 'lea' } }), 'chat:recover');
    const positions: string[] = [];
    (sender as unknown as { on(event: string, callback: (payload: unknown, ref: unknown) => void): void }).on('said', (_payload, ref) => {
      positions.push(String(ref));
    });
    for (let n = 1; n <= 3; n++) await push(sender, 'say', { n });
    await eventually(() => positions.length === 3, 'the sender saw its three broadcasts');
    recorder.clear();
    const socket = await clients.connected({ params: { user: 'max' } });
    await clients.joined(socket, 'chat:recover', { since: positions[0] });
    await clients.joined(socket, 'chat:recover-none', { since: 'not a position' });
    expect(recorder.of(ChannelsEvents.channelRecover)).toEqual([
      { channel: 'chat:*', topic: 'chat:recover', outcome: 'recovered', messages: 2 },
      { channel: 'chat:*', topic: 'chat:recover-none', outcome: 'not_recovered', messages: 0 },
    ]);
  });
});

describe('drain', () => {
  test('the drain at shutdown is traced with the connections it closes, each disconnected for shutdown', async () => {
    const own = await startTestApp(conformanceApp('express', {}, { logger: new CapturedLogger() }));
    const scope = new ClientScope(() => own.socketUrl, { reconnectAfterMs: () => 60_000 });
    try {
      await scope.connected({ params: { user: 'kim' } });
      await own.close();
      expect(recorder.of(ChannelsEvents.drain, 'start')).toEqual([{ connections: 1 }]);
      expect(recorder.of(ChannelsEvents.drain)).toEqual([{ connections: 1 }]);
      expect(recorder.of(ChannelsEvents.socketDisconnect)).toEqual([{ transport: 'websocket', socketId: 'user:kim', reason: 'shutdown' }]);
    } finally {
      await scope.disconnectAll();
    }
  });
});
