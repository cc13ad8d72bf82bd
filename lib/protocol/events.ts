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
