import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Channel, ChannelsModule, ChannelsServer, Join } from '../../lib/index.js';
import { BROADCAST_EVENT, encodeV2Broadcast } from '../harness/payload.js';
import type { BenchServer, ServerOptions } from './bench-server.interface.js';
import { IDLE_TIMEOUT_MS } from './heartbeats.js';

/** Every `bench:*` topic accepts any join: the bench measures delivery, not authorization. */
@Channel('bench:*')
class BenchChannel {
  @Join()
  join() {
    return {};
  }
}

/** (a) A Nest app with one `@Channel`, broadcasting through the public `ChannelsServer.broadcast`. */
export async function startNestjsChannels(options: ServerOptions): Promise<BenchServer> {
  @Module({
    imports: [
      ChannelsModule.forRoot({
        idleTimeoutMs: options.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
        checkOrigin: false,
        ...(options.pubsub ? { pubsub: options.pubsub } : {}),
      }),
    ],
    providers: [BenchChannel],
  })
  class BenchAppModule {}

  const app = await NestFactory.create(BenchAppModule, { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const channels = app.get(ChannelsServer);
  return {
    port: (app.getHttpServer().address() as { port: number }).port,
    broadcast: (topic, payload) => channels.broadcast(topic, BROADCAST_EVENT, payload),
    messageBytes: (topic, payload) => Buffer.byteLength(encodeV2Broadcast(topic, BROADCAST_EVENT, payload)),
  };
}
