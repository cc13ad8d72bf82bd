import type { Socket as PhoenixSocket } from 'phoenix';
import { ChannelsAuthModule, ChannelsTokenService, TokenSocketHandler } from '../../lib/index.js';
import {
  connect,
  createClient,
  disconnect,
  eventually,
  join,
  push,
  type ClientOptions,
} from '../support/phoenix-client.js';
import { startTestApp, type Platform, type TestApp } from '../support/test-app.js';
import { SessionController, UserChannel } from './fixtures/user.channel.js';
import { FakeClock } from './support/fake-clock.js';
import { forgeData, login, logout } from './support/session.js';
import { probeUpgrade } from './support/upgrade-probe.js';

const CURRENT = 'current-secret-0123456789abcdef-0123456789';
const PREVIOUS = 'previous-secret-0123456789abcdef-012345678';
const REMOVED = 'removed-secret-0123456789abcdef-0123456789';
const ALLOWED_ORIGIN = 'https://app.example.com';
const ANN = { id: 42, name: 'ann' };
const BOB = { id: 7, name: 'bob' };

const PLATFORMS: Platform[] = ['express', 'fastify'];

describe.each(PLATFORMS)('TokenSocketHandler with the phoenix client (%s)', (platform) => {
  const clock = new FakeClock();
  let server: TestApp;
  const clients = new Set<PhoenixSocket>();

  beforeAll(async () => {
    server = await startTestApp({
      platform,
      imports: [ChannelsAuthModule.forRoot({ secrets: [CURRENT, PREVIOUS], clock: clock.now, socket: { maxAge: 60 } })],
      channels: { socketHandler: TokenSocketHandler, checkOrigin: [ALLOWED_ORIGIN] },
      providers: [UserChannel],
      controllers: [SessionController],
    });
  });
  afterAll(() => server.close());
  afterEach(async () => {
    await Promise.all([...clients].map((client) => disconnect(client)));
    clients.clear();
  });

  function client(options: ClientOptions): PhoenixSocket {
    const socket = createClient(server.socketUrl, options);
    clients.add(socket);
    return socket;
  }

  /** Signs with the app's own secrets list but outside the app, e.g. for another purpose. */
  function signWith(secret: string, salt: string, data: unknown): Promise<string> {
    return new ChannelsTokenService({ secrets: [secret], clock: clock.now }).sign(salt, data);
  }

  async function whoami(socket: PhoenixSocket, topic = 'user:42') {
    const channel = socket.channel(topic);
    expect(await join(channel)).toEqual({ status: 'ok', response: { joined: topic } });
    return push(channel, 'whoami');
  }

  test('a token from the login controller in the connect params opens the socket and fills the assigns', async () => {
    const token = await login(server.port, ANN);
    expect(await probeUpgrade(server.socketUrl, { params: { token } })).toEqual({ status: 101, protocol: '' });
    const socket = client({ params: { token } });
    await connect(socket);
    expect(await whoami(socket)).toEqual({ status: 'ok', response: { user: ANN, socketId: 'users_socket:42' } });
  });

  test("the phoenix 1.8 client's authToken option is accepted and answered with the phoenix subprotocol", async () => {
    const token = await login(server.port, ANN);
    expect(await probeUpgrade(server.socketUrl, { authToken: token })).toEqual({ status: 101, protocol: 'phoenix' });
    const socket = client({ authToken: token });
    await connect(socket);
    expect(await whoami(socket)).toEqual({ status: 'ok', response: { user: ANN, socketId: 'users_socket:42' } });
  });

  test('a token signed with the previous secret, still listed second, is accepted', async () => {
    const token = await signWith(PREVIOUS, 'user socket', ANN);
    expect(await probeUpgrade(server.socketUrl, { params: { token } })).toEqual({ status: 101, protocol: '' });
    const socket = client({ params: { token } });
    await connect(socket);
    expect(await whoami(socket)).toEqual({ status: 'ok', response: { user: ANN, socketId: 'users_socket:42' } });
  });

  describe.each<[string, () => Promise<{ params?: Record<string, string>; authToken?: string }>]>([
    ['no token', async () => ({})],
    ['a tampered token (id rewritten)', async () => ({ params: { token: forgeData(await login(server.port, BOB), { id: 42 }) } })],
    [
      'an expired token',
      async () => {
        const token = await login(server.port, ANN);
        clock.advanceSeconds(61);
        return { params: { token } };
      },
    ],
    ['a token signed with a removed secret', async () => ({ params: { token: await signWith(REMOVED, 'user socket', ANN) } })],
    ['a token issued for another purpose (salt)', async () => ({ params: { token: await signWith(CURRENT, 'password reset', ANN) } })],
    ['a garbage authToken', async () => ({ authToken: 'not-a-token' })],
    [
      'a tampered authToken beside a valid param token',
      async () => ({ authToken: forgeData(await login(server.port, BOB), { id: 42 }), params: { token: await login(server.port, ANN) } }),
    ],
  ])('%s', (_label, credentials) => {
    test('is refused with HTTP 403 on the upgrade, and the phoenix client errors and never opens', async () => {
      const { params, authToken } = await credentials();
      expect(await probeUpgrade(server.socketUrl, { params, authToken })).toEqual({ status: 403 });
      const socket = client({ params, authToken });
      let opened = false;
      socket.onOpen(() => {
        opened = true;
      });
      await expect(connect(socket)).rejects.toThrow();
      expect(opened).toBe(false);
      expect(socket.isConnected()).toBe(false);
    });
  });

  test('the join guard lets a user into their own topic and refuses another user\'s with "unauthorized"', async () => {
    const socket = client({ params: { token: await login(server.port, ANN) } });
    await connect(socket);
    expect(await join(socket.channel('user:42'))).toEqual({ status: 'ok', response: { joined: 'user:42' } });
    const foreign = socket.channel('user:7');
    expect(await join(foreign)).toEqual({ status: 'error', response: { reason: 'unauthorized' } });
    foreign.leave();
  });

  test('a browser origin outside checkOrigin is refused with 403 even with a valid token', async () => {
    const token = await login(server.port, ANN);
    expect(await probeUpgrade(server.socketUrl, { params: { token }, origin: 'https://evil.example.com' })).toEqual({
      status: 403,
    });
    expect(await probeUpgrade(server.socketUrl, { params: { token }, origin: ALLOWED_ORIGIN })).toEqual({
      status: 101,
      protocol: '',
    });
  });

  test("logout disconnects that user's sockets (1001) and only theirs; a reconnect without token is refused", async () => {
    let annToken: string | undefined = await login(server.port, ANN);
    // Like a browser app: the params are re-read on every reconnect, and logout drops the token.
    const annParams = () => (annToken ? { token: annToken } : {});
    const tabs = [client({ params: annParams }), client({ params: annParams })];
    const bob = client({ params: { token: await login(server.port, BOB) } });
    await Promise.all([...tabs, bob].map((socket) => connect(socket)));
    const closeCodes: number[] = [];
    let refusedReconnects = 0;
    let bobClosed = false;
    for (const tab of tabs) {
      tab.onClose((event) => {
        closeCodes.push(event.code);
      });
      tab.onError(() => {
        refusedReconnects++;
      });
    }
    bob.onClose(() => {
      bobClosed = true;
    });

    annToken = undefined;
    expect(await logout(server.port, ANN)).toBe(204);

    await eventually(() => closeCodes.length === 2, 'both of ann\'s sockets closed');
    expect(closeCodes).toEqual([1001, 1001]);
    await eventually(() => refusedReconnects >= 2, 'reconnects without a token refused');
    expect(tabs.map((tab) => tab.isConnected())).toEqual([false, false]);
    expect(await whoami(bob, 'user:7')).toEqual({ status: 'ok', response: { user: BOB, socketId: 'users_socket:7' } });
    expect(bobClosed).toBe(false);
  });
});
