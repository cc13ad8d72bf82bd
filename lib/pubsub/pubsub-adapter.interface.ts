import type { PubSubLinkState } from '../observability/events.js';
import type { SharedHistory } from '../history/shared-history.interface.js';
import type { BroadcastMessage } from './broadcast-message.js';

/** The node an adapter serves. @publicApi */
export interface AdapterNode {
  /** This node's id: random, new at every start, the same one the library uses everywhere. */
  readonly nodeId: string;
}

/**
 * Carries broadcasts between nodes. `PubSub` delivers to this node's subscribers itself and asks
 * the adapter only to reach the others: `publish` once per broadcast, `subscribe` when a topic
 * gets its first local subscriber and `unsubscribe` when it loses its last. An adapter with a
 * shared `history` takes the broadcasts of history topics instead (`history.publish`), and
 * delivers them on every node, its own included, in the order the history numbered them.
 * @publicApi
 */
export interface PubSubAdapter {
  /**
   * Starts the adapter; it calls `deliver` with every broadcast that arrives from another node.
   * `node.nodeId` names this node among the others (e.g. to recognise its own messages).
   */
  init(deliver: (message: BroadcastMessage) => void, node: AdapterNode): void | Promise<void>;
  publish(message: BroadcastMessage): void;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  close(): void | Promise<void>;
  /**
   * The history every node shares, when the adapter keeps one (Redis streams). Without it each
   * node numbers and keeps what it delivers in memory: recovery then works on the node a client
   * was on, and a client rejoining on another node learns that nothing could be recovered.
   */
  readonly history?: SharedHistory;
  /**
   * The state of the adapter's link to the other nodes, for health checks; an adapter without
   * one (in-memory) has nothing that can go down.
   */
  readonly linkStatus?: PubSubLinkStatus;
}

/** An adapter's link to the other nodes (e.g. its Redis connections). @publicApi */
export interface PubSubLinkStatus {
  readonly state: PubSubLinkState;
  /** Where it goes (`redis://host:port`, credentials left out). */
  readonly target: string;
  /** Since when it is down (ms since epoch), while it is. */
  readonly downSince?: number;
  /** The last connection error. */
  readonly lastError?: string;
}
