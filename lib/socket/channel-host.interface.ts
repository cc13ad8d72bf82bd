import type { ChannelFanout } from '../fanout/channel-fanout.js';
import type { FanoutTarget } from '../fanout/fanout-member.interface.js';
import type { TransportName } from '../interfaces/transport.interface.js';
import type { InboundMessage } from '../protocol/messages.js';
import type { PubSub } from '../pubsub/pubsub.js';

/** The connection a channel process lives on, as the process sees it. */
export interface ChannelHost extends FanoutTarget {
  readonly socketId: string | null;
  readonly assigns: Record<string, unknown>;
  readonly transportName: TransportName;
  /** The process ended; forget it if it is still the one registered for its topic. */
  channelEnded(channel: { readonly topic: string }): void;
  /** A `@HandleIn` returned without a reply to `message`. */
  handled?(message: InboundMessage): void;
}

/** What a channel process broadcasts through and receives broadcasts from. */
export interface ChannelBroadcasts {
  readonly pubsub: PubSub;
  readonly fanout: ChannelFanout;
}
