import { conformanceApp } from '../fixtures/conformance.app.js';
import { TokenSocketHandler } from '../fixtures/token.socket-handler.js';
import { useTestApp } from '../support/app-scope.js';
import { useClients } from '../support/client-scope.js';
import { describeEachTarget, servingBothTransports, WEBSOCKET_TARGETS } from '../support/matrix.js';
import { connect, eventually, push } from '../support/phoenix-client.js';
import { transportOf } from '../support/phoenix-internals.js';
import { probeUpgrade } from '../support/raw-socket.js';

/** The subprotocol the phoenix 1.8 client sends its `authToken` in (base64 without padding). */
function authTokenProtocol(token: string): string {
  return `base64url.bearer.phx.${Buffer.from(token).toString('base64').replace(/=/g, '')}`;
}

describeEachTarget('connect', (target) => {
  const { vsn, transport } = target;
  const app = useTestApp(() => conformanceApp(target.platform, servingBothTransports()));
  const clients = useClients(app, target);

  // Over long-poll the refusal is `{"status": 403}` in an HTTP 200, which the client reports as an error too.
  test('the phoenix client of a refused connection gets an error and never opens', async () => {
    const socket = clients.create({ params: { token: 'refuse' } });
    let opened = false;
    socket.onOpen(() => {
      opened = true;
    });
    await expect(connect(socket)).rejects.toBeDefined();
    expect(opened).toBe(false);
    expect(socket.isConnected()).toBe(false);
  });

  test('connect params and the authToken reach the socket handler', async () => {
    const handler = app.get(TokenSocketHandler);
    const token = 'secret token?&=';
    await clients.connected({ params: { user: 'ann', room: 'x' }, authToken: token });
    expect(handler.attempts.at(-1)).toEqual({
      params: { user: 'ann', room: 'x', vsn },
      authToken: token,
      transport,
      vsn,
    });
  });

  test('assigns made in connect() and the socket id are visible in every channel', async () => {
    const socket = await clients.connected({ params: { user: 'ann' } });
    const first = await clients.joined(socket, 'room:who-1', { nick: 'annie' });
    const second = await clients.joined(socket, 'room:who-2');
    expect(await push(first, 'whoami')).toEqual({
      status: 'ok',
      response: { assigns: { user: 'ann', nick: 'annie' }, id: 'user:ann', transport, vsn },
    });
    expect((await push(second, 'whoami')).response.assigns).toEqual({ user: 'ann', nick: 'anon' });
  });

  test('a client with only an authToken is known by it', async () => {
    const socket = await clients.connected({ authToken: 'bob' });
    const channel = await clients.joined(socket, 'room:who-3');
    expect((await push(channel, 'whoami')).response).toMatchObject({ assigns: { user: 'bob' }, id: 'user:bob' });
  });

  test('the socket handler sees params again on a reconnect (the client re-reads them)', async () => {
    const handler = app.get(TokenSocketHandler);
    let generation = 0;
    const socket = clients.create({ params: () => ({ user: `gen-${++generation}` }) });
    await connect(socket);
    const attemptsBefore = handler.attempts.length;
    transportOf(socket)!.close(4000, 'simulated drop');
    await eventually(() => handler.attempts.length > attemptsBefore && socket.isConnected(), 'a reconnect');
    expect(handler.attempts.at(-1)!.params.user).toBe('gen-2');
  });
});

// WebSocket only: these check the HTTP upgrade itself, its status and Sec-WebSocket-Protocol.
describeEachTarget(
  'connect: the WebSocket upgrade',
  ({ platform, vsn }) => {
    const app = useTestApp(() => conformanceApp(platform, servingBothTransports()));
    const url = () => app.current.socketUrl;

    test('a socket handler returning false refuses the upgrade with HTTP 403', async () => {
      expect(await probeUpgrade(url(), { vsn, params: { token: 'refuse' } })).toEqual({ status: 403, protocol: undefined });
    });

    test('the server answers the phoenix subprotocol to a client that sends its authToken in one', async () => {
      expect(await probeUpgrade(url(), { vsn, protocols: ['phoenix', authTokenProtocol('secret token?&=')] })).toEqual({
        status: 101,
        protocol: 'phoenix',
      });
    });

    test('an unknown serializer version is refused with 403; a missing one means 1.0.0', async () => {
      expect((await probeUpgrade(url(), { vsn: '3.0.0' })).status).toBe(403);
      expect((await probeUpgrade(url(), { vsn: 'bogus' })).status).toBe(403);
      expect((await probeUpgrade(url(), { vsn: null })).status).toBe(101);
      expect(app.get(TokenSocketHandler).attempts.at(-1)!.vsn).toBe('1.0.0');
    });

    test('by default only the same host may connect from a browser; no Origin passes', async () => {
      const sameHost = `http://127.0.0.1:${app.current.port}`;
      expect((await probeUpgrade(url(), { vsn, origin: 'http://evil.example' })).status).toBe(403);
      expect((await probeUpgrade(url(), { vsn, origin: `http://127.0.0.1:${app.current.port + 1}` })).status).toBe(403);
      expect((await probeUpgrade(url(), { vsn, origin: sameHost })).status).toBe(101);
      expect((await probeUpgrade(url(), { vsn })).status).toBe(101);
    });

    describe('with checkOrigin: ["https://*.example.com"]', () => {
      const listed = useTestApp(() =>
        conformanceApp(platform, servingBothTransports({ checkOrigin: ['https://*.example.com'] })),
      );
      const status = async (origin?: string) => (await probeUpgrade(listed.current.socketUrl, { vsn, origin })).status;

      test('subdomains of the listed host pass over https', async () => {
        expect(await status('https://app.example.com')).toBe(101);
        expect(await status('https://a.b.example.com')).toBe(101);
        expect(await status()).toBe(101);
      });

      test('the bare domain, look-alikes, other schemes and the server itself are refused', async () => {
        expect(await status('https://example.com')).toBe(403);
        expect(await status('https://evil-example.com')).toBe(403);
        expect(await status('http://app.example.com')).toBe(403);
        expect(await status(`http://127.0.0.1:${listed.current.port}`)).toBe(403);
      });
    });
  },
  WEBSOCKET_TARGETS,
);
