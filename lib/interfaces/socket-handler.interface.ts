import type { IncomingHttpHeaders } from 'node:http';
import type { TransportName } from './transport.interface.js';

/** What is known about a connecting client besides its params. @publicApi */
export interface ConnectInfo {
  transport: TransportName;
  /** Request headers of the upgrade (or of the long-poll request). */
  headers: IncomingHttpHeaders;
  /** The peer's IP address. */
  address: string | undefined;
  /** The `authToken` option of the phoenix 1.8 client, if it sent one. */
  authToken: string | undefined;
  /** The request URL (path and query). */
  url: string;
}

/**
 * The connection-level socket a `SocketHandler` fills in: assigns every channel starts from.
 * `TAssigns` types them for the handler's own code (`ConnectingSocket<{ user: User }>`).
 * @publicApi
 */
export interface ConnectingSocket<TAssigns extends object = Record<string, unknown>> {
  readonly assigns: Partial<TAssigns>;
  assign<K extends keyof TAssigns & string>(key: K, value: TAssigns[K]): void;
  assign(values: Partial<TAssigns>): void;
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
