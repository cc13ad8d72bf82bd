import type { BroadcastMessage } from '../pubsub/broadcast-message.js';
import type { HistoryPolicy } from './history-options.js';
import type { Position } from './position.js';
import type { Recovery } from './recovery.js';

/**
 * A history that every node shares (Redis streams), offered by a PubSub adapter. The store numbers
 * a history broadcast when it is published, and every node, the publishing one included, receives
 * it back through the adapter's `deliver` with its position: per topic in order, without gaps the
 * store can still fill, and without duplicates.
 * @publicApi
 */
export interface SharedHistory {
  /** Numbers, keeps and publishes a history broadcast of `message.topic`. */
  publish(message: BroadcastMessage, policy: HistoryPolicy): void;
  /**
   * For a join on this node (its subscription to the topic is asked for already): the position the
   * live stream continues from once this resolves, and the kept broadcasts after `since`.
   */
  recover(topic: string, since: Position | null, policy: HistoryPolicy): Promise<Recovery>;
}
