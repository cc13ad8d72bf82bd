import { io, type Socket } from 'socket.io-client';
import type { BenchPayload } from '../harness/payload.js';
import type { BenchConnection, JoinRecovery } from './bench-connection.interface.js';
import type { DeliveryCounter } from './delivery-counter.js';

/** A socket.io-client socket over WebSocket only (no long-polling upgrade dance). */
export class SocketIoConnection implements BenchConnection {
  broadcasts = 0;
  /** Socket.IO rooms keep no history. */
  readonly position = null;

  private constructor(private readonly socket: Socket) {}

  static open(baseUrl: string, localAddress: string, counter: DeliveryCounter): Promise<SocketIoConnection> {
    // `localAddress` is passed through to `ws` by engine.io-client, though its types omit it.
    const options = { transports: ['websocket'], forceNew: true, reconnection: false, localAddress };
    const socket = io(baseUrl, options as Parameters<typeof io>[1]);
    const connection = new SocketIoConnection(socket);
    socket.on('msg', (payload: BenchPayload) => {
      connection.broadcasts++;
      counter.arrived(() => payload.t);
    });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(connection));
      socket.once('connect_error', reject);
    });
  }

  async join(topic: string): Promise<JoinRecovery> {
    const answer: unknown = await this.socket.timeout(30_000).emitWithAck('join', topic);
    if (answer !== 'ok') throw new Error(`join of ${topic} answered ${JSON.stringify(answer)}`);
    return {};
  }

  /** Socket.IO's heartbeat is the server's ping, answered by the client library itself. */
  startHeartbeat(): void {}

  get isOpen(): boolean {
    return this.socket.connected;
  }

  close(): void {
    this.socket.disconnect();
  }
}
