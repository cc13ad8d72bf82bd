import { Injectable } from '@nestjs/common';
import {
  Channel,
  ChannelsServer,
  Event,
  HandleIn,
  isChannelsError,
  Join,
  PubSub,
  type ChannelsErrorCode,
  type ConnectingSocket,
  type SocketHandler,
} from '../../lib/index.js';
import { RawSocket } from '../support/raw-socket.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

// The library's own names (control topics between nodes, Phoenix's events) are off limits to
// clients and to the public broadcast API, so that neither can forge the library's traffic.

@Channel('*')
class EverythingChannel {
  static readonly handled: string[] = [];

  @Join()
  join() {
    return {};
  }

  @HandleIn()
  any(@Event() event: string) {
    EverythingChannel.handled.push(event);
    return { handled: event };
  }
}

/** Every socket gets the id `users_socket:<user param>`. */
@Injectable()
class IdSocketHandler implements SocketHandler {
  connect(params: Record<string, string>, socket: ConnectingSocket): boolean {
    socket.assign('user', params.user);
    return true;
  }

  id(socket: ConnectingSocket): string {
    return `users_socket:${String(socket.assigns.user)}`;
  }
}

let server: TestApp;
beforeAll(async () => {
  server = await startTestApp({ providers: [EverythingChannel, IdSocketHandler], channels: { socketHandler: IdSocketHandler, rateLimit: false } });
});
afterAll(() => server.close());

/** The code of the error `call` throws. */
function thrownCode(call: () => void): ChannelsErrorCode | 'none' | 'not a channels error' {
  try {
    call();
    return 'none';
  } catch (error) {
    return isChannelsError(error) ? error.code : 'not a channels error';
  }
}

async function joined(topic: string, user = 'ann'): Promise<RawSocket> {
  const socket = await RawSocket.open(server.socketUrl, { params: { user } });
  socket.send(['1', '1', topic, 'phx_join', {}]);
  expect((await socket.reply('1'))[4]).toEqual({ status: 'ok', response: {} });
  return socket;
}

describe('reserved topics', () => {
  test.each(['phoenix', 'phx:presence:replicas', 'phx:socket:users_socket:ann', 'phx:lp:some-session', 'phx_presence:replicas'])(
    'a client cannot join %s, even with a "*" channel routing everything',
    async (topic) => {
      const socket = await joined('anything');
      socket.send(['2', '2', topic, 'phx_join', {}]);
      expect((await socket.reply('2'))[4]).toEqual({ status: 'error', response: { reason: 'unmatched topic' } });
      socket.close();
    },
  );

  test('the server API refuses them, so it cannot forge a disconnect: the socket stays open', async () => {
    const socket = await joined('room:1', 'bob');
    const channels = server.app.get(ChannelsServer);
    const pubsub = server.app.get(PubSub);
    const forged = 'phx:socket:users_socket:bob';
    expect(() => channels.broadcast(forged, 'disconnect', {})).toThrow('Cannot broadcast on "phx:socket:users_socket:bob"');
    for (const forge of [
      () => channels.broadcast(forged, 'disconnect', {}),
      () => channels.localBroadcast(forged, 'disconnect', {}),
      () => pubsub.broadcast(forged, 'disconnect', {}),
      () => pubsub.broadcastFrom('x', forged, 'disconnect', {}),
      () => pubsub.localBroadcast(forged, 'disconnect', {}),
      () => channels.broadcast('phoenix', 'heartbeat', {}),
      () => channels.broadcast('phx_presence:replicas', 'goodbye', {}),
    ]) {
      expect(thrownCode(forge)).toBe('CHANNELS_ERR_RESERVED_TOPIC');
    }
    socket.send([null, '5', 'phoenix', 'heartbeat', {}]);
    expect((await socket.reply('5'))[4]).toEqual({ status: 'ok', response: {} });
    // The real API still works.
    channels.disconnect('users_socket:bob');
    expect((await socket.closed).code).toBe(1001);
  });
});

describe('reserved events', () => {
  test.each(['phx_reply', 'phx_error', 'phx_close', 'phx_anything'])(
    'a client pushing %s gets an error reply; the catch-all handler never sees it',
    async (event) => {
      const socket = await joined('room:2');
      socket.send(['1', '2', 'room:2', event, {}]);
      expect((await socket.reply('2'))[4]).toEqual({ status: 'error', response: { reason: 'reserved event' } });
      socket.send(['1', '3', 'room:2', 'ordinary', {}]);
      expect((await socket.reply('3'))[4]).toEqual({ status: 'ok', response: { handled: 'ordinary' } });
      expect(EverythingChannel.handled).not.toContain(event);
      socket.close();
    },
  );

  test('a broadcast cannot carry one', () => {
    const channels = server.app.get(ChannelsServer);
    expect(() => channels.broadcast('room:3', 'phx_close', {})).toThrow('Cannot broadcast "phx_close" on "room:3": events "phx_*" belong to');
    expect(thrownCode(() => channels.broadcast('room:3', 'phx_reply', {}))).toBe('CHANNELS_ERR_RESERVED_EVENT');
  });
});
