import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { RESOLVED_OPTIONS } from './channels.tokens.js';
import type { ChannelDefinition } from './discovery/channel-definition.js';
import { ChannelFanout } from './fanout/channel-fanout.js';
import { ChannelExplorer } from './discovery/channel-explorer.js';
import type { ResolvedChannelsOptions } from './interfaces/channels-options.interface.js';
import type { ConnectInfo, SocketHandler } from './interfaces/socket-handler.interface.js';
import type { TransportConnection } from './interfaces/transport.interface.js';
import { PubSub } from './pubsub/pubsub.js';
import { ReservedChannels } from './router/reserved-channels.js';
import type { TopicRouter } from './router/topic-router.js';
import type { Serializer } from './serializers/serializer.interface.js';
import { CloseCode } from './protocol/close-codes.js';
import type { ByteRateLimitOptions, RateLimitOptions } from './socket/inbound-rate-limit.js';
import type { ConnectionContext } from './socket/connection-context.interface.js';

import { eventChannels } from './observability/event-channels.js';
import type { SocketConnectEvent } from './observability/events.js';
import { authorizeConnection, type AcceptedConnection } from './socket/socket-acceptor.js';
import { SocketConnection } from './socket/socket-connection.js';
import { resolveSocketHandler } from './socket/socket-handler-resolver.js';
import { SweptRegistry } from './socket/swept-registry.js';
import type { TransportHost } from './transports/transport-host.interface.js';

/**
 * The transport-independent core every transport plugs into: channel routes, the socket
 * handler, the live connections and their idle sweep.
 */
@Injectable()
export class ChannelsRuntime
  implements TransportHost, ConnectionContext, OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('Channels');
  private draining = false;
  router: TopicRouter<ChannelDefinition>;
  private socketHandler: SocketHandler;
  /** Live connections; a socket silent for longer than the idle timeout is closed. */
  readonly connections: SweptRegistry<SocketConnection, SocketConnection>;

  constructor(
    @Inject(RESOLVED_OPTIONS) readonly options: ResolvedChannelsOptions,
    readonly pubsub: PubSub,
    readonly fanout: ChannelFanout,
    private readonly explorer: ChannelExplorer,
    private readonly moduleRef: ModuleRef,
    private readonly reservedChannels: ReservedChannels,
  ) {
    const { idleTimeoutMs } = options;
    this.connections = new SweptRegistry(
      Math.max(50, Math.min(5_000, Math.floor(idleTimeoutMs / 4))),
      (connection, now) => now - connection.lastSeenAt > idleTimeoutMs,
      (connection) => connection.close(CloseCode.normal, 'idle timeout', 'closed', 'idle_timeout'),
    );
  }

  get maxChannelsPerSocket(): number {
    return this.options.maxChannelsPerSocket;
  }

  get rateLimit(): RateLimitOptions | false {
    return this.options.rateLimit;
  }

  get maxPayloadDepth(): number {
    return this.options.maxPayloadDepth;
  }

  get byteRateLimit(): ByteRateLimitOptions | false {
    return this.options.byteRateLimit;
  }

  get joinRateLimit(): RateLimitOptions | false {
    return this.options.joinRateLimit;
  }

  get malformedFrameAllowance(): RateLimitOptions | false {
    return this.options.malformedFrameAllowance;
  }

  reservedChannel(topic: string): ChannelDefinition | undefined {
    return this.reservedChannels.match(topic);
  }

  onModuleInit(): void {
    this.router = this.explorer.explore();
    this.socketHandler = resolveSocketHandler(this.options.socketHandler, this.moduleRef);
    this.logger.log(`${this.router.size} channel route(s) on ${this.options.path}`);
    const environment = process.env.NODE_ENV;
    if (this.options.checkOrigin === true && environment !== 'development' && environment !== 'test') {
      this.logger.warn(
        'checkOrigin: true accepts a browser whose Origin matches the Host header of its own request, and a DNS ' +
          "rebinding page controls both: list the app's public origins instead, e.g. checkOrigin: ['https://chat.example.com']",
      );
    }
  }

  /** Asks the socket handler whether a client may connect. */
  authorize(params: Record<string, string>, info: ConnectInfo, vsn: string): Promise<AcceptedConnection | null> {
    const trace = eventChannels.socketConnect;
    if (!trace.hasSubscribers) return this.decide(params, info, vsn);
    const event: SocketConnectEvent = { transport: info.transport, outcome: 'refused' };
    let accepted: AcceptedConnection | null = null;
    // Resolves to nothing, so that the event never carries the assigns (`result`) to subscribers.
    const traced = async () => void (accepted = await this.decide(params, info, vsn, event));
    return trace.tracePromise(traced, event).then(() => accepted);
  }

  /** Whether the app is shutting down: it accepts no new connection then. */
  get isDraining(): boolean {
    return this.draining;
  }

  private async decide(params: Record<string, string>, info: ConnectInfo, vsn: string, event?: SocketConnectEvent): Promise<AcceptedConnection | null> {
    if (this.draining) {
      if (event) event.reason = 'draining';
      return null;
    }
    const decision = await authorizeConnection(this.socketHandler, params, info, vsn);
    if (typeof decision !== 'string') {
      if (event) event.outcome = 'ok';
      return decision;
    }
    if (event) {
      event.outcome = decision;
      event.reason = 'socket_handler';
    }
    return null;
  }

  /** Starts serving an accepted connection over `transport`. */
  open(transport: TransportConnection, serializer: Serializer, accepted: AcceptedConnection): SocketConnection {
    const connection = new SocketConnection(transport, serializer, accepted.assigns, accepted.socketId, this);
    this.connections.add(connection, connection);
    if (eventChannels.socketOpen.hasSubscribers) eventChannels.socketOpen.publish({ transport: transport.name, socketId: accepted.socketId });
    return connection;
  }

  connectionClosed(connection: SocketConnection): void {
    this.connections.remove(connection, connection);
  }

  /**
   * Closes every connection with 1012 so clients reconnect, to another node if there is one.
   * Before shutdown, not on it: Nest closes the HTTP server in between, and that waits for
   * every open (upgraded) socket, so draining later would hang until the clients leave.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.draining = true;
    const trace = eventChannels.drain;
    if (!trace.hasSubscribers) return this.drain();
    return trace.tracePromise(this.drain, { connections: this.connections.size }, this);
  }

  private async drain(): Promise<void> {
    const { batchSize, batchIntervalMs } = this.options.drain;
    const connections = [...this.connections.values()];
    const terminated: Promise<void>[] = [];
    for (let start = 0; start < connections.length; start += batchSize) {
      // Batches, so that thousands of clients do not reconnect (elsewhere) in the same instant.
      if (start > 0) await new Promise((resolve) => setTimeout(resolve, batchIntervalMs));
      for (const connection of connections.slice(start, start + batchSize)) {
        connection.close(CloseCode.serviceRestart, 'server shutting down', 'shutdown', 'shutdown');
        terminated.push(connection.terminated);
      }
    }
    await Promise.all(terminated);
  }

  onApplicationShutdown(): void {
    this.connections.stop();
  }
}
