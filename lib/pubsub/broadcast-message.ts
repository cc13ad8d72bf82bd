import type { Position } from '../history/position.js';

/** A message published on a topic. `from` names the subscriber that must not receive it. @publicApi */
export interface BroadcastMessage {
  topic: string;
  event: string;
  payload: unknown;
  from?: string;
  /** Its place in the topic's history, on topics that keep one (set by the history, not by senders). */
  position?: Position;
}

/** Where a broadcast delivered on this node was published: here, or on another node (through the adapter). */
export type BroadcastOrigin = 'local' | 'remote';
