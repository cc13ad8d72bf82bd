import 'reflect-metadata';
import { Module, UsePipes, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { WsAdapter } from '@nestjs/platform-ws';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { ChatMessage, INBOUND_EVENT, receiptFor } from './chat-message.js';
import type { InboundServer } from './inbound-server.interface.js';

/** Nest's documented way to answer over platform-ws: return `{ event, data }`. */
@WebSocketGateway({ path: '/ws' })
@UsePipes(new ValidationPipe())
class WsChatGateway {
  @SubscribeMessage(INBOUND_EVENT)
  message(@MessageBody() message: ChatMessage) {
    return { event: INBOUND_EVENT, data: receiptFor(message.body) };
  }
}

/** Over Socket.IO the returned value is the client's ack. */
@WebSocketGateway({ transports: ['websocket'], serveClient: false })
@UsePipes(new ValidationPipe())
class SocketIoChatGateway {
  @SubscribeMessage(INBOUND_EVENT)
  message(@MessageBody() message: ChatMessage) {
    return receiptFor(message.body);
  }
}

async function startGateway(gateway: new () => object, adapter: 'ws' | 'socketio'): Promise<InboundServer> {
  @Module({ providers: [gateway] })
  class GatewayAppModule {}

  const app = await NestFactory.create(GatewayAppModule, { logger: ['error', 'warn'] });
  app.useWebSocketAdapter(adapter === 'ws' ? new WsAdapter(app) : new IoAdapter(app));
  await app.listen(0, '127.0.0.1');
  return { port: (app.getHttpServer().address() as { port: number }).port, close: () => app.close() };
}

/** Nest's own gateway on `@nestjs/platform-ws`, validating with `ValidationPipe`. */
export function startNestWsGateway(): Promise<InboundServer> {
  return startGateway(WsChatGateway, 'ws');
}

/** Nest's own gateway on `@nestjs/platform-socket.io`, answering with acks, validating with `ValidationPipe`. */
export function startNestSocketIoGateway(): Promise<InboundServer> {
  return startGateway(SocketIoChatGateway, 'socketio');
}
