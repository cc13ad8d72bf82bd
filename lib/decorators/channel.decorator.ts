import { DiscoveryService } from '@nestjs/core';

/** What `@Channel()` records on a class. */
export interface ChannelMetadata {
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
export function Channel(topic: string): ClassDecorator {
  return ChannelDiscovery({ topic });
}
