/** A message published on a topic. `from` names the subscriber that must not receive it. @publicApi */
export interface BroadcastMessage {
  topic: string;
  event: string;
  payload: unknown;
  from?: string;
}

/** Where a broadcast delivered on this node was published: here, or on another node (through the adapter). */
export type BroadcastOrigin = 'local' | 'remote';
