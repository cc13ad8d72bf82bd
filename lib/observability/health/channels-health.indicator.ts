import { Inject, Injectable } from '@nestjs/common';
import { ChannelsServer } from '../../channels.server.js';
import { PUBSUB_ADAPTER } from '../../channels.tokens.js';
import { Presence } from '../../presence/presence.js';
import type { PubSubAdapter, PubSubLinkStatus } from '../../pubsub/pubsub-adapter.interface.js';

/** What a down PubSub link makes of the check. @publicApi */
export interface ChannelsHealthOptions {
  /**
   * A node whose link to the other nodes (Redis) is down still serves its own clients: `down`
   * (the default) fails the check, `degraded` reports it and keeps the check passing (terminus
   * answers 200 with status `degraded`). Pick per probe: e.g. `degraded` for liveness.
   */
  whenPubSubDown?: 'down' | 'degraded';
}

/** This node as the health check reports it, under the check's key. @publicApi */
export interface ChannelsHealthDetails {
  status: 'up' | 'down' | 'degraded';
  /** Open connections on this node. */
  connections: number;
  /** Shutting down: closing its connections and accepting none. */
  draining: boolean;
  /** The PubSub link; `{ state: 'up', target: 'in-memory' }` with the single-node adapter. */
  pubsub: PubSubLinkStatus;
  /** The other nodes whose presence tracker this node hears. */
  presencePeers: string[];
}

/**
 * A health indicator for `@nestjs/terminus` (`health.check([() => channels.check('channels')])`):
 * down while the node drains at shutdown, down (or degraded, see {@link ChannelsHealthOptions})
 * while its PubSub link is down, with the details either way. Its result is the plain object
 * terminus expects, so the library itself never loads terminus.
 * @publicApi
 */
@Injectable()
export class ChannelsHealthIndicator {
  /** @internal Made by Nest's injector. */
  constructor(
    private readonly server: ChannelsServer,
    @Inject(PUBSUB_ADAPTER) private readonly adapter: PubSubAdapter,
    private readonly presence: Presence,
  ) {}

  check<const Key extends string = 'channels'>(key: Key = 'channels' as Key, options: ChannelsHealthOptions = {}): Record<Key, ChannelsHealthDetails> {
    const pubsub = this.adapter.linkStatus ?? { state: 'up', target: 'in-memory' };
    const draining = this.server.isDraining;
    let status: ChannelsHealthDetails['status'] = 'up';
    if (pubsub.state !== 'up') status = options.whenPubSubDown ?? 'down';
    if (draining) status = 'down';
    const details = { status, connections: this.server.connectionCount, draining, pubsub, presencePeers: this.presence.peerNodes };
    return { [key]: details } as Record<Key, ChannelsHealthDetails>;
  }
}
