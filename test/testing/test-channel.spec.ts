import type { TestingModule } from '@nestjs/testing';
import { ChannelsServer } from 'nestjs-channels';
import { ChannelsTestHarness, JoinRefusedError, type TestSocket } from 'nestjs-channels/testing';
import { DenyGuard, Journal, RoomChannel } from '../fixtures/room.channel.js';
import { ChatChannel } from './fixtures/chat.channel.js';
import { compileChannelsModule } from './fixtures/compile-module.js';
import { UserSocketHandler } from './fixtures/user.socket-handler.js';

let moduleRef: TestingModule;
let channels: ChannelsTestHarness;
let journal: Journal;

beforeAll(async () => {
  moduleRef = await compileChannelsModule([RoomChannel, ChatChannel, Journal, DenyGuard, UserSocketHandler], {
    socketHandler: UserSocketHandler,
  });
  channels = await ChannelsTestHarness.create(moduleRef);
  journal = moduleRef.get(Journal);
});
afterEach(() => channels.close());
afterAll(() => moduleRef.close());

const connectAs = (user: string): Promise<TestSocket> => channels.connect({ token: `secret-${user}` });

describe('subscribeAndJoin', () => {
  it('joins through the @Join handler and resolves with its reply', async () => {
    const socket = await connectAs('ann');
    const room = await socket.subscribeAndJoin('room:lobby', { nick: 'ann' });
    expect(room.topic).toBe('room:lobby');
    expect(room.joinResponse).toEqual({ joined: 'room:lobby' });
  });

  it('rejects with the error reply when a guard refuses', async () => {
    const socket = await connectAs('ann');
    await expect(socket.subscribeAndJoin('room:lobby', { deny: true })).rejects.toThrow(JoinRefusedError);
    await expect(socket.subscribeAndJoin('room:lobby', { deny: true })).rejects.toMatchObject({
      topic: 'room:lobby',
      response: { reason: 'unauthorized' },
    });
  });

  it('rejects with the ChannelException reply, the crash reply and the unmatched-topic reply', async () => {
    const socket = await connectAs('ann');
    await expect(socket.subscribeAndJoin('room:forbidden')).rejects.toMatchObject({
      response: { reason: 'forbidden room', room: 'room:forbidden' },
    });
    await expect(socket.subscribeAndJoin('room:crash')).rejects.toMatchObject({ response: { reason: 'join crashed' } });
    await expect(socket.subscribeAndJoin('nowhere:1')).rejects.toThrow('join of "nowhere:1" was refused with error');
  });

  it('gives the channel the assigns of the socket handler', async () => {
    const socket = await connectAs('bob');
    const chat = await socket.subscribeAndJoin('chat:1');
    expect(chat.joinResponse).toEqual({ user: 'bob' });
    const ref = chat.push('whoami');
    await chat.assertReply(ref, 'ok', { assigns: { user: 'bob' }, id: 'user_socket:bob', transport: 'websocket' });
  });
});

describe('push and assertReply', () => {
  it('returns a ref and resolves with the reply response', async () => {
    const room = await (await connectAs('ann')).subscribeAndJoin('room:lobby');
    const ref = room.push('echo', { a: 1, nested: { b: [1, 2] } });
    expect(typeof ref).toBe('string');
    await expect(room.assertReply(ref, 'ok', { nested: { b: [1, 2] } })).resolves.toEqual({ a: 1, nested: { b: [1, 2] } });
  });

  it('sees error replies of pipes and of ChannelException', async () => {
    const room = await (await connectAs('ann')).subscribeAndJoin('room:lobby', { nick: 'ann' });
    await room.assertReply(room.push('new_msg', { body: '' }), 'error', { reason: 'invalid' });
    await room.assertReply(room.push('new_msg', { body: 'hi' }), 'ok', { body: 'hi', nick: 'ann' });
    await room.assertReply(room.push('fail'), 'error', { reason: 'nope', code: 42 });
  });

  it('waits for replies sent later through a SocketRef', async () => {
    const room = await (await connectAs('ann')).subscribeAndJoin('room:lobby');
    await room.assertReply(room.push('later', { delay: 30 }), 'ok', { late: true });
  });

  it('refuteReply passes when the handler does not reply', async () => {
    const room = await (await connectAs('ann')).subscribeAndJoin('room:lobby');
    await room.refuteReply(room.push('silent'));
  });

  it('sends binary payloads as binary frames and decodes binary replies and pushes', async () => {
    const room = await (await connectAs('ann')).subscribeAndJoin('room:lobby');
    const ref = room.push('bytes', Buffer.from([1, 2, 3]));
    await room.assertReply(ref, 'ok', Buffer.from('ack:\x01\x02\x03', 'latin1'));
    await room.assertPush('bytes', Buffer.from([3, 2, 1]));
  });
});

