import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebSocketServer, type WebSocket } from 'ws';
import { RESOLVED_OPTIONS } from '../../channels.tokens.js';
import type { ResolvedChannelsOptions } from '../../interfaces/channels-options.interface.js';
import type { InboundConnection } from '../../interfaces/transport.interface.js';
import type { Serializer } from '../../serializers/serializer.interface.js';
import type { AcceptedConnection } from '../../socket/socket-acceptor.js';
import { ShutdownHooksCheck } from '../../shutdown-hooks-check.js';
import { decideConnect, requestParams } from '../connect-request.js';
import { endpointPath } from '../endpoint-path.js';
import { parseProtocols, PHOENIX_PROTOCOL, rejectUpgrade } from '../handshake.js';
import { createOriginCheck } from '../origin-check.js';
import { requestPath, ServerListenerRouter } from '../server-listener-router.js';
import { TRANSPORT_HOST, type TransportHost } from '../transport-host.interface.js';
import { acceptDeflateOffer } from './deflate-offer.js';
import { leanDeflateExtension } from './lean-deflate-extension.js';
import { OutboundCompression } from './outbound-compression.js';
import { SocketCorker } from './socket-corker.js';
import { UnfinishedMessageBudget } from './unfinished-message-budget.js';
import { WsTransportConnection } from './ws-transport-connection.js';

/**
 * Serves `{path}/websocket` on the application's own HTTP server (Express or Fastify) with `ws`
 * in `noServer` mode: origin, serializer version and socket handler are checked before the
 * upgrade completes, so a refused client gets HTTP 403 and never an open socket.
 */
@Injectable()
export class WebSocketTransport implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WebSocketTransport');
  private readonly endpoint: string;
  private readonly checkOrigin: (request: IncomingMessage) => boolean;
  private readonly corker = new SocketCorker();
  private readonly unfinished: UnfinishedMessageBudget;
  /** Per window size the clients asked for (nearly always 15): shared by their sockets. */
  private readonly compressions = new Map<number, OutboundCompression>();
  private wss: WebSocketServer | undefined;
  private router: ServerListenerRouter | undefined;

  constructor(
    @Inject(TRANSPORT_HOST) private readonly host: TransportHost,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedChannelsOptions,
    private readonly httpAdapterHost: HttpAdapterHost,
    private readonly shutdownHooks: ShutdownHooksCheck,
  ) {
    this.endpoint = endpointPath(options.path, 'websocket');
    this.checkOrigin = createOriginCheck(options.checkOrigin);
    this.unfinished = new UnfinishedMessageBudget(options.maxTotalUnfinishedBytes);
  }

  onApplicationBootstrap(): void {
    if (!this.options.transports.includes('websocket')) return;
    const server = this.httpAdapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) {
      this.logger.log('No HTTP server (an application context?): the WebSocket transport is not served');
      return;
    }
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      // With compression, ws negotiates from the one offer upgrade() kept and reads compressed
      // frames, inflated by leanDeflateExtension with maxPayload as the cap on the inflated
      // size (1009 past it). Outbound it compresses nothing: see WsTransportConnection.send.
      maxPayload: this.options.maxFrameSize,
      perMessageDeflate: this.options.compression !== false && {
        serverNoContextTakeover: true,
        // Every client message stands alone, so none needs an inflate state kept per socket.
        clientNoContextTakeover: true,
        threshold: Number.MAX_SAFE_INTEGER,
      },
      // Pings count against the socket's rate limit: only the accepted ones are answered.
      autoPong: false,
      handleProtocols: (protocols) => (protocols.has(PHOENIX_PROTOCOL) ? PHOENIX_PROTOCOL : false),
    });
    this.router = new ServerListenerRouter(
      server,
      'upgrade',
      (request) => requestPath(request) === this.endpoint,
      (request, socket: Duplex, head: Buffer) => void this.upgrade(request, socket, head),
      (_request, socket: Duplex) => rejectUpgrade(socket, 404, 'no WebSocket endpoint here'),
    );
    this.router.install();
  }

  onApplicationShutdown(): void {
    this.router?.uninstall();
    this.wss?.close();
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // The socket handler may be async; a client resetting meanwhile must not crash the process.
    socket.on('error', destroyOnError);
    if (request.method !== 'GET') return rejectUpgrade(socket, 400, 'WebSocket upgrades use GET');
    const { protocols, authToken } = parseProtocols(request.headers['sec-websocket-protocol']);
    if (protocols.length > 0 && !protocols.includes(PHOENIX_PROTOCOL)) {
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
    if (socket.destroyed || !this.wss) return;
    const compression = this.negotiateCompression(request);
    this.wss.handleUpgrade(request, socket, head, (ws) => this.serve(ws, socket as Socket, serializer, accepted, compression));
  }

  /**
   * Leaves ws only the deflate offer the server takes (none: the extension is declined and the
   * connection goes on uncompressed), and returns what its sockets are written with.
   */
  private negotiateCompression(request: IncomingMessage): OutboundCompression | undefined {
    const options = this.options.compression;
    if (options === false) return undefined;
    const offer = acceptDeflateOffer(request.headers['sec-websocket-extensions']);
    if (offer === undefined) {
      delete request.headers['sec-websocket-extensions'];
      return undefined;
    }
    request.headers['sec-websocket-extensions'] = offer.header;
    let compression = this.compressions.get(offer.serverWindowBits);
    if (!compression) {
      compression = new OutboundCompression(options, offer.serverWindowBits);
      this.compressions.set(offer.serverWindowBits, compression);
    }
    return compression;
  }

  private serve(ws: WebSocket, socket: Socket, serializer: Serializer, accepted: AcceptedConnection, compression: OutboundCompression | undefined): void {
    const transport = new WsTransportConnection(ws, socket, this.corker, this.options.maxOutboundBufferBytes, compression);
    (ws as ServedWebSocket)[CONNECTION] = this.host.open(transport, serializer, accepted);
    this.shutdownHooks.clientServed();
    this.unfinished.track(ws, socket);
    if (compression) leanDeflateExtension(ws);
    ws.on('message', relayFrame);
    ws.on('ping', relayPing);
    ws.on('close', relayClose);
    ws.on('error', logWebSocketError);
  }
}

/**
 * The listeners every served socket shares: `ws` calls them with the socket as `this`, which
 * carries its connection. Closures per socket would add to what every idle connection holds.
 */
const CONNECTION = Symbol('nestjs-channels connection');
type ServedWebSocket = WebSocket & { [CONNECTION]: InboundConnection };

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

// ws closes the socket itself after an error (1009 too large, 1007 bad UTF-8, ...).
function logWebSocketError(error: Error): void {
  wsLogger.debug(`WebSocket error: ${error.message}`);
}

function destroyOnError(this: Duplex): void {
  this.destroy();
}
