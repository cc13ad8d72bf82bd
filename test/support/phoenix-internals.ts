import type { Channel as PhoenixChannel, Socket as PhoenixSocket } from 'phoenix';

// Internals of the phoenix client that @types/phoenix does not declare, in one place so a client
// upgrade that moves them breaks here rather than across the specs.

/** The join_ref of the channel's current join (the ref of its join push). */
export function joinRefOf(channel: PhoenixChannel): string {
  return (channel as unknown as { joinPush: { ref: string } }).joinPush.ref;
}

/** The client's current WebSocket (or LongPoll instance), if any. */
export function transportOf(socket: PhoenixSocket): { readyState: number; close(code?: number, reason?: string): void } | null {
  return (socket as unknown as { conn: { readyState: number; close(code?: number, reason?: string): void } | null }).conn;
}

/** The transport class the client connects with (`WebSocket`, `LongPoll`, ...). */
export function transportClassOf(socket: PhoenixSocket): unknown {
  return (socket as unknown as { transport: unknown }).transport;
}

export interface Codec {
  encode(msg: unknown, callback: (encoded: string) => void): void;
  decode(raw: string, callback: (decoded: unknown) => void): void;
}

/**
 * Sets the client's codec after construction: the constructor ignores the `encode`/`decode`
 * options when the transport is `LongPoll`.
 */
export function setCodec(socket: PhoenixSocket, codec: Codec): void {
  Object.assign(socket as unknown as Codec, { encode: codec.encode, decode: codec.decode });
}
