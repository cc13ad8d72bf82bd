import type { TransportName } from '../interfaces/transport.interface.js';
import { eventChannels } from './event-channels.js';
import type { ConnectRefusalReason, SocketConnectEvent } from './events.js';

const NOTHING = async () => undefined;

/**
 * A connection refused before the socket handler ran (a bad `vsn`, origin, subprotocol, method or
 * path, or a STOMP client that sent no CONNECT first): traced on the connect channel like the socket handler's decisions, so that subscribers
 * (the metrics) count it. Nothing is made when no one subscribes.
 */
export function publishRefusedConnect(transport: TransportName, reason: ConnectRefusalReason): void {
  const trace = eventChannels.socketConnect;
  if (!trace.hasSubscribers) return;
  const event: SocketConnectEvent = { transport, outcome: 'refused', reason };
  void trace.tracePromise(NOTHING, event);
}
