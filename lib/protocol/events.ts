/** Event names of the Phoenix wire protocol. */
export const PhxEvent = {
  join: 'phx_join',
  leave: 'phx_leave',
  reply: 'phx_reply',
  error: 'phx_error',
  close: 'phx_close',
  heartbeat: 'heartbeat',
} as const;

/** The topic that carries heartbeats. */
export const HEARTBEAT_TOPIC = 'phoenix';

/** Events a client may not push itself: they belong to the protocol. */
export const RESERVED_EVENTS: ReadonlySet<string> = new Set([PhxEvent.reply, PhxEvent.error, PhxEvent.close]);

/**
 * Topics the library uses between nodes (presence replication `phx_presence:*`, long-poll
 * forwarding `phx:lp:*`) and the heartbeat topic: no client may join them, whatever the routes.
 */
export function isReservedTopic(topic: string): boolean {
  return topic === HEARTBEAT_TOPIC || topic.startsWith('phx_') || topic.startsWith('phx:');
}
