import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { BROADCAST_EVENT } from '../harness/payload.js';
import type { BenchServer } from './bench-server.interface.js';
import { IDLE_TIMEOUT_MS } from './heartbeats.js';

/** Rooms are the Socket.IO equivalent of topics: a client asks to join one, with an ack. */
@WebSocketGateway({
  transports: ['websocket'],
  serveClient: false,
  pingInterval: IDLE_TIMEOUT_MS,
  pingTimeout: IDLE_TIMEOUT_MS,
})
class BenchGateway {
  @WebSocketServer()
  server: Server;

  @SubscribeMessage('join')
  join(@ConnectedSocket() client: Socket, @MessageBody() room: string) {
    void client.join(room);
    return 'ok';
  }
}

/** (d) Socket.IO 4 rooms through `@nestjs/platform-socket.io`, what Nest users pick today. */
export async function startSocketIo(): Promise<BenchServer> {
  @Module({ providers: [BenchGateway] })
  class BenchAppModule {}

  const app = await NestFactory.create(BenchAppModule, { logger: ['error', 'warn'] });
  app.useWebSocketAdapter(new IoAdapter(app));
  await app.listen(0, '127.0.0.1');
  const gateway = app.get(BenchGateway);
  return {
    port: (app.getHttpServer().address() as { port: number }).port,
    broadcast: (topic, payload) => gateway.server.to(topic).emit(BROADCAST_EVENT, payload),
    // Socket.IO's EVENT packet: type 4 (message) + 2 (event), then the JSON array.
    messageBytes: (_topic, payload) => Buffer.byteLength(`42${JSON.stringify([BROADCAST_EVENT, payload])}`),
  };
}
