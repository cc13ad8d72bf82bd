import { conformanceApp } from '../fixtures/conformance.app.js';
import { useTestApp } from '../support/app-scope.js';
import { useClients } from '../support/client-scope.js';
import { describeEachTarget, servingBothTransports, WEBSOCKET_TARGETS } from '../support/matrix.js';
import { recordCloses, recordMessages } from '../support/message-log.js';
import { eventually, push } from '../support/phoenix-client.js';
import { useRawSockets } from '../support/raw-socket.js';

// Margins for a busy machine: the client gives up on a heartbeat whose reply takes longer than
// one interval, and client and server share one event loop, so a stall delays both.
const IDLE_TIMEOUT_MS = 600;
const HEARTBEAT_INTERVAL_MS = 200;

// WebSocket only: the long-poll client sends no heartbeats, its liveness is the poll itself.
describeEachTarget(
  'heartbeat and idle timeout',
  (target) => {
    const { platform, vsn } = target;
    const app = useTestApp(() => conformanceApp(platform, servingBothTransports({ idleTimeoutMs: IDLE_TIMEOUT_MS })));
    const clients = useClients(app, target, { heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS });
    const raw = useRawSockets(() => app.current.socketUrl, vsn);

    // One test, so the silent socket's idle timeout runs out while the heartbeating client waits.
    test('a heartbeating client stays connected past the idle timeout while a silent socket is closed', async () => {
      const silent = await raw.open();
      const socket = await clients.connected();
      const closes = recordCloses(socket);
      const channel = await clients.joined(socket, 'room:heartbeat');
      const messages = recordMessages(socket);
      const heartbeatReplies = () =>
        messages.filter((message) => message.topic === 'phoenix' && message.event === 'phx_reply');

      expect(await silent.closed).toEqual({ code: 1000, reason: 'idle timeout' });
      // The client waits a full interval after each reply, so this many replies span at least
      // (count - 1) intervals: one and a half idle timeouts.
      const needed = Math.ceil((1.5 * IDLE_TIMEOUT_MS) / HEARTBEAT_INTERVAL_MS) + 1;
      await eventually(() => heartbeatReplies().length >= needed, `${needed} heartbeat replies`, 5000);
      expect(heartbeatReplies().every((message) => message.payload.status === 'ok')).toBe(true);
      expect(closes).toEqual([]);
      expect(socket.isConnected()).toBe(true);
      expect(await push(channel, 'echo', { alive: true })).toEqual({ status: 'ok', response: { alive: true } });
    });
  },
  WEBSOCKET_TARGETS,
);
