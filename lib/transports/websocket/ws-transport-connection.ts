import type { Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import type { WebSocket } from 'ws';
import type { TransportConnection } from '../../interfaces/transport.interface.js';
import type { Frame } from '../../protocol/messages.js';
import { prebuiltWebSocketFrame } from './prebuilt-frame.js';
import type { SocketCorker } from './socket-corker.js';

// RFC 6455 limits a close reason to 123 bytes.
const MAX_CLOSE_REASON_BYTES = 123;

const logger = new Logger('WebSocketTransport');

/** A `ws` socket as the channel layer sees it. */
export class WsTransportConnection implements TransportConnection {
  readonly name = 'websocket';

  constructor(
    private readonly ws: WebSocket,
    /** The upgraded TCP socket under `ws`, for shared frames and corking. */
    private readonly socket: Socket,
    private readonly corker: SocketCorker,
    private readonly maxOutboundBufferBytes: number,
  ) {}

  send(frame: Frame): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    // A client that stops reading would make the server hold every message for it: past the cap
    // it is dropped at once (a close handshake would queue behind the data it does not read).
    // Bytes only corked here have not been offered to the client yet: they are written first.
    if (this.socket.writableLength > this.maxOutboundBufferBytes) this.corker.flush(this.socket);
    if (this.socket.writableLength > this.maxOutboundBufferBytes) {
      logger.warn(`Dropping a slow consumer: over ${this.maxOutboundBufferBytes} bytes unsent`);
      this.ws.terminate();
      return;
    }
    this.corker.cork(this.socket);
    // Without permessage-deflate (never negotiated here) ws writes each frame synchronously, so a
    // whole pre-built frame written between two of its frames cannot interleave with them.
    if (frame.shared) this.socket.write(prebuiltWebSocketFrame(frame));
    else this.ws.send(frame.data, { binary: frame.binary });
  }

  close(code: number, reason: string): void {
    this.ws.close(code, Buffer.from(reason).subarray(0, MAX_CLOSE_REASON_BYTES).toString());
  }
}
