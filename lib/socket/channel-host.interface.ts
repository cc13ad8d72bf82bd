import type { FanoutTarget } from '../fanout/fanout-member.interface.js';
import type { TransportName } from '../interfaces/transport.interface.js';

/** The connection a channel process lives on, as the process sees it. */
export interface ChannelHost extends FanoutTarget {
  readonly socketId: string | null;
  readonly assigns: Record<string, unknown>;
  readonly transportName: TransportName;
  /** The process ended; forget it if it is still the one registered for its topic. */
  channelEnded(channel: { readonly topic: string }): void;
}
