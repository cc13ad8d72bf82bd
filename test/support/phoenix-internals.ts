import type { Channel as PhoenixChannel, Socket as PhoenixSocket } from 'phoenix';

// Internals of the phoenix client that @types/phoenix does not declare, in one place so a client
// upgrade that moves them breaks here rather than across the specs.

/** The join_ref of the channel's current join (the ref of its join push). */
export function joinRefOf(channel: PhoenixChannel): string {
  return (channel as unknown as { joinPush: { ref: string } }).joinPush.ref;
}

/** The client's current WebSocket, if any. */
export function transportOf(socket: PhoenixSocket): { readyState: number; close(code?: number, reason?: string): void } | null {
  return (socket as unknown as { conn: { readyState: number; close(code?: number, reason?: string): void } | null }).conn;
}
