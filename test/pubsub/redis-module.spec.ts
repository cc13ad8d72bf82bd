import 'reflect-metadata';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ChannelsModule, ChannelsServer, PUBSUB_ADAPTER, RedisPubSubAdapter } from '../../lib/index.js';
import { DenyGuard, Journal, RoomChannel } from '../fixtures/room.channel.js';
import { describeWhen, REDIS_URL, redisAnswers, testRedis, uniquePrefix, waitForSubscribers } from '../fixtures/nodes/redis.js';
import { collect, connect, createClient, disconnect, eventually, join } from '../support/phoenix-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

test('an invalid pubsub option stops the boot and names the option', async () => {
  @Module({ imports: [ChannelsModule.forRoot({ pubsub: { redis: 'http://127.0.0.1:6379' } })] })
  class BadModule {}
  await expect(NestFactory.create(BadModule, { logger: false, abortOnError: false })).rejects.toThrow(
    'ChannelsModule option "pubsub.redis" must be a redis:// or rediss:// URL, got "http://127.0.0.1:6379"',
  );
});

const describeRedis = describeWhen(await redisAnswers(REDIS_URL), `Redis is not reachable at ${REDIS_URL}`);

describeRedis('ChannelsModule with the Redis adapter', () => {
  const prefix = uniquePrefix('module');
  let viaForRoot: TestApp;
  let viaForRootAsync: INestApplication;

  beforeAll(async () => {
    viaForRoot = await startTestApp({
      providers: [RoomChannel, Journal, DenyGuard],
      channels: { pubsub: { redis: REDIS_URL, prefix } },
    });
    @Module({
      imports: [ChannelsModule.forRootAsync({ useFactory: async () => ({ pubsub: { redis: REDIS_URL, prefix } }) })],
    })
    class AsyncModule {}
    viaForRootAsync = await NestFactory.create(AsyncModule, { logger: ['error', 'warn'] });
    await viaForRootAsync.init();
  });
  afterAll(async () => {
    await viaForRoot?.close();
    await viaForRootAsync?.close();
  });

  test('forRoot and forRootAsync both set up the Redis adapter, and the two apps reach each other', async () => {
    expect(viaForRoot.app.get(PUBSUB_ADAPTER)).toBeInstanceOf(RedisPubSubAdapter);
    expect(viaForRootAsync.get(PUBSUB_ADAPTER)).toBeInstanceOf(RedisPubSubAdapter);
    const client = createClient(viaForRoot.socketUrl);
    await connect(client);
    try {
      const channel = client.channel('room:async', {});
      expect((await join(channel)).status).toBe('ok');
      const news = collect(channel, 'news');
      const redis = testRedis(REDIS_URL);
      await waitForSubscribers(redis, `${prefix}room:async`, 1).finally(() => redis.disconnect());

      viaForRootAsync.get(ChannelsServer).broadcast('room:async', 'news', { from: 'the other app' });
      await eventually(() => news.length === 1, 'the client got the other app broadcast');
      expect(news).toEqual([{ from: 'the other app' }]);
    } finally {
      await disconnect(client);
    }
  });
});
