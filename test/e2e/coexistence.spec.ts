import { WsAdapter } from '@nestjs/platform-ws';
import WebSocket from 'ws';
import { conformanceApp } from '../fixtures/conformance.app.js';
import { EchoGateway } from '../fixtures/echo.gateway.js';
import { useTestApp } from '../support/app-scope.js';
import { useClients } from '../support/client-scope.js';
import { describeEachTarget, servingBothTransports, WEBSOCKET_TARGETS } from '../support/matrix.js';
import { push } from '../support/phoenix-client.js';
import { probeUpgrade } from '../support/raw-socket.js';

/** Sends one message to the gateway and resolves with its answer. */
function askGateway(port: number, message: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/gw`);
    ws.once('open', () => ws.send(JSON.stringify(message)));
    ws.once('message', (data: Buffer) => {
      resolve(JSON.parse(data.toString('utf8')));
      ws.close();
    });
    ws.once('error', reject);
  });
}

// @nestjs/platform-ws destroys every upgrade whose path it does not own; the channels transport
// must still get its own upgrades, and leave the gateway's alone.
// WebSocket only: what is shared with the gateway is the HTTP upgrade.
describeEachTarget(
  'coexistence with a @nestjs/platform-ws gateway',
  (target) => {
    const { platform, vsn } = target;
    const app = useTestApp(() =>
      conformanceApp(platform, servingBothTransports(), {
        providers: [EchoGateway],
        configure: (nest) => {
          nest.useWebSocketAdapter(new WsAdapter(nest));
        },
      }),
    );
    const clients = useClients(app, target);

    test('the gateway and the channels socket both work in the same app', async () => {
      const socket = await clients.connected();
      const channel = await clients.joined(socket, 'room:together');
      expect(await askGateway(app.current.port, { event: 'echo', data: { via: 'gateway' } })).toEqual({
        event: 'echo',
        data: { via: 'gateway' },
      });
      expect(await push(channel, 'echo', { via: 'channel' })).toEqual({ status: 'ok', response: { via: 'channel' } });
      expect(await askGateway(app.current.port, { event: 'echo', data: 2 })).toEqual({ event: 'echo', data: 2 });
    });

    test('the channels socket still refuses what it should, and other paths get no socket', async () => {
      expect((await probeUpgrade(app.current.socketUrl, { vsn, params: { token: 'refuse' } })).status).toBe(403);
      const elsewhere = await probeUpgrade(`ws://127.0.0.1:${app.current.port}/nowhere`, { vsn });
      expect(elsewhere.status).not.toBe(101);
    });
  },
  WEBSOCKET_TARGETS,
);
