import type { Frame } from '../protocol/messages.js';

/** The transports a client can connect over. @publicApi */
export type TransportName = 'websocket' | 'longpoll';

/**
 * The channel layer's view of a transport: deliver a frame, close with a code. WebSocket and
 * long-poll implement it; the channel layer never sees anything else.
 */
export interface TransportConnection {
  readonly name: TransportName;
  send(frame: Frame): void;
  close(code: number, reason: string): void;
}

/** The transport's view of the channel layer: where it feeds the client's frames, and its end. */
export interface InboundConnection {
  handleFrame(data: Buffer, isBinary: boolean): void;
  /** A transport-level ping (WebSocket); returns whether to answer it. */
  handlePing(): boolean;
  /** The client is gone (socket closed, long-poll session ended): every channel ends. */
  transportClosed(): void;
}
