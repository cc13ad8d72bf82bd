import { LongPoll, type Socket as PhoenixSocket } from 'phoenix';
import { ChannelsAuthModule, ChannelsTokenService, TokenSocketHandler } from '../../lib/index.js';
import { connect, createClient, disconnect, join, push, type ClientOptions } from '../support/phoenix-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { SessionController, UserChannel } from './fixtures/user.channel.js';
import { FakeClock } from './support/fake-clock.js';
import { forgeData, login } from './support/session.js';

const SECRET = 'longpoll-secret-0123456789abcdef-012345678';
const ANN = { id: 42, name: 'ann' };

describe('TokenSocketHandler over long-poll', () => {
  const clock = new FakeClock();
  let server: TestApp;
  const clients = new Set<PhoenixSocket>();

  beforeAll(async () => {
    server = await startTestApp({
      imports: [ChannelsAuthModule.forRoot({ secrets: SECRET, clock: clock.now, socket: { maxAge: 60 } })],
      channels: { transports: ['websocket', 'longpoll'], socketHandler: TokenSocketHandler },
      providers: [UserChannel],
      controllers: [SessionController],
    });
  });
  afterAll(() => server.close());
  afterEach(async () => {
    await Promise.all([...clients].map((client) => disconnect(client)));
    clients.clear();
  });

  function longPollClient(options: ClientOptions): PhoenixSocket {
    const socket = createClient(server.socketUrl, { transport: LongPoll, ...options } as ClientOptions);
    clients.add(socket);
    return socket;
  }

  /** The status in the body of the first GET, as the client reads it (HTTP is always 200). */
  async function firstPollStatus(query: Record<string, string>, authToken?: string): Promise<number> {
    const search = new URLSearchParams({ ...query, vsn: '2.0.0' });
    const headers: Record<string, string> = { accept: 'application/json' };
    if (authToken !== undefined) headers['x-phoenix-authtoken'] = authToken;
    const response = await fetch(`http://127.0.0.1:${server.port}/socket/longpoll?${search}`, { headers });
    expect(response.status).toBe(200);
    return ((await response.json()) as { status: number }).status;
  }

  test.each([
    ['the connect param', (token: string) => ({ params: { token } })],
    ['the authToken option (X-Phoenix-AuthToken)', (token: string) => ({ authToken: token })],
  ])('a valid token in %s opens a session with the data in the assigns', async (_label, credentials) => {
    const token = await login(server.port, ANN);
    const socket = longPollClient(credentials(token));
    await connect(socket);
    const channel = socket.channel('user:42');
    expect(await join(channel)).toEqual({ status: 'ok', response: { joined: 'user:42' } });
    expect(await push(channel, 'whoami')).toEqual({ status: 'ok', response: { user: ANN, socketId: 'users_socket:42' } });
  });

  test('the first poll answers a session (410) for a valid token', async () => {
    const token = await new ChannelsTokenService({ secrets: SECRET, clock: clock.now }).sign('user socket', ANN);
    expect(await firstPollStatus({ token })).toBe(410);
    expect(await firstPollStatus({}, token)).toBe(410);
  });

  test.each<[string, () => Promise<{ query: Record<string, string>; authToken?: string }>]>([
    ['no token', async () => ({ query: {} })],
    ['a tampered token', async () => ({ query: { token: forgeData(await login(server.port, ANN), { id: 1 }) } })],
    [
      'an expired authToken',
      async () => {
        const token = await login(server.port, ANN);
        clock.advanceSeconds(61);
        return { query: {}, authToken: token };
      },
    ],
  ])('%s is refused with {"status": 403}; the phoenix client errors and never opens', async (_label, credentials) => {
    const { query, authToken } = await credentials();
    expect(await firstPollStatus(query, authToken)).toBe(403);
    const socket = longPollClient({ params: query, authToken });
    let opened = false;
    socket.onOpen(() => {
      opened = true;
    });
    await expect(connect(socket)).rejects.toThrow();
    expect(opened).toBe(false);
    expect(socket.isConnected()).toBe(false);
  });
});
