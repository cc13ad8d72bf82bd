import type { BroadcastMessage } from './broadcast-message.js';

/**
 * Carries broadcasts between nodes. `PubSub` delivers to this node's subscribers itself and asks
 * the adapter only to reach the others: `publish` once per broadcast, `subscribe` when a topic
 * gets its first local subscriber and `unsubscribe` when it loses its last.
 * @publicApi
 */
export interface PubSubAdapter {
  /** Starts the adapter; it calls `deliver` with every broadcast that arrives from another node. */
  init(deliver: (message: BroadcastMessage) => void): void | Promise<void>;
  publish(message: BroadcastMessage): void;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  close(): void | Promise<void>;
}
