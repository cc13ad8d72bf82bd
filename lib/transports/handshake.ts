import type { Duplex } from 'node:stream';

/** The `authToken` of the phoenix 1.8 client travels as a subprotocol with this prefix. */
export const AUTH_TOKEN_PROTOCOL_PREFIX = 'base64url.bearer.phx.';
export const PHOENIX_PROTOCOL = 'phoenix';

export interface OfferedProtocols {
  protocols: string[];
  authToken: string | undefined;
}

/**
 * Splits `Sec-WebSocket-Protocol` and decodes the auth token (standard base64 despite the name).
 * The client encodes with `btoa`, one byte per character, so latin1 is its exact inverse.
 */
export function parseProtocols(header: string | undefined): OfferedProtocols {
  const protocols = header ? header.split(',').map((protocol) => protocol.trim()).filter(Boolean) : [];
  const tokenProtocol = protocols.find((protocol) => protocol.startsWith(AUTH_TOKEN_PROTOCOL_PREFIX));
  const authToken = tokenProtocol
    ? Buffer.from(tokenProtocol.slice(AUTH_TOKEN_PROTOCOL_PREFIX.length), 'base64').toString('latin1')
    : undefined;
  return { protocols, authToken };
}

/** Query parameters as the socket handler sees them; a repeated key keeps its last value. */
export function parseParams(search: URLSearchParams): Record<string, string> {
  const params: Record<string, string> = Object.create(null);
  for (const [key, value] of search) params[key] = value;
  return params;
}

/** Answers an upgrade with an HTTP error and closes the TCP connection. */
export function rejectUpgrade(socket: Duplex, status: 400 | 403 | 404, message: string): void {
  if (socket.destroyed) return;
  const reason = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found' }[status];
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
  );
}
