import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { WebSocket } from 'ws';
import { RESOLVED_OPTIONS } from '../../channels.tokens.js';
import type { ResolvedChannelsOptions } from '../../interfaces/channels-options.interface.js';
import { ShutdownHooksCheck } from '../../shutdown-hooks-check.js';
import { publishRefusedConnect } from '../../observability/refused-connect.js';
import { parseProtocols, rejectUpgrade } from '../handshake.js';
import { createOriginCheck } from '../origin-check.js';
import { TRANSPORT_HOST, type TransportHost } from '../transport-host.interface.js';
import { UnfinishedMessageBudget } from '../websocket/unfinished-message-budget.js';
import { WebSocketEndpoint } from '../websocket/websocket-endpoint.js';
import type { WsTransportConnection } from '../websocket/ws-transport-connection.js';
import { StompFrameParser } from './stomp-frame-parser.js';
import { StompHeartbeats } from './stomp-heartbeats.js';
import { StompSession, type StompSessionContext } from './stomp-session.js';

/** The STOMP over WebSocket subprotocols, preferred first. */
export const STOMP_PROTOCOLS = ['v12.stomp', 'v11.stomp', 'v10.stomp'] as const;

/** The heart-beat sweep runs at least this often, and no more often than this. */
const MIN_SWEEP_MS = 25;
const MAX_SWEEP_MS = 1_000;

/**
 * Serves STOMP 1.0–1.2 over WebSocket at `stomp.path` (`/socket/stomp`) on the application's HTTP
 * server, beside the Phoenix transports and on the same channels. The upgrade checks origin and
 * subprotocol (HTTP 403 otherwise); the socket handler runs at the CONNECT frame.
 */
@Injectable()
export class StompTransport implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('StompTransport');
  private readonly checkOrigin: (request: IncomingMessage) => boolean;
  private readonly endpoint: WebSocketEndpoint;
  private readonly context: StompSessionContext;

  constructor(
    @Inject(TRANSPORT_HOST) host: TransportHost,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedChannelsOptions,
    private readonly httpAdapterHost: HttpAdapterHost,
    private readonly shutdownHooks: ShutdownHooksCheck,
  ) {
    this.checkOrigin = createOriginCheck(options.checkOrigin);
    this.endpoint = new WebSocketEndpoint(options);
    const { stomp } = options;
    const finest = Math.min(...[stomp.heartbeat.sendMs, stomp.heartbeat.receiveMs].filter((ms) => ms > 0), MAX_SWEEP_MS * 2);
    this.context = {
      host,
      heartbeats: new StompHeartbeats(Math.max(MIN_SWEEP_MS, Math.min(MAX_SWEEP_MS, Math.floor(finest / 2))), Math.floor(options.idleTimeoutMs / 2)),
      offer: stomp.heartbeat,
      parser: new StompFrameParser({ maxFrameBytes: options.maxFrameSize, maxHeaders: stomp.maxHeaders, maxHeaderBytes: stomp.maxHeaderBytes }),
      maxPayloadDepth: options.maxPayloadDepth,
      maxSubscriptions: options.maxChannelsPerSocket,
      connectTimeoutMs: stomp.connectTimeoutMs,
      connecting: new Set(),
    };
  }

  onApplicationBootstrap(): void {
    if (!this.options.transports.includes('stomp')) return;
    const server = this.httpAdapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) {
      this.logger.log('No HTTP server (an application context?): the STOMP transport is not served');
      return;
    }
    this.endpoint.mount(server, {
      path: this.options.stomp.path,
      transport: 'stomp',
      handleProtocols: (protocols) => STOMP_PROTOCOLS.find((protocol) => protocols.has(protocol)) ?? false,
      upgrade: (request, socket, head) => this.upgrade(request, socket, head),
    });
  }

  /** Clients that upgraded but have not sent CONNECT are not connections yet: the runtime's drain cannot see them. */
  beforeApplicationShutdown(): void {
    for (const session of [...this.context.connecting]) session.refuseConnect('server shutting down');
  }

  onApplicationShutdown(): void {
    this.endpoint.close();
    this.context.heartbeats.stop();
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', socketFailed);
    if (request.method !== 'GET') {
      publishRefusedConnect('stomp', 'method');
      return rejectUpgrade(socket, 400, 'WebSocket upgrades use GET');
    }
    const { protocols } = parseProtocols(request.headers['sec-websocket-protocol']);
    if (protocols.length > 0 && !protocols.some((protocol) => (STOMP_PROTOCOLS as readonly string[]).includes(protocol))) {
      publishRefusedConnect('stomp', 'subprotocol');
      return rejectUpgrade(socket, 403, 'unsupported subprotocol');
    }
    if (!this.checkOrigin(request)) {
      publishRefusedConnect('stomp', 'origin');
      return rejectUpgrade(socket, 403, 'origin not allowed');
    }
    this.endpoint.accept(request, socket, head, (ws, writer, tcp) => this.serve(ws, writer, tcp, request));
  }

  private serve(ws: WebSocket, writer: WsTransportConnection, socket: Duplex, request: IncomingMessage): void {
    const session = new StompSession(writer, request, this.context);
    (ws as ServedWebSocket)[SESSION] = session;
    (socket as ServedSocket)[SESSION] = session;
    this.shutdownHooks.clientServed();
    ws.on('message', relayMessage);
    ws.on('ping', relayPing);
    ws.on('pong', relayPong);
    ws.on('close', relayClose);
    ws.on('error', relayError);
  }
}

/** Listeners shared by every served socket (called with it as `this`): closures would add to every idle connection. */
const SESSION = Symbol('nestjs-channels stomp session');
type ServedWebSocket = WebSocket & { [SESSION]: StompSession };
type ServedSocket = Duplex & { [SESSION]?: StompSession };

function relayMessage(this: WebSocket, data: Buffer): void {
  UnfinishedMessageBudget.finished(this);
  (this as ServedWebSocket)[SESSION].receive(data);
}

function relayPing(this: WebSocket, data: Buffer): void {
  if ((this as ServedWebSocket)[SESSION].activity() && this.readyState === this.OPEN) this.pong(data);
}

function relayPong(this: WebSocket): void {
  (this as ServedWebSocket)[SESSION].activity();
}

function relayClose(this: WebSocket): void {
  UnfinishedMessageBudget.finished(this);
  (this as ServedWebSocket)[SESSION].closed();
}

const wsLogger = new Logger('StompTransport');

/** ws closes the socket itself after an error (a frame it could not accept): the disconnect says `error`. */
function relayError(this: WebSocket, error: Error): void {
  wsLogger.debug(`WebSocket error: ${error.message}`);
  (this as ServedWebSocket)[SESSION].closed('error');
}

/** The TCP socket failed (a reset): once served, the disconnect says `error`. */
function socketFailed(this: ServedSocket): void {
  this[SESSION]?.closed('error');
  this.destroy();
}
