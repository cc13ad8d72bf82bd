import type { Frame } from '../protocol/messages.js';

/**
 * The whole contract between the channel layer and a transport: deliver a frame, close with a
 * code. WebSocket and long-poll implement it; the channel layer never sees anything else.
 */
export interface TransportConnection {
  /** `'websocket'` or `'longpoll'`. */
  readonly name: string;
  send(frame: Frame): void;
  close(code: number, reason: string): void;
}
