import type { DisconnectReason } from '../observability/events.js';
import type { Frame, InboundMessage } from '../protocol/messages.js';

/** The transports a client can connect over. @publicApi */
export type TransportName = 'websocket' | 'longpoll' | 'stomp';

/**
 * The channel layer's view of a transport: deliver a frame, close with a code. WebSocket and
 * long-poll and STOMP implement it; the channel layer never sees anything else.
 */
export interface TransportConnection {
  readonly name: TransportName;
  /** Why the transport itself ended the connection, when it did (a slow consumer dropped): the disconnect event reports it. */
  readonly closeReason?: DisconnectReason;
  send(frame: Frame): void;
  close(code: number, reason: string): void;
  /** A channel handled the client's `message` without replying (STOMP sends the receipt it asked for). */
  handled?(message: InboundMessage): void;
}

/** The transport's view of the channel layer: where it feeds the client's frames, and its end. */
export interface InboundConnection {
  handleFrame(data: Buffer, isBinary: boolean): void;
  /** A transport-level ping (WebSocket); returns whether to answer it. */
  handlePing(): boolean;
  /** The client is gone (socket closed, long-poll session ended): every channel ends. `why` defaults to `client`. */
  transportClosed(why?: DisconnectReason): void;
}

/** A connection that also takes messages its transport decoded itself (STOMP frames carry more than a serializer's). */
export interface DecodedInboundConnection extends InboundConnection {
  handleMessage(message: InboundMessage, size: number): void;
}
