import type { BroadcastMessage } from '../pubsub/broadcast-message.js';
import type { Position } from './position.js';

/** What a join on a history topic learns from the history. */
export interface Recovery {
  /**
   * The topic's position for this join: replayed messages end here, and the live stream that
   * follows continues right after it (the join reply tells the client).
   */
  readonly position: Position;
  /** Only when the client gave `since`: whether everything after it could be replayed. */
  readonly recovered?: boolean;
  /** The broadcasts after `since`, up to `position`, in order, each with its position. */
  readonly messages: readonly BroadcastMessage[];
}