describe('assertPush and refutePush', () => {
  it('sees pushes made during the join, after the join reply', async () => {
    const room = await (await connectAs('ann')).subscribeAndJoin('room:lobby', { welcome: true });
    await room.assertPush('welcome', { topic: 'room:lobby' });
  });

  it('consumes each push once', async () => {
    const chat = await (await connectAs('ann')).subscribeAndJoin('chat:consume');
    await chat.assertPush('hello', { user: 'ann' });
    await chat.refutePush('hello');
  });

  it('sees broadcasts that reach the client, and not the ones a @HandleOut filters out', async () => {
    const ann = await (await connectAs('ann')).subscribeAndJoin('room:secrets', { nick: 'ann' });
    const bob = await (await connectAs('bob')).subscribeAndJoin('room:secrets', { nick: 'bob' });
    await ann.assertReply(ann.push('secret', { hideFrom: 'bob', text: 'psst' }), 'ok');
    await ann.assertPush('secret', { text: 'psst' });
    await bob.refutePush('secret');
  });

  it('sees phx_close when the channel stops itself', async () => {
    const room = await (await connectAs('ann')).subscribeAndJoin('room:stop');
    await room.assertReply(room.push('leave_me'), 'ok', { bye: true });
    await room.assertPush('phx_close');
    await room.assertReply(room.push('echo', {}), 'error', { reason: 'unmatched topic' });
  });

  it('sees phx_error when the channel crashes', async () => {
    const room = await (await connectAs('ann')).subscribeAndJoin('room:boom');
    room.push('boom');
    await room.assertPush('phx_error');
  });
});

describe('assertBroadcast and refuteBroadcast', () => {
  it('sees what a handler broadcast on the topic', async () => {
    const room = await (await connectAs('ann')).subscribeAndJoin('room:shout');
    await room.assertReply(room.push('shout', { text: 'hey' }), 'ok', { sent: true });
    await expect(room.assertBroadcast('shout', { text: 'hey' })).resolves.toEqual({ text: 'hey' });
    await room.assertPush('shout', { text: 'hey' });
  });

  it('sees broadcastFrom, which the sender itself does not receive', async () => {
    const ann = await (await connectAs('ann')).subscribeAndJoin('room:whisper');
    const bob = await (await connectAs('bob')).subscribeAndJoin('room:whisper');
    ann.push('whisper', { to: 'all but me' });
    await ann.assertBroadcast('whisper', { to: 'all but me' });
    await bob.assertPush('whisper', { to: 'all but me' });
    await ann.refutePush('whisper');
  });

  it('sees broadcasts from outside channels through a topic subscription', async () => {
    const subscription = channels.subscribe('news');
    moduleRef.get(ChannelsServer).broadcast('news', 'headline', { title: 'hello' });
    await subscription.assertBroadcast('headline', { title: 'hello' });
    await subscription.refuteBroadcast('headline');
  });

  it('refuteBroadcast passes when nothing matching is published', async () => {
    const room = await (await connectAs('ann')).subscribeAndJoin('room:quiet');
    await room.assertReply(room.push('shout', { text: 'a' }), 'ok');
    await room.refuteBroadcast('shout', { text: 'b' });
    await room.refuteBroadcast('whisper');
  });
});

describe('leave and close', () => {
  it('leave() gets the ok reply, phx_close, and @Terminate runs with "leave"', async () => {
    const room = await (await connectAs('ann')).subscribeAndJoin('room:leave');
    await room.leave();
    await room.assertPush('phx_close');
    expect(journal.terminationsOf('room:leave')).toEqual(['leave']);
  });

  it('close() ends every channel of the socket with "closed"', async () => {
    const socket = await connectAs('ann');
    const chat = await socket.subscribeAndJoin('chat:close');
    await socket.close();
    expect(socket.closed).toBe(true);
    await chat.assertBroadcast('user_left', { user: 'ann', reason: 'closed' });
    expect(() => chat.push('post', { body: 'too late' })).toThrow(
      expect.objectContaining({ code: 'CHANNELS_ERR_TEST_SOCKET_CLOSED', message: expect.stringContaining('the socket is closed') }),
    );
  });

  it('announces a join to the other members only', async () => {
    const ann = await (await connectAs('ann')).subscribeAndJoin('chat:members');
    await (await connectAs('bob')).subscribeAndJoin('chat:members');
    await ann.assertPush('user_joined', { user: 'bob' });
    await ann.refutePush('user_joined', { user: 'ann' });
  });

  it('assertClosed sees a server-side disconnect by socket id', async () => {
    const socket = await connectAs('carol');
    const chat = await socket.subscribeAndJoin('chat:kick');
    moduleRef.get(ChannelsServer).disconnect('user_socket:carol');
    await expect(socket.assertClosed(1001)).resolves.toEqual({ code: 1001, reason: 'disconnected' });
    expect(socket.closed).toBe(true);
    await chat.assertBroadcast('user_left', { user: 'carol', reason: 'closed' });
  });
});
