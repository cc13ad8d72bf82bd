import type { EncodedBroadcast } from './encoded-broadcast.js';

/** Something subscribed to a topic on this node: a joined channel, a socket-id listener, a user handler. */
export interface BroadcastSubscriber {
  /** Compared with `BroadcastMessage.from` to skip the sender of a `broadcastFrom`. */
  readonly subscriberId: string;
  deliver(broadcast: EncodedBroadcast): void;
}
