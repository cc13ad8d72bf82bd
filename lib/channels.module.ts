import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ChannelsRuntime } from './channels-runtime.js';
import { CHANNELS_MODULE_OPTIONS, ConfigurableChannelsModule } from './channels.module-definition.js';
import { ChannelsServer } from './channels.server.js';
import { PUBSUB_ADAPTER, RESOLVED_OPTIONS } from './channels.tokens.js';
import { ChannelContextCreator } from './context/channel-context-creator.js';
import { ChannelExplorer } from './discovery/channel-explorer.js';
import type { ChannelsModuleOptions } from './interfaces/channels-options.interface.js';
import { resolveOptions } from './options/resolve-options.js';
import { InMemoryPubSubAdapter } from './pubsub/in-memory.adapter.js';
import { PubSub } from './pubsub/pubsub.js';
import { WebSocketTransport } from './transports/websocket/websocket-transport.js';

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
    { provide: PUBSUB_ADAPTER, useClass: InMemoryPubSubAdapter },
    PubSub,
    ChannelContextCreator,
    ChannelExplorer,
    ChannelsRuntime,
    ChannelsServer,
    WebSocketTransport,
  ],
  exports: [PubSub, ChannelsServer],
})
export class ChannelsModule extends ConfigurableChannelsModule {}
