import { Injectable, Module } from '@nestjs/common';
import type { Socket as PhoenixSocket } from 'phoenix';
import {
  Assigns,
  Channel,
  ChannelSocket,
  ChannelsAuthModule,
  ChannelsTokenService,
  HandleIn,
  Join,
  Socket,
  TokenSocketHandler,
  type ConnectingSocket,
} from '../../lib/index.js';
import { connect, createClient, disconnect, join, push } from '../support/phoenix-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { probeUpgrade } from './support/upgrade-probe.js';

const SECRET = 'custom-secret-0123456789abcdef-0123456789ab';
const BANNED_IDS = new Set(['u-13']);

/** Stands in for the app's configuration service, to prove forRootAsync injects. */
@Injectable()
class AuthConfig {
  readonly secret = SECRET;
}

@Module({ providers: [AuthConfig], exports: [AuthConfig] })
class AuthConfigModule {}

/** The documented way to check more than the token: extend the handler, override authorize(). */
@Injectable()
class MemberSocketHandler extends TokenSocketHandler {
  protected override authorize(data: unknown, socket: ConnectingSocket): boolean {
    const { sub } = data as { sub: string };
    if (BANNED_IDS.has(sub)) return false;
    socket.assign('connected_via', 'member socket');
    return true;
  }
}

@Channel('lobby')
class LobbyChannel {
  @Join()
  join() {
    return {};
  }

  @HandleIn('whoami')
  whoami(@Assigns() assigns: Record<string, unknown>, @ChannelSocket() socket: Socket) {
    return { assigns, socketId: socket.id };
  }
}

describe('a TokenSocketHandler subclass configured with forRootAsync', () => {
  let server: TestApp;
  let tokens: ChannelsTokenService;
  const clients: PhoenixSocket[] = [];

  beforeAll(async () => {
    server = await startTestApp({
      imports: [
        ChannelsAuthModule.forRootAsync({
          imports: [AuthConfigModule],
          inject: [AuthConfig],
          useFactory: (config: AuthConfig) => ({
            secrets: config.secret,
            socket: {
              salt: 'member socket',
              param: 'auth',
              assign: 'member',
              id: (data) => `member:${(data as { sub: string }).sub}`,
            },
          }),
        }),
      ],
      channels: { socketHandler: MemberSocketHandler },
      providers: [LobbyChannel, MemberSocketHandler],
    });
    tokens = server.app.get(ChannelsTokenService);
  });
  afterAll(() => server.close());
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => disconnect(client)));
  });

  test('reads the configured param, assigns under the configured key and uses the configured id', async () => {
    const token = await tokens.sign('member socket', { sub: 'u-1' });
    expect(await probeUpgrade(server.socketUrl, { params: { token } })).toEqual({ status: 403 });
    const socket = createClient(server.socketUrl, { params: { auth: token } });
    clients.push(socket);
    await connect(socket);
    const channel = socket.channel('lobby');
    expect(await join(channel)).toEqual({ status: 'ok', response: {} });
    expect(await push(channel, 'whoami')).toEqual({
      status: 'ok',
      response: { assigns: { member: { sub: 'u-1' }, connected_via: 'member socket' }, socketId: 'member:u-1' },
    });
  });

  test('authorize() refusing a valid token answers 403', async () => {
    const banned = await tokens.sign('member socket', { sub: 'u-13' });
    const member = await tokens.sign('member socket', { sub: 'u-2' });
    expect(await probeUpgrade(server.socketUrl, { params: { auth: banned } })).toEqual({ status: 403 });
    expect(await probeUpgrade(server.socketUrl, { params: { auth: member } })).toEqual({ status: 101, protocol: '' });
  });

  test('a token signed for the default salt is not a member token', async () => {
    const token = await tokens.sign('user socket', { sub: 'u-1' });
    expect(await probeUpgrade(server.socketUrl, { params: { auth: token } })).toEqual({ status: 403 });
  });
});
