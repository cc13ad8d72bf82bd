import 'reflect-metadata';
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
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const path = options.channels?.path ?? '/socket';
  return {
    app,
    port: address.port,
    socketUrl: `ws://127.0.0.1:${address.port}${path}`,
    close: () => app.close(),
  };
}

export type { Type };
