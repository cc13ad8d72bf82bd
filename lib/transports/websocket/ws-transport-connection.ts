import type { WebSocket } from 'ws';
import type { TransportConnection } from '../../interfaces/transport.interface.js';
import type { Frame } from '../../protocol/messages.js';

// RFC 6455 limits a close reason to 123 bytes.
const MAX_CLOSE_REASON_BYTES = 123;

/** A `ws` socket as the channel layer sees it. */
export class WsTransportConnection implements TransportConnection {
  readonly name = 'websocket';

  constructor(private readonly ws: WebSocket) {}

  send(frame: Frame): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(frame.data, { binary: frame.binary });
  }

  close(code: number, reason: string): void {
    this.ws.close(code, Buffer.from(reason).subarray(0, MAX_CLOSE_REASON_BYTES).toString());
  }
}
