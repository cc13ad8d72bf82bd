import { DiscoveryService } from '@nestjs/core';
import type { HistoryOptions } from '../history/history-options.js';

/** Options of `@Channel()`. @publicApi */
export interface ChannelOptions {
  /**
   * Keep the history of this channel's topics, so that clients rejoining with `since` recover
   * what they missed: `true` for the module's defaults (`ChannelsModule.forRoot({ history })`), or
   * options of its own. Default: no history.
   */
  history?: HistoryOptions | true;
}

/** What `@Channel()` records on a class. */
export interface ChannelMetadata extends ChannelOptions {
  topic: string;
}

/** @internal discoverable through `DiscoveryService.getProviders({ metadataKey: ChannelDiscovery.KEY })`. */
export const ChannelDiscovery = DiscoveryService.createDecorator<ChannelMetadata>();

/**
 * Marks a provider as a channel serving `topic`: an exact topic or a prefix ending in `*`
 * (`'room:*'` serves `room:lobby`, `room:42`, ...). The class must also be listed in a module's
 * `providers`, and gets dependency injection like any provider.
 * @publicApi
 */
export function Channel(topic: string, options: ChannelOptions = {}): ClassDecorator {
  return ChannelDiscovery({ ...options, topic });
}
