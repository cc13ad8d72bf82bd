import type { Frame } from '../protocol/messages.js';
import type { Serializer } from '../serializers/serializer.interface.js';
import type { ChannelProcess } from './channel-process.js';

/** The connection a channel process lives on, as the process sees it. */
export interface ChannelHost {
  readonly serializer: Serializer;
  readonly socketId: string | null;
  readonly assigns: Record<string, unknown>;
  readonly transportName: string;
  send(frame: Frame): void;
  /** The process ended; forget it if it is still the one registered for its topic. */
  channelEnded(channel: ChannelProcess): void;
}
