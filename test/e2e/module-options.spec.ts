import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Channel, ChannelsModule, Join, type SocketHandler } from '../../lib/index.js';
import { connect, createClient, disconnect, join } from '../support/phoenix-client.js';

@Channel('conf:*')
class ConfChannel {
  @Join()
  join() {
    return { ok: true };
  }
}

@Injectable()
class SettingsService {
  readonly socketPath = '/live';
}

@Module({ providers: [SettingsService], exports: [SettingsService] })
class SettingsModule {}

async function boot(module: unknown) {
  const app = await NestFactory.create(module as never, { logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

describe('ChannelsModule options', () => {
  test('forRootAsync takes its options from an injected provider', async () => {
    @Module({
      imports: [
        ChannelsModule.forRootAsync({
          imports: [SettingsModule],
          inject: [SettingsService],
          useFactory: (settings: SettingsService) => ({ path: settings.socketPath }),
        }),
      ],
      providers: [ConfChannel],
    })
    class AsyncAppModule {}

    const app = await boot(AsyncAppModule);
    try {
      const { port } = app.getHttpServer().address();
      const client = createClient(`ws://127.0.0.1:${port}/live`);
      await connect(client);
      expect(await join(client.channel('conf:1'))).toEqual({ status: 'ok', response: { ok: true } });
      await disconnect(client);
    } finally {
      await app.close();
    }
  });

  test.each([
    [{ path: 'socket' }, /"path"/],
    [{ idleTimeoutMs: 0 }, /"idleTimeoutMs"/],
    [{ maxFrameSize: -1 }, /"maxFrameSize"/],
    [{ serializers: ['3.0.0'] }, /"serializers"/],
    [{ transports: ['carrier-pigeon'] }, /"transports"/],
    [{ checkOrigin: 'yes' }, /"checkOrigin"/],
    [{ maxChannelsPerSocket: 1.5 }, /"maxChannelsPerSocket"/],
    [{ rateLimit: { messagesPerSecond: 0, burst: 1 } }, /"rateLimit.messagesPerSecond"/],
    [{ presence: { broadcastPeriodMs: 0 } }, /"presence.broadcastPeriodMs"/],
    [{ longpoll: { secret: 'short' } }, /"longpoll.secret"/],
  ])('an invalid option fails at boot and names it: %j', async (options, message) => {
    @Module({ imports: [ChannelsModule.forRoot(options as never)] })
    class BadModule {}
    const boot = NestFactory.create(BadModule, { logger: false, abortOnError: false });
    await expect(boot).rejects.toThrow(message);
    await expect(boot).rejects.toMatchObject({ name: 'ChannelsOptionError', code: 'CHANNELS_ERR_INVALID_OPTION' });
    await expect(boot).rejects.toBeInstanceOf(TypeError);
  });

  test('a channel without @Join fails at boot and names the class', async () => {
    @Channel('nojoin')
    class NoJoinChannel {}
    @Module({ imports: [ChannelsModule.forRoot()], providers: [NoJoinChannel] })
    class NoJoinModule {}
    const app = await NestFactory.create(NoJoinModule, { logger: false, abortOnError: false });
    await expect(app.init()).rejects.toThrow(
      expect.objectContaining({ code: 'CHANNELS_ERR_NO_JOIN_HANDLER', message: expect.stringMatching(/NoJoinChannel.*@Join/) }),
    );
    await app.close().catch(() => undefined);
  });

  test('two channels routing the same topic fail at boot and name both', async () => {
    @Channel('dup:*')
    class FirstChannel {
      @Join() join() {}
    }
    @Channel('dup:*')
    class SecondChannel {
      @Join() join() {}
    }
    @Module({ imports: [ChannelsModule.forRoot()], providers: [FirstChannel, SecondChannel] })
    class DupModule {}
    const app = await NestFactory.create(DupModule, { logger: false, abortOnError: false });
    await expect(app.init()).rejects.toThrow(
      expect.objectContaining({ code: 'CHANNELS_ERR_DUPLICATE_ROUTE', message: expect.stringMatching(/FirstChannel.*SecondChannel/) }),
    );
    await app.close().catch(() => undefined);
  });

  test('a socket handler class that no module provides fails at boot and says so', async () => {
    @Injectable()
    class OrphanSocketHandler implements SocketHandler {
      connect(): boolean {
        return true;
      }
    }
    @Module({ imports: [ChannelsModule.forRoot({ socketHandler: OrphanSocketHandler })], providers: [ConfChannel] })
    class OrphanModule {}
    const app = await NestFactory.create(OrphanModule, { logger: false, abortOnError: false });
    await expect(app.init()).rejects.toThrow(
      expect.objectContaining({
        code: 'CHANNELS_ERR_SOCKET_HANDLER_NOT_PROVIDED',
        message: expect.stringContaining("The socket handler OrphanSocketHandler is not a provider of any module: list it in a module's providers"),
      }),
    );
    await app.close().catch(() => undefined);
  });

  test('a socket handler class listed in a module is used as that one instance', async () => {
    @Injectable()
    class CountingSocketHandler implements SocketHandler {
      connects = 0;
      connect(): boolean {
        this.connects++;
        return true;
      }
    }
    @Module({ imports: [ChannelsModule.forRoot({ socketHandler: CountingSocketHandler })], providers: [ConfChannel, CountingSocketHandler] })
    class ProvidedModule {}
    const app = await boot(ProvidedModule);
    const socket = createClient(`ws://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/socket`);
    try {
      await connect(socket);
      expect(app.get(CountingSocketHandler).connects).toBe(1);
    } finally {
      disconnect(socket);
      await app.close();
    }
  });
});
