// The example of docs/testing.md, kept here so that it keeps passing. test/docs/snippets.spec.ts checks
// that the page shows this file as it is: change both together.
import { Injectable, type CanActivate, type ExecutionContext, UseGuards } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  Assigns,
  Channel,
  ChannelException,
  ChannelSocket,
  ChannelsModule,
  HandleIn,
  Join,
  Payload,
  type ConnectingSocket,
  type Socket,
  type SocketHandler,
} from 'nestjs-channels';
import { ChannelsTestHarness, ConnectionRefusedError, JoinRefusedError } from 'nestjs-channels/testing';

// --- the app under test ---------------------------------------------------------------

@Injectable()
class UserSocket implements SocketHandler {
  connect(params: Record<string, string>, socket: ConnectingSocket): boolean {
    if (!params.token?.startsWith('user-')) return false;
    socket.assign('userId', params.token.slice('user-'.length));
    return true;
  }
}

@Injectable()
class NotBannedGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToWs().getClient<Socket>().assigns.userId !== 'mallory';
  }
}

@Channel('room:*')
class RoomChannel {
  @Join()
  @UseGuards(NotBannedGuard)
  join(@ChannelSocket() socket: Socket, @Assigns('userId') userId: string) {
    if (socket.topic === 'room:closed') throw new ChannelException('room closed');
    socket.push('welcome', { userId });
    return { topic: socket.topic };
  }

  @HandleIn('new_msg')
  newMessage(@Payload('body') body: string, @Assigns('userId') userId: string, @ChannelSocket() socket: Socket) {
    socket.broadcast('new_msg', { body, from: userId, at: Date.now() });
    return { sent: true };
  }
}

// --- the test -------------------------------------------------------------------------

describe('RoomChannel', () => {
  let moduleRef: TestingModule;
  let channels: ChannelsTestHarness;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [ChannelsModule.forRoot({ socketHandler: UserSocket })],
      providers: [UserSocket, NotBannedGuard, RoomChannel],
    }).compile();
    moduleRef.useLogger(['error']); // no HTTP server here: the transports' warning is expected
    channels = await ChannelsTestHarness.create(moduleRef);
  });
  afterEach(() => channels.close()); // closes test sockets and clears pending timers
  afterAll(() => moduleRef.close());

  it('joins, welcomes and broadcasts messages', async () => {
    const socket = await channels.connect({ token: 'user-ann' });
    const room = await socket.subscribeAndJoin('room:lobby');
    expect(room.joinResponse).toEqual({ topic: 'room:lobby' });
    await room.assertPush('welcome', { userId: 'ann' });

    const ref = room.push('new_msg', { body: 'hello' });
    await room.assertReply(ref, 'ok', { sent: true });
    await room.assertBroadcast('new_msg', { body: 'hello', from: 'ann', at: expect.any(Number) });
    await room.assertPush('new_msg', { body: 'hello' }); // the broadcast reached this client too
    await room.refuteBroadcast('new_msg', { body: 'hello' }); // ...and was published once
  });

  it('refuses unknown users, banned users and closed rooms', async () => {
    await expect(channels.connect({ token: 'nobody' })).rejects.toThrow(ConnectionRefusedError);

    const mallory = await channels.connect({ token: 'user-mallory' });
    await expect(mallory.subscribeAndJoin('room:lobby')).rejects.toMatchObject({ response: { reason: 'unauthorized' } });

    const ann = await channels.connect({ token: 'user-ann' });
    await expect(ann.subscribeAndJoin('room:closed')).rejects.toThrow(JoinRefusedError);
  });
});
