import { Logger } from '@nestjs/common';
import type { WebSocket } from 'ws';
import type { TransportConnection } from '../../interfaces/transport.interface.js';
import type { Frame } from '../../protocol/messages.js';

// RFC 6455 limits a close reason to 123 bytes.
const MAX_CLOSE_REASON_BYTES = 123;

const logger = new Logger('WebSocketTransport');

/** A `ws` socket as the channel layer sees it. */
export class WsTransportConnection implements TransportConnection {
  readonly name = 'websocket';

  constructor(
    private readonly ws: WebSocket,
    private readonly maxOutboundBufferBytes: number,
  ) {}

  send(frame: Frame): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    // A client that stops reading would make the server hold every message for it: past the cap
    // it is dropped at once (a close handshake would queue behind the data it does not read).
    if (this.ws.bufferedAmount > this.maxOutboundBufferBytes) {
      logger.warn(`Dropping a slow consumer: over ${this.maxOutboundBufferBytes} bytes unsent`);
      this.ws.terminate();
      return;
    }
    this.ws.send(frame.data, { binary: frame.binary });
  }

  close(code: number, reason: string): void {
    this.ws.close(code, Buffer.from(reason).subarray(0, MAX_CLOSE_REASON_BYTES).toString());
  }
}
