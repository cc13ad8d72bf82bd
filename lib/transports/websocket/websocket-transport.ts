import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { WebSocket } from 'ws';
import { RESOLVED_OPTIONS } from '../../channels.tokens.js';
import type { ResolvedChannelsOptions } from '../../interfaces/channels-options.interface.js';
import type { InboundConnection } from '../../interfaces/transport.interface.js';
import type { Serializer } from '../../serializers/serializer.interface.js';
import type { AcceptedConnection } from '../../socket/socket-acceptor.js';
import { ShutdownHooksCheck } from '../../shutdown-hooks-check.js';
import { publishRefusedConnect } from '../../observability/refused-connect.js';
import { decideConnect, requestParams } from '../connect-request.js';
import { endpointPath } from '../endpoint-path.js';
import { parseProtocols, PHOENIX_PROTOCOL, rejectUpgrade } from '../handshake.js';
import { createOriginCheck } from '../origin-check.js';
import { TRANSPORT_HOST, type TransportHost } from '../transport-host.interface.js';
import { UnfinishedMessageBudget } from './unfinished-message-budget.js';
import { WebSocketEndpoint } from './websocket-endpoint.js';
import type { WsTransportConnection } from './ws-transport-connection.js';

/**
 * Serves `{path}/websocket` on the application's own HTTP server (Express or Fastify) with `ws`
 * in `noServer` mode: origin, serializer version and socket handler are checked before the
 * upgrade completes, so a refused client gets HTTP 403 and never an open socket.
 */
@Injectable()
export class WebSocketTransport implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WebSocketTransport');
  private readonly checkOrigin: (request: IncomingMessage) => boolean;
  private readonly endpoint: WebSocketEndpoint;

  constructor(
    @Inject(TRANSPORT_HOST) private readonly host: TransportHost,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedChannelsOptions,
    private readonly httpAdapterHost: HttpAdapterHost,
    private readonly shutdownHooks: ShutdownHooksCheck,
  ) {
    this.checkOrigin = createOriginCheck(options.checkOrigin);
    this.endpoint = new WebSocketEndpoint(options);
  }

  onApplicationBootstrap(): void {
    if (!this.options.transports.includes('websocket')) return;
    const server = this.httpAdapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) {
      this.logger.log('No HTTP server (an application context?): the WebSocket transport is not served');
      return;
    }
    this.endpoint.mount(server, {
      path: endpointPath(this.options.path, 'websocket'),
      transport: 'websocket',
      handleProtocols: (protocols) => (protocols.has(PHOENIX_PROTOCOL) ? PHOENIX_PROTOCOL : false),
      upgrade: (request, socket, head) => void this.upgrade(request, socket, head),
    });
  }

  onApplicationShutdown(): void {
    this.endpoint.close();
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // The socket handler may be async; a client resetting meanwhile must not crash the process.
    socket.on('error', socketFailed);
    if (request.method !== 'GET') {
      publishRefusedConnect('websocket', 'method');
      return rejectUpgrade(socket, 400, 'WebSocket upgrades use GET');
    }
    const { protocols, authToken } = parseProtocols(request.headers['sec-websocket-protocol']);
    if (protocols.length > 0 && !protocols.includes(PHOENIX_PROTOCOL)) {
      publishRefusedConnect('websocket', 'subprotocol');
      return rejectUpgrade(socket, 403, 'unsupported subprotocol');
    }
    const { params, search } = requestParams(request);
    const decision = await decideConnect(this.host, this.options.serializers, this.checkOrigin, {
      request,
      params,
      search,
      transport: 'websocket',
      authToken,
    });
    if ('refused' in decision) return rejectUpgrade(socket, 403, decision.refused);
    const { accepted, serializer } = decision;
    this.endpoint.accept(request, socket, head, (ws, writer, tcp) => this.serve(ws, writer, tcp, serializer, accepted));
  }

  private serve(ws: WebSocket, writer: WsTransportConnection, socket: Duplex, serializer: Serializer, accepted: AcceptedConnection): void {
    const connection = this.host.open(writer, serializer, accepted);
    (ws as ServedWebSocket)[CONNECTION] = connection;
    (socket as ServedSocket)[CONNECTION] = connection;
    this.shutdownHooks.clientServed();
    ws.on('message', relayFrame);
    ws.on('ping', relayPing);
    ws.on('close', relayClose);
    ws.on('error', relayError);
  }
}

/**
 * The listeners every served socket shares: `ws` calls them with the socket as `this`, which
 * carries its connection. Closures per socket would add to what every idle connection holds.
 */
const CONNECTION = Symbol('nestjs-channels connection');
type ServedWebSocket = WebSocket & { [CONNECTION]: InboundConnection };
/** The TCP socket under a served WebSocket carries its connection too (nothing until it is served). */
type ServedSocket = Duplex & { [CONNECTION]?: InboundConnection };

function relayFrame(this: WebSocket, data: Buffer, isBinary: boolean): void {
  // Not on pings: they may come between the fragments of a message, which ws still holds.
  UnfinishedMessageBudget.finished(this);
  (this as ServedWebSocket)[CONNECTION].handleFrame(data, isBinary);
}

function relayPing(this: WebSocket, data: Buffer): void {
  if ((this as ServedWebSocket)[CONNECTION].handlePing() && this.readyState === this.OPEN) this.pong(data);
}

function relayClose(this: WebSocket): void {
  UnfinishedMessageBudget.finished(this);
  (this as ServedWebSocket)[CONNECTION].transportClosed();
}

const wsLogger = new Logger('WebSocketTransport');

/**
 * A frame ws could not accept (reserved bits set, a bad opcode, 1009 too large, 1007 bad UTF-8,
 * ...): ws closes the socket itself, and the disconnect says `error` (the close that follows
 * finds the connection closed already).
 */
function relayError(this: WebSocket, error: Error): void {
  wsLogger.debug(`WebSocket error: ${error.message}`);
  (this as ServedWebSocket)[CONNECTION].transportClosed('error');
}

/** The TCP socket failed (a reset): before it is served, it is only destroyed; once served, the disconnect says `error`. */
function socketFailed(this: ServedSocket): void {
  this[CONNECTION]?.transportClosed('error');
  this.destroy();
}
