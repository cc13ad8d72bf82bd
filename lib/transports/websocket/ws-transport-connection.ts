import type { Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import type { WebSocket } from 'ws';
import type { SharedFrame } from '../../fanout/shared-frame.js';
import type { TransportConnection } from '../../interfaces/transport.interface.js';
import type { DisconnectReason } from '../../observability/events.js';
import type { Frame } from '../../protocol/messages.js';
import type { OutboundCompression } from './outbound-compression.js';
import { ownWebSocketFrame, prebuiltWebSocketFrame } from './prebuilt-frame.js';
import type { RunWriter, SocketCorker } from './socket-corker.js';

// RFC 6455 limits a close reason to 123 bytes.
const MAX_CLOSE_REASON_BYTES = 123;
/** How long a close frame waits for the peer's answer before the connection is cut. */
export const CLOSE_HANDSHAKE_MS = 3_000;

const logger = new Logger('WebSocketTransport');

/**
 * A `ws` socket as the channel layer sees it. Writes of one run of code are held and leave
 * together at its end (see SocketCorker): the first frame of a run (a broadcast's shared frame, or
 * a reply or push framed whole here) is only kept (`deferred`), so that a lone one leaves in one
 * `write`, without the cost of corking; a second write corks the socket behind it.
 */
export class WsTransportConnection implements TransportConnection, RunWriter {
  /** The first frame of the current run, whole, not written yet. */
  private deferred: Buffer | undefined = undefined;
  /** This connection corked the socket for the current run. */
  private corked = false;
  closeReason: DisconnectReason | undefined;

  constructor(
    private readonly ws: WebSocket,
    /** The upgraded TCP socket under `ws`, for shared frames and corking. */
    private readonly socket: Socket,
    private readonly corker: SocketCorker,
    private readonly maxOutboundBufferBytes: number,
    /** Set when the socket negotiated permessage-deflate: the frames for its window size. */
    private readonly compression?: OutboundCompression,
  ) {}

  /** On the prototype, not a field of every connection. */
  get name(): 'websocket' {
    return 'websocket';
  }

  /** A WebSocket ping, if the socket is open. */
  ping(): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.ping();
  }

  send(frame: Frame): void {
    if (frame.fromOtherNode) this.corker.holdUntilNextPoll();
    if (this.ws.readyState !== this.ws.OPEN) return;
    // A client that stops reading would make the server hold every message for it: past the cap
    // it is dropped at once (a close handshake would queue behind the data it does not read).
    // Bytes only held here have not been offered to the client yet: they are written first.
    if (this.socket.writableLength > this.maxOutboundBufferBytes) this.releaseWrites();
    if (this.socket.writableLength > this.maxOutboundBufferBytes) {
      this.dropSlowConsumer();
      return;
    }
    const whole = this.wholeFrame(frame);
    if (whole !== undefined && this.deferred === undefined && !this.corked) {
      this.deferred = whole;
      this.corker.enlist(this);
      return;
    }
    this.corkForRun();
    if (whole !== undefined) {
      this.socket.write(whole);
      return;
    }
    // A large payload in a Buffer (binary, or a pre-encoded list): ws writes its header and the payload apart, synchronously, so whole
    // frames written straight to the socket before or after it cannot interleave with it.
    // `compress: false`: with permessage-deflate negotiated ws would otherwise deflate it with a
    // zlib stream of its own per socket, asynchronously (out of order with the frames written
    // here); ours are compressed by OutboundCompression, with no state per socket.
    this.ws.send(frame.data, { binary: frame.binary, compress: false });
  }

  close(code: number, reason: string): void {
    this.releaseWrites();
    this.ws.close(code, Buffer.from(reason).subarray(0, MAX_CLOSE_REASON_BYTES).toString());
    // A peer that does not answer the close frame (half-open, or holding a message it never
    // finishes) is cut after a few seconds rather than ws's 30, and its buffers go with it.
    const cut = setTimeout(() => this.ws.terminate(), CLOSE_HANDSHAKE_MS);
    cut.unref();
    this.ws.once('close', () => clearTimeout(cut));
  }

  /** The run has ended: the kept frame is written (unless the socket closed meanwhile), the socket uncorked. */
  releaseWrites(): void {
    const deferred = this.deferred;
    if (deferred !== undefined) {
      this.deferred = undefined;
      // A socket closing meanwhile (by the client, or terminated) has no use for it.
      if (this.ws.readyState === this.ws.OPEN) this.socket.write(deferred);
    }
    if (this.corked) {
      this.corked = false;
      this.socket.uncork();
    }
  }

  /** The frame's bytes on the wire, header included, when built here (see `ownWebSocketFrame`). */
  private wholeFrame(frame: Frame): Buffer | undefined {
    if (frame.shared) return this.compression ? this.compression.sharedFrame(frame as SharedFrame) : prebuiltWebSocketFrame(frame as SharedFrame);
    return this.compression?.ownFrame(frame.data, frame.binary) ?? ownWebSocketFrame(frame.data, frame.binary);
  }

  private dropSlowConsumer(): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    logger.warn(`Dropping a slow consumer: over ${this.maxOutboundBufferBytes} bytes unsent`);
    this.closeReason = 'slow_consumer';
    this.ws.terminate();
  }

  /** Corks the socket until the run ends; a deferred frame is written first, keeping the order. */
  private corkForRun(): void {
    if (this.corked) return;
    this.socket.cork();
    this.corked = true;
    const deferred = this.deferred;
    if (deferred === undefined) {
      this.corker.enlist(this);
      return;
    }
    this.deferred = undefined;
    this.socket.write(deferred);
  }
}
