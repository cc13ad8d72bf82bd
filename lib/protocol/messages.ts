/** A frame from a client, decoded. Binary payloads arrive as `Buffer`. @publicApi */
export interface InboundMessage {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  /** JSON-compatible data, or raw bytes (`Buffer` inbound; `Buffer`, `Uint8Array` or `ArrayBuffer` outbound). */
  payload: unknown;
}

/**
 * A server push (`ref` null) or a broadcast (`joinRef` null; `ref` null, or the broadcast's
 * history position). @publicApi
 */
export interface OutboundMessage {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  /** JSON-compatible data, or raw bytes (`Buffer` inbound; `Buffer`, `Uint8Array` or `ArrayBuffer` outbound). */
  payload: unknown;
}

export type ReplyStatus = 'ok' | 'error';

/** A `phx_reply` to the client's message `ref`. @publicApi */
export interface ReplyMessage {
  joinRef: string | null;
  /** Null only in the reply to a malformed frame whose ref could not be read. */
  ref: string | null;
  topic: string;
  status: ReplyStatus;
  /** As a message's payload. */
  response: unknown;
}

/** An encoded frame, ready for a transport: text (`binary` false) or binary. @publicApi */
export interface Frame {
  readonly data: string | Buffer;
  readonly binary: boolean;
  /** A broadcast frame that several sockets receive (a `SharedFrame`): transports prepare it once for all. */
  readonly shared?: boolean;
  /**
   * A broadcast that arrived from another node. Such broadcasts come in reads of the PubSub
   * link, a burst sometimes split over two reads: a transport may hold its writes for the rest.
   */
  readonly fromOtherNode?: boolean;
}

/** True for payloads sent as binary frames: `Buffer`, `Uint8Array`, `ArrayBuffer`. */
export function isBinaryPayload(payload: unknown): payload is Uint8Array | ArrayBuffer {
  return payload instanceof Uint8Array || payload instanceof ArrayBuffer;
}

export function toBuffer(payload: Uint8Array | ArrayBuffer): Buffer {
  if (Buffer.isBuffer(payload)) return payload;
  if (payload instanceof ArrayBuffer) return Buffer.from(payload);
  return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
}
