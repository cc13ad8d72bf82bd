import type { IncomingMessage } from 'node:http';
import type { ConnectInfo } from '../interfaces/socket-handler.interface.js';
import type { TransportName } from '../interfaces/transport.interface.js';

/**
 * The ConnectInfo of a client's upgrade (or long-poll) request. `address` is read when a handler
 * reads it, not before: reading a socket's remote address makes Node keep the peer's name on the
 * socket (about 80 B that every connection then holds, though most handlers never look).
 */
export function connectInfo(transport: TransportName, request: IncomingMessage, authToken: string | undefined): ConnectInfo {
  let address: string | undefined | null = null;
  return {
    transport,
    headers: request.headers,
    get address(): string | undefined {
      if (address === null) address = request.socket.remoteAddress;
      return address;
    },
    set address(value: string | undefined) {
      address = value;
    },
    authToken,
    url: request.url ?? '/',
  };
}
