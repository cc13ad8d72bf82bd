import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ChannelsServer, PubSub } from 'nestjs-channels';
import { ChannelsTestHarness, ConnectionRefusedError } from 'nestjs-channels/testing';
import { DenyGuard, Journal, RoomChannel } from '../fixtures/room.channel.js';
import { ChatChannel } from './fixtures/chat.channel.js';
import { compileChannelsModule } from './fixtures/compile-module.js';
import { UserSocketHandler } from './fixtures/user.socket-handler.js';

const providers = [RoomChannel, ChatChannel, Journal, DenyGuard, UserSocketHandler];

describe('ChannelsTestHarness.create', () => {
  it('says so when the module has no ChannelsModule', async () => {
    @Module({})
    class PlainModule {}
    const moduleRef = await Test.createTestingModule({ imports: [PlainModule] }).compile();
    await expect(ChannelsTestHarness.create(moduleRef)).rejects.toThrow(
      expect.objectContaining({ code: 'CHANNELS_ERR_HARNESS_NO_CHANNELS_MODULE', message: expect.stringContaining('the module has no ChannelsModule') }),
    );
    await moduleRef.close();
  });

  it('rejects impossible timeouts, naming the option', async () => {
    const moduleRef = await compileChannelsModule(providers);
    const created = ChannelsTestHarness.create(moduleRef, { refuteTimeoutMs: -1 });
    await expect(created).rejects.toThrow('ChannelsTestHarness option "refuteTimeoutMs" must be a number >= 0, got -1. Leave it out for the default, 100.');
    await expect(created).rejects.toMatchObject({ code: 'CHANNELS_ERR_INVALID_OPTION' });
    await expect(created).rejects.toBeInstanceOf(TypeError);
    await moduleRef.close();
  });

  it('works on an INestApplication that never listens', async () => {
    const moduleRef = await compileChannelsModule(providers);
    const app = moduleRef.createNestApplication({ logger: ['error'] });
    const channels = await ChannelsTestHarness.create(app);
    const room = await (await channels.connect()).subscribeAndJoin('room:app');
    await room.assertReply(room.push('echo', { via: 'app' }), 'ok', { via: 'app' });
    await channels.close();
    await app.close();
  });

  it('refuses when the app does not accept serializer 2.0.0', async () => {
    const moduleRef = await compileChannelsModule(providers, { serializers: ['1.0.0'] });
    const channels = await ChannelsTestHarness.create(moduleRef);
    await expect(channels.connect()).rejects.toThrow(
      expect.objectContaining({
        code: 'CHANNELS_ERR_HARNESS_SERIALIZER',
        message: expect.stringContaining('speaks serializer 2.0.0, which the ChannelsModule "serializers" option leaves out'),
      }),
    );
    await moduleRef.close();
  });
});

describe('connect', () => {
  let channels: ChannelsTestHarness;
  let moduleRef: Awaited<ReturnType<typeof compileChannelsModule>>;

  beforeAll(async () => {
    moduleRef = await compileChannelsModule(providers, { socketHandler: UserSocketHandler, path: '/live' });
    channels = await ChannelsTestHarness.create(moduleRef);
  });
  afterEach(() => channels.close());
  afterAll(() => moduleRef.close());

  it('runs the socket handler: assigns and socket id', async () => {
    const socket = await channels.connect({ token: 'secret-ann' });
    expect(socket.assigns).toEqual({ user: 'ann', transport: 'websocket' });
    expect(socket.id).toBe('user_socket:ann');
  });

  it('hands the handler text params plus vsn, and the connect info', async () => {
    await channels.connect({ token: 'secret-ann', page: 2, debug: true }, { headers: { 'user-agent': 'jest' } });
    const { params, vsn, info } = moduleRef.get(UserSocketHandler).lastAttempt!;
    expect(params).toEqual({ token: 'secret-ann', page: '2', debug: 'true', vsn: '2.0.0' });
    expect(vsn).toBe('2.0.0');
    expect(info).toEqual({
      transport: 'websocket',
      headers: { 'user-agent': 'jest' },
      address: '127.0.0.1',
      authToken: undefined,
      url: '/live/websocket?token=secret-ann&page=2&debug=true&vsn=2.0.0',
    });
  });

  it('passes an auth token and another transport name through connect info', async () => {
    const socket = await channels.connect({}, { authToken: 'secret-bob', transport: 'longpoll' });
    expect(socket.assigns).toEqual({ user: 'bob', transport: 'longpoll' });
    const chat = await socket.subscribeAndJoin('chat:1');
    await chat.assertReply(chat.push('whoami'), 'ok', { transport: 'longpoll' });
  });

  it('rejects with ConnectionRefusedError when the handler refuses or throws', async () => {
    await expect(channels.connect({ token: 'wrong' })).rejects.toThrow(ConnectionRefusedError);
    await expect(channels.connect({ token: 'explode' })).rejects.toThrow(
      'the socket handler refused the connection (params: {"token":"explode","vsn":"2.0.0"})',
    );
  });
});

describe('close', () => {
  it('closes every socket and subscription, leaving no connection or subscriber behind', async () => {
    const moduleRef = await compileChannelsModule(providers);
    const channels = await ChannelsTestHarness.create(moduleRef);
    const server = moduleRef.get(ChannelsServer);
    const pubsub = moduleRef.get(PubSub);
    for (const topic of ['room:x', 'room:y']) {
      const socket = await channels.connect();
      await socket.subscribeAndJoin(topic);
    }
    channels.subscribe('elsewhere');
    expect(server.connectionCount).toBe(2);
    expect(pubsub.topicCount).toBe(3);

    await channels.close();
    expect(server.connectionCount).toBe(0);
    expect(pubsub.topicCount).toBe(0);
    expect(moduleRef.get(Journal).terminated).toEqual([
      { topic: 'room:x', reason: 'closed' },
      { topic: 'room:y', reason: 'closed' },
    ]);
    await moduleRef.close();
  });
});

describe('ChannelsTestHarness and STOMP', () => {
  it('connects as a STOMP client would reach the channels: transport "stomp" through the socket handler', async () => {
    const moduleRef = await compileChannelsModule(providers);
    const channels = await ChannelsTestHarness.create(moduleRef);
    const socket = await channels.connect({}, { transport: 'stomp' });
    const room = await socket.subscribeAndJoin('room:stomp-harness');
    await room.assertReply(room.push('whoami'), 'ok', { transport: 'stomp' });
    await channels.close();
    await moduleRef.close();
  });
});
