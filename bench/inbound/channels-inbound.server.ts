import 'reflect-metadata';
import { Module, UsePipes, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Channel, ChannelsModule, HandleIn, Join, Payload } from '../../lib/index.js';
import { IDLE_TIMEOUT_MS } from '../servers/heartbeats.js';
import { ChatMessage, INBOUND_EVENT, receiptFor } from './chat-message.js';
import type { InboundServer } from './inbound-server.interface.js';

function inboundChannel(validate: boolean) {
  @Channel('room:*')
  class InboundChannel {
    @Join()
    join() {
      return {};
    }

    @HandleIn(INBOUND_EVENT)
    message(@Payload() message: ChatMessage) {
      return receiptFor(message.body);
    }
  }
  // As an app validates its DTOs: the pipe on the channel class.
  if (validate) UsePipes(new ValidationPipe())(InboundChannel);
  return InboundChannel;
}

/**
 * The app module of the nestjs-channels servers: one channel answering `@HandleIn('msg')`. The
 * in-process measurement sends a hundred thousand messages a second on one connection, far past
 * the per-socket byte allowance: `unlimited` lifts it.
 */
export function inboundAppModule(validate: boolean, unlimited = false) {
  @Module({
    imports: [
      // The default 200 messages/s per socket would throttle a pipelining client: raised, as docs/ advise.
      ChannelsModule.forRoot({
        idleTimeoutMs: IDLE_TIMEOUT_MS,
        checkOrigin: false,
        rateLimit: { messagesPerSecond: 1_000_000, burst: 1_000_000 },
        ...(unlimited ? { byteRateLimit: false as const } : {}),
      }),
    ],
    providers: [inboundChannel(validate)],
  })
  class InboundAppModule {}
  return InboundAppModule;
}

/** nestjs-channels answering `@HandleIn('msg')`, with or without `ValidationPipe`. */
export async function startChannelsInbound(validate: boolean): Promise<InboundServer> {
  const app = await NestFactory.create(inboundAppModule(validate), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  return { port: (app.getHttpServer().address() as { port: number }).port, close: () => app.close() };
}
