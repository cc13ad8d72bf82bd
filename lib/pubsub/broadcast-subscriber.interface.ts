import type { BroadcastMessage, BroadcastOrigin } from './broadcast-message.js';

/** Something subscribed to a topic on this node: the channel fan-out, a socket-id listener, a user handler. */
export interface BroadcastSubscriber {
  /** Compared with `BroadcastMessage.from` to skip the sender of a `broadcastFrom`. */
  readonly subscriberId: string;
  deliver(message: BroadcastMessage, origin: BroadcastOrigin): void;
}
