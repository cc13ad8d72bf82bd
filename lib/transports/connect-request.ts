import type { IncomingMessage } from 'node:http';
import { publishRefusedConnect } from '../observability/refused-connect.js';
import { selectSerializer } from '../serializers/serializer-registry.js';
import type { Serializer } from '../serializers/serializer.interface.js';
import type { AcceptedConnection } from '../socket/socket-acceptor.js';
import { connectInfo } from './connect-info.js';
import { parseParams } from './handshake.js';
import type { TransportHost } from './transport-host.interface.js';

export type ConnectDecision =
  | { accepted: AcceptedConnection; serializer: Serializer }
  | { refused: string };

/** A connecting client as every transport sees it. */
export interface ConnectRequest {
  request: IncomingMessage;
  params: Record<string, string>;
  search: URLSearchParams;
  transport: 'websocket' | 'longpoll';
  authToken: string | undefined;
}

/**
 * The checks every transport runs before a connection exists, in Phoenix's order: serializer
 * version, origin, then the socket handler. Refusals carry a reason for logs; clients only see 403.
 */
export async function decideConnect(
  host: TransportHost,
  serializers: readonly Serializer[],
  checkOrigin: (request: IncomingMessage) => boolean,
  { request, params, search, transport, authToken }: ConnectRequest,
): Promise<ConnectDecision> {
  // `vsn[]=x` or a repeated vsn is not a version: refuse rather than fall back to 1.0.0.
  const vsnKeys = [...search.keys()].filter((key) => key === 'vsn' || key.startsWith('vsn['));
  const malformedVsn = vsnKeys.length > 1 || vsnKeys[0]?.startsWith('vsn[') === true;
  const serializer = malformedVsn ? null : selectSerializer(params.vsn, serializers);
  if (!serializer) {
    publishRefusedConnect(transport, 'serializer');
    return { refused: 'unsupported serializer version' };
  }
  if (!checkOrigin(request)) {
    publishRefusedConnect(transport, 'origin');
    return { refused: 'origin not allowed' };
  }
  const accepted = await host.authorize(params, connectInfo(transport, request, authToken), serializer.vsn);
  return accepted ? { accepted, serializer } : { refused: 'connection refused' };
}

/** Query parameters of a request URL. */
export function requestParams(request: IncomingMessage): { params: Record<string, string>; search: URLSearchParams } {
  const search = new URL(request.url ?? '/', 'http://localhost').searchParams;
  return { params: parseParams(search), search };
}
