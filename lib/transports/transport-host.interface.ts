import type { ConnectInfo } from '../interfaces/socket-handler.interface.js';
import type { DecodedInboundConnection, TransportConnection } from '../interfaces/transport.interface.js';
import type { Serializer } from '../serializers/serializer.interface.js';
import type { AcceptedConnection } from '../socket/socket-acceptor.js';

/** Injection token of the {@link TransportHost} (the channel runtime). */
export const TRANSPORT_HOST = Symbol('nestjs-channels:transport-host');

/** What a transport needs of the channel runtime: whether a client may connect, then to serve it. */
export interface TransportHost {
  /** Runs the app's socket handler for a connecting client; null when it refuses (or the node drains). */
  authorize(params: Record<string, string>, info: ConnectInfo, vsn: string): Promise<AcceptedConnection | null>;
  /** Starts serving an accepted client over `transport`; the transport feeds its frames to what this returns. */
  open(transport: TransportConnection, serializer: Serializer, accepted: AcceptedConnection): DecodedInboundConnection;
}
