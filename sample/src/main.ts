import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { APP_CONFIG, DEMO_TOKEN_SECRET, type AppConfig } from './config/app-config.js';

async function bootstrap(): Promise<void> {
  // forceCloseConnections: a long-poll client may leave a kept-alive connection that never sent
  // a request, and server.close() would wait for it until Node's headers timeout.
  const app = await NestFactory.create(AppModule, { forceCloseConnections: true });
  // On SIGTERM/SIGINT: close every socket with 1012 (clients reconnect), then exit with 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  const config = app.get<AppConfig>(APP_CONFIG);
  const logger = new Logger('ChatSample');
  if (config.tokenSecret === DEMO_TOKEN_SECRET) logger.warn('TOKEN_SECRET is not set: using the public demo secret');
  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as { port: number };
  logger.log(`listening on http://${config.host}:${port}`);
}

void bootstrap();
