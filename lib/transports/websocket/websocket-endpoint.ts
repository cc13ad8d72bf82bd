import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ResolvedChannelsOptions } from '../../interfaces/channels-options.interface.js';
import type { TransportName } from '../../interfaces/transport.interface.js';
import { publishRefusedConnect } from '../../observability/refused-connect.js';
import { rejectUpgrade } from '../handshake.js';
import { requestPath, ServerListenerRouter } from '../server-listener-router.js';
import { acceptDeflateOffer } from './deflate-offer.js';
import { leanDeflateExtension } from './lean-deflate-extension.js';
import { OutboundCompression } from './outbound-compression.js';
import { SocketCorker } from './socket-corker.js';
import { UnfinishedMessageBudget } from './unfinished-message-budget.js';
import { WsTransportConnection } from './ws-transport-connection.js';

/** What differs between the WebSocket endpoints (the Phoenix one, STOMP): the rest is shared here. */
export interface WebSocketEndpointSpec {
  path: string;
  /** What the connect event names an upgrade refused here for its path. */
  transport: TransportName;
  /** The subprotocol to answer among those offered, or false for none. */
  handleProtocols: (protocols: Set<string>) => string | false;
  /** Runs the transport's own checks, then `accept`s the upgrade or rejects it. */
  upgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

/**
 * One WebSocket endpoint on the application's HTTP server: `ws` in `noServer` mode behind a
 * listener router, the frame and unfinished-message limits, and permessage-deflate negotiated
 * from the one offer the server takes. Its sockets are written through `WsTransportConnection`,
 * corked per event-loop turn and compressed once per broadcast.
 */
export class WebSocketEndpoint {
  private readonly corker = new SocketCorker();
  private readonly unfinished: UnfinishedMessageBudget;
  /** Per window size the clients asked for (nearly always 15): shared by their sockets. */
  private readonly compressions = new Map<number, OutboundCompression>();
  private wss: WebSocketServer | undefined;
  private router: ServerListenerRouter | undefined;

  constructor(private readonly options: ResolvedChannelsOptions) {
    this.unfinished = new UnfinishedMessageBudget(options.maxTotalUnfinishedBytes);
  }

  /** Starts serving `spec.path` on `server`. */
  mount(server: Server, spec: WebSocketEndpointSpec): void {
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      // With compression, ws negotiates from the one offer accept() kept and reads compressed
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
      handleProtocols: spec.handleProtocols,
    });
    this.router = new ServerListenerRouter(
      server,
      'upgrade',
      (request) => requestPath(request) === spec.path,
      spec.upgrade,
      (_request, socket: Duplex) => {
        publishRefusedConnect(spec.transport, 'path');
        rejectUpgrade(socket, 404, 'no WebSocket endpoint here');
      },
    );
    this.router.install();
  }

  /** Completes an upgrade the transport accepted; `serve` gets the socket, its writer and the TCP socket under it. */
  accept(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    serve: (ws: WebSocket, writer: WsTransportConnection, socket: Duplex) => void,
  ): void {
    if (socket.destroyed) return;
    if (!this.wss) return rejectUpgrade(socket, 404, 'no WebSocket endpoint here');
    const compression = this.negotiateCompression(request);
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const writer = new WsTransportConnection(ws, socket as Socket, this.corker, this.options.maxOutboundBufferBytes, compression);
      this.unfinished.track(ws, socket as Socket);
      if (compression) leanDeflateExtension(ws);
      serve(ws, writer, socket);
    });
  }

  close(): void {
    this.router?.uninstall();
    this.wss?.close();
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
}
