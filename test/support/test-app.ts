import 'reflect-metadata';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { INestApplication, LoggerService, LogLevel, ModuleMetadata, Type } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ChannelsModule, type ChannelsModuleOptions } from '../../lib/index.js';

export type Platform = 'express' | 'fastify';

export interface TestApp {
  app: INestApplication;
  port: number;
  /** `ws://127.0.0.1:PORT/socket` (the phoenix client appends `/websocket`). */
  socketUrl: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  providers?: ModuleMetadata['providers'];
  imports?: ModuleMetadata['imports'];
  controllers?: ModuleMetadata['controllers'];
  channels?: ChannelsModuleOptions;
  platform?: Platform;
  configure?: (app: INestApplication) => void | Promise<void>;
  /** Nest's logger option; default errors and warnings to the console. */
  logger?: LoggerService | LogLevel[] | false;
}

/** Boots a real Nest app with the channels module on a free port of 127.0.0.1. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  @Module({
    imports: [ChannelsModule.forRoot(options.channels ?? {}), ...(options.imports ?? [])],
    providers: options.providers ?? [],
    controllers: options.controllers ?? [],
  })
  class TestAppModule {}

  const logger = options.logger ?? ['error', 'warn'];
  const app =
    options.platform === 'fastify'
      ? await NestFactory.create(TestAppModule, new FastifyAdapter(), { logger })
      : await NestFactory.create(TestAppModule, { logger });
  await options.configure?.(app);
  const destroyUnusedConnections = trackUnusedConnections(app.getHttpServer());
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const path = options.channels?.path ?? '/socket';
  return {
    app,
    port: address.port,
    socketUrl: `ws://127.0.0.1:${address.port}${path}`,
    close: async () => {
      const sweep = setInterval(destroyUnusedConnections, 50);
      destroyUnusedConnections();
      try {
        await app.close();
      } finally {
        clearInterval(sweep);
      }
    },
  };
}

/**
 * Closing the HTTP server waits for every connection that is not idle, and to Node a connection
 * that never sent a request is not idle (it awaits its headers). fetch leaves such connections
 * open when the phoenix LongPoll aborts a request it was about to send, as it does on
 * disconnect, so the app would take until the headers timeout to close. Closing them loses nothing.
 */
function trackUnusedConnections(server: Server): () => void {
  const unused = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    unused.add(socket);
    socket.once('data', () => unused.delete(socket));
    socket.once('close', () => unused.delete(socket));
  });
  return () => {
    for (const socket of unused) socket.destroy();
    unused.clear();
  };
}

export type { Type };
