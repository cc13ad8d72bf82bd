import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ChannelsRuntime } from './channels-runtime.js';
import { CHANNELS_MODULE_OPTIONS, ConfigurableChannelsModule } from './channels.module-definition.js';
import { ChannelsServer } from './channels.server.js';
import { PUBSUB_ADAPTER, RESOLVED_OPTIONS } from './channels.tokens.js';
import { ChannelContextCreator } from './context/channel-context-creator.js';
import { ChannelExplorer } from './discovery/channel-explorer.js';
import { ChannelFanout } from './fanout/channel-fanout.js';
import type { ChannelsModuleOptions, ResolvedChannelsOptions } from './interfaces/channels-options.interface.js';
import { resolveOptions } from './options/resolve-options.js';
import { HistoryPolicies } from './history/history-policies.js';
import { NODE_ID, randomNodeId } from './node-identity.js';
import { ChannelsHealthIndicator } from './observability/health/channels-health.indicator.js';
import { Presence } from './presence/presence.js';
import { PubSub } from './pubsub/pubsub.js';
import { createPubSubAdapter } from './pubsub/pubsub-option.js';
import { ReservedChannels } from './router/reserved-channels.js';
import { ShutdownHooksCheck } from './shutdown-hooks-check.js';
import { TRANSPORT_HOST } from './transports/transport-host.interface.js';
import { LongPollTransport } from './transports/longpoll/longpoll-transport.js';
import { WebSocketTransport } from './transports/websocket/websocket-transport.js';
import { StompTransport } from './transports/stomp/stomp-transport.js';

/**
 * Phoenix Channels for Nest. Import `ChannelsModule.forRoot({...})` (or `forRootAsync`) once in
 * the root module; `@Channel` providers anywhere in the app are discovered at boot. Global by
 * default, so `PubSub` and `ChannelsServer` can be injected everywhere.
 * @publicApi
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: RESOLVED_OPTIONS,
      useFactory: (options: ChannelsModuleOptions) => resolveOptions(options),
      inject: [CHANNELS_MODULE_OPTIONS],
    },
    {
      provide: PUBSUB_ADAPTER,
      useFactory: (options: ResolvedChannelsOptions) => createPubSubAdapter(options.pubsub),
      inject: [RESOLVED_OPTIONS],
    },
    { provide: NODE_ID, useFactory: randomNodeId },
    HistoryPolicies,
    PubSub,
    ChannelFanout,
    ChannelContextCreator,
    ChannelExplorer,
    ReservedChannels,
    ChannelsRuntime,
    { provide: TRANSPORT_HOST, useExisting: ChannelsRuntime },
    ChannelsServer,
    ShutdownHooksCheck,
    WebSocketTransport,
    LongPollTransport,
    StompTransport,
    Presence,
    ChannelsHealthIndicator,
  ],
  // ReservedChannels and RESOLVED_OPTIONS: for the library's own modules (the dashboard), not in the public API.
  exports: [PubSub, ChannelsServer, PUBSUB_ADAPTER, Presence, ChannelsHealthIndicator, NODE_ID, ReservedChannels, RESOLVED_OPTIONS],
})
export class ChannelsModule extends ConfigurableChannelsModule {
  /** Every option has a default, so `ChannelsModule.forRoot()` alone serves `/socket`. */
  static override forRoot(options: ChannelsModuleOptions & { isGlobal?: boolean } = {}): DynamicModule {
    return super.forRoot(options);
  }
}
