import { ChannelsTokenService } from 'nestjs-channels';
import { connect, eventually, join } from '../../test/support/phoenix-client.js';
import { DEMO_TOKEN_SECRET } from '../src/config/app-config.js';
import { SESSION_TOKEN_SALT } from '../src/session/session-user.js';
import { SampleClients, signIn, startSampleApp, upgradeStatus, type SampleApp } from './support/sample-app.js';

let server: SampleApp;
const clients = new SampleClients(() => server.socketUrl);
beforeAll(async () => {
  server = await startSampleApp();
});
afterEach(() => clients.disconnectAll());
afterAll(() => server.close());

const DAY_S = 86_400;
/** A session token of ann's, signed with the app's secret `seconds` ago. */
const signedAgo = (seconds: number) =>
  new ChannelsTokenService({ secrets: DEMO_TOKEN_SECRET, clock: () => Date.now() - seconds * 1000 }).sign(SESSION_TOKEN_SALT, {
    id: 'ann',
    session: `signed ${seconds} s ago`,
  });
const authTokenProtocols = (token: string) => [
  'phoenix',
  `base64url.bearer.phx.${Buffer.from(token).toString('base64').replace(/=+$/, '')}`,
];

describe('connecting', () => {
  test('a valid token, as the `token` param, opens the socket', async () => {
    const token = await signIn(server.baseUrl, 'ann');
    expect(await upgradeStatus(server.socketUrl, { token })).toBe(101);
    const socket = await clients.connected(token);
    expect(socket.isConnected()).toBe(true);
  });

  test("a valid token, as the phoenix 1.8 client's authToken, opens the socket", async () => {
    const token = await signIn(server.baseUrl, 'ann');
    expect(await upgradeStatus(server.socketUrl, {}, authTokenProtocols(token))).toBe(101);
    const socket = clients.create({ authToken: token });
    await connect(socket);
    // The handler assigned the user, so the user's own channel lets it in.
    expect(await join(socket.channel('user:ann'))).toEqual({ status: 'ok', response: {} });
  });

  test('no token is refused with 403', async () => {
    expect(await upgradeStatus(server.socketUrl, {})).toBe(403);
    expect(await upgradeStatus(server.socketUrl, { token: '' })).toBe(403);
  });

  test('a malformed or forged token is refused with 403', async () => {
    expect(await upgradeStatus(server.socketUrl, { token: 'not-a-token' })).toBe(403);
    expect(await upgradeStatus(server.socketUrl, {}, authTokenProtocols('not-a-token'))).toBe(403);
    const forger = new ChannelsTokenService({ secrets: 'someone-elses-secret-of-32-bytes-or-more' });
    const forged = await forger.sign(SESSION_TOKEN_SALT, { id: 'ann', session: 'forged' });
    expect(await upgradeStatus(server.socketUrl, { token: forged })).toBe(403);
    // Signed with the right secret, but for another purpose or without a session id.
    const signer = new ChannelsTokenService({ secrets: DEMO_TOKEN_SECRET });
    expect(await upgradeStatus(server.socketUrl, { token: await signer.sign('invite', { id: 'ann', session: 's' }) })).toBe(403);
    expect(await upgradeStatus(server.socketUrl, { token: await signer.sign(SESSION_TOKEN_SALT, 'ann') })).toBe(403);
  });

  test('a token older than TOKEN_MAX_AGE_S is refused with 403', async () => {
    const fresh = await signedAgo(DAY_S - 60);
    const stale = await signedAgo(DAY_S + 60);
    expect(await upgradeStatus(server.socketUrl, { token: fresh })).toBe(101);
    expect(await upgradeStatus(server.socketUrl, { token: stale })).toBe(403);
  });

  test('TOKEN_MAX_AGE_S sets the age past which tokens are refused', async () => {
    const short = await startSampleApp({ TOKEN_MAX_AGE_S: '60' });
    try {
      expect(await upgradeStatus(short.socketUrl, { token: await signedAgo(30) })).toBe(101);
      expect(await upgradeStatus(short.socketUrl, { token: await signedAgo(90) })).toBe(403);
    } finally {
      await short.close();
    }
  });

  test('the phoenix client does not open with a refused token', async () => {
    const socket = clients.create({ params: { token: 'not-a-token' } });
    await expect(connect(socket)).rejects.toBeDefined();
    expect(socket.isConnected()).toBe(false);
  });
});

describe('logout', () => {
  test("closes every socket of the user with 1001, and only the logged-out token stops working", async () => {
    const [annLeaving, annStaying, bob] = await Promise.all([
      signIn(server.baseUrl, 'ann'),
      signIn(server.baseUrl, 'ann'),
      signIn(server.baseUrl, 'bob'),
    ]);
    const leavingSocket = await clients.connected(annLeaving, { reconnectAfterMs: () => 60_000 });
    const otherAnnSocket = await clients.connected(annStaying, { reconnectAfterMs: () => 60_000 });
    const bobSocket = await clients.connected(bob);
    const closeCodes: number[] = [];
    for (const socket of [leavingSocket, otherAnnSocket, bobSocket]) {
      socket.onClose((event: { code: number }) => void closeCodes.push(event.code));
    }

    const response = await fetch(`${server.baseUrl}/api/session/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${annLeaving}` },
    });
    expect(response.status).toBe(204);

    await eventually(() => closeCodes.length === 2, "both of ann's sockets to close");
    expect(closeCodes).toEqual([1001, 1001]);
    expect(bobSocket.isConnected()).toBe(true);
    expect(await upgradeStatus(server.socketUrl, { token: annLeaving })).toBe(403);
    expect(await upgradeStatus(server.socketUrl, { token: annStaying })).toBe(101);
  });
});

describe('shutdown', () => {
  test('closing the app closes every socket with 1012, so clients reconnect', async () => {
    const own = await startSampleApp();
    const ownClients = new SampleClients(() => own.socketUrl);
    try {
      const socket = await ownClients.connected(await signIn(own.baseUrl, 'ann'), { reconnectAfterMs: () => 60_000 });
      await ownClients.joined(socket, 'room:shutdown');
      const closeCodes: number[] = [];
      socket.onClose((event: { code: number }) => void closeCodes.push(event.code));
      await own.close(); // would hang if the app waited for its clients to leave
      await eventually(() => closeCodes.length > 0, 'the socket to close');
      expect(closeCodes).toEqual([1012]);
    } finally {
      await ownClients.disconnectAll();
    }
  });
});
