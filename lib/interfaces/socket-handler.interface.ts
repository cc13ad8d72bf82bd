import type { IncomingHttpHeaders } from 'node:http';

/** What is known about a connecting client besides its params. @publicApi */
export interface ConnectInfo {
  /** `'websocket'` or `'longpoll'`. */
  transport: string;
  /** Request headers of the upgrade (or of the long-poll request). */
  headers: IncomingHttpHeaders;
  /** The peer's IP address. */
  address: string | undefined;
  /** The `authToken` option of the phoenix 1.8 client, if it sent one. */
  authToken: string | undefined;
  /** The request URL (path and query). */
  url: string;
}

/** The connection-level socket a `SocketHandler` fills in: assigns every channel starts from. @publicApi */
export interface ConnectingSocket {
  readonly assigns: Record<string, unknown>;
  assign(key: string, value: unknown): void;
  assign(values: Record<string, unknown>): void;
  /** The serializer version the client connected with. */
  readonly vsn: string;
}

/**
 * Accepts or refuses connections (Phoenix's `connect/3` and `id/1`). Register a class as a
 * provider and name it in `ChannelsModule.forRoot({ socketHandler })`.
 * @publicApi
 */
export interface SocketHandler {
  /**
   * Return `true` to accept (after assigning what channels need) or `false` to refuse with
   * HTTP 403. Anything but `true`, or a throw, refuses. `params` holds untrusted client input.
   */
  connect(params: Record<string, string>, socket: ConnectingSocket, info: ConnectInfo): boolean | Promise<boolean>;
  /** The socket id: sockets sharing it can all be disconnected at once. `null`: anonymous. */
  id?(socket: ConnectingSocket): string | null;
}
